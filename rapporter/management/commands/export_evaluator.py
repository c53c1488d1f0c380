"""Write the evaluator export of one month (one project or all) as a zip in a folder."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kerne.models import Projekt
from rapporter import eksport, services
from registrering import rules


class Command(BaseCommand):
    help = "Pseudonymised monthly export for the evaluator (zip), streamed to --out DIR."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--project", help="one project's code (default: every project)")
        parser.add_argument("--out", required=True, help="folder to write the zip into")

    def handle(self, *args, **options) -> None:
        maaned = rules.parse_month(options["month"] or "")
        if maaned is None:
            raise CommandError("--month must be a month as YYYY-MM, e.g. 2026-03.")
        projekter = Projekt.objects.order_by("kode")
        name = "alle"
        if options["project"]:
            projekter = projekter.filter(kode=options["project"])
            if not projekter.exists():
                raise CommandError(f"No project with code {options['project']!r}.")
            name = options["project"]
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"evaluering-{maaned:%Y-%m}-{name}.zip"
        try:
            summary = eksport.write_zip(
                str(path), maaned=maaned, projekt_ids=list(projekter.values_list("pk", flat=True))
            )
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        # The command runs as an operator, not a signed-in user: logged without a user.
        services.log_export(user=None, summary=summary)
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {summary['personer']} persons, {len(summary['projekt_ids'])} projects."
            )
        )
        if summary["mangler_rapport"]:
            self.stdout.write(
                "No built status report (PDF) for: " + ", ".join(summary["mangler_rapport"])
            )
