"""Load the SDQ's item texts for a municipality that holds a licence from the publisher.

The texts are copyrighted: they are never shipped with the system. A licensed municipality
loads them from a CSV (columns: version;punkt;tekst) or a JSON list of the same keys.
Loading again replaces the municipality's texts for the versions in the file.
"""

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kerne.models import Kommune
from registrering.models import SdqItemtekst
from registrering.scoring import SDQ_ITEMS, SDQ_VERSIONS


class Command(BaseCommand):
    help = "Load licensed SDQ item texts for one municipality from a CSV or JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fil", help="CSV (version;punkt;tekst) or JSON file")
        parser.add_argument("--kommune", required=True, help="the municipality's three-digit code")

    def handle(self, *args, **options) -> None:
        kommune = Kommune.objects.filter(kode=options["kommune"]).first()
        if kommune is None:
            raise CommandError(f"No municipality with code {options['kommune']}.")
        path = Path(options["fil"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        rows = self._read(path)
        errors = []
        for number, row in enumerate(rows, start=1):
            version, punkt, tekst = (
                row.get("version", ""),
                row.get("punkt", ""),
                row.get("tekst", ""),
            )
            if version not in SDQ_VERSIONS:
                errors.append(f"row {number}: unknown version {version!r}")
            elif punkt not in (*SDQ_ITEMS, *SDQ_VERSIONS[version].impact_items):
                errors.append(f"row {number}: unknown item {punkt!r}")
            elif not tekst.strip() or len(tekst) > 300:
                errors.append(f"row {number}: the text must be 1–300 characters")
        if errors:
            raise CommandError("Nothing loaded:\n" + "\n".join(errors))
        with transaction.atomic():
            versions = {row["version"] for row in rows}
            SdqItemtekst.objects.filter(kommune=kommune, version__in=versions).delete()
            SdqItemtekst.objects.bulk_create(
                SdqItemtekst(
                    kommune=kommune,
                    version=row["version"],
                    punkt=row["punkt"],
                    tekst=row["tekst"].strip(),
                )
                for row in rows
            )
        self.stdout.write(f"{len(rows)} SDQ texts loaded for {kommune}.")

    @staticmethod
    def _read(path: Path) -> list[dict[str, str]]:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise CommandError(f"Not valid JSON: {error}") from None
            if not isinstance(data, list):
                raise CommandError("The JSON file must hold a list of {version, punkt, tekst}.")
            return [{k: str(v) for k, v in row.items()} for row in data if isinstance(row, dict)]
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        return [
            {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(text.splitlines(), delimiter=delimiter)
        ]
