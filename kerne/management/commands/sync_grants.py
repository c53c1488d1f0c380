"""Re-derive every family's grants from the facts and report the differences found."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kerne import adgang
from kerne.models import Familie, Projekt


class Command(BaseCommand):
    help = (
        "Compare stored grants with what the facts give; with --apply, repair them "
        "(audited). Exit code 1 in --check mode when any family differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="only this project code")
        parser.add_argument("--apply", action="store_true", help="repair the differences")
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 if anything differs"
        )

    def handle(self, *args, **options) -> None:
        familier = Familie.objects.select_related("projekt").order_by("pk")
        if options["project"]:
            if not Projekt.objects.filter(kode=options["project"]).exists():
                raise CommandError(f"No project with code {options['project']!r}.")
            familier = familier.filter(projekt__kode=options["project"])
        differing = 0
        for familie in familier.iterator(chunk_size=500):
            wanted, stored = adgang.derive_grants(familie), adgang.current_grants(familie)
            if wanted == stored:
                continue
            differing += 1
            self.stdout.write(
                f"family {familie.pk}: {len(wanted - stored)} missing, "
                f"{len(stored - wanted)} surplus"
            )
            if options["apply"]:
                with transaction.atomic():
                    adgang.sync_family_grants(familie, reason="sync_grants command")
        verb = "repaired" if options["apply"] else "differ"
        self.stdout.write(f"{differing} of {familier.count()} families {verb}.")
        if options["check"] and differing and not options["apply"]:
            raise SystemExit(1)
