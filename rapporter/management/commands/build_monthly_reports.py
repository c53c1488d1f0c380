"""Build the monthly status reports for a month: every project, or one (--project CODE)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kerne.models import Projekt
from rapporter import services
from rapporter.models import Maanedsrapport
from registrering import rules


class Command(BaseCommand):
    help = "Build (or rebuild with --rebuild) the monthly status reports for YYYY-MM."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--project", help="one project's code (default: every project)")
        parser.add_argument(
            "--rebuild", action="store_true", help="make a new revision of existing reports"
        )

    def handle(self, *args, **options) -> None:
        maaned = rules.parse_month(options["month"] or "")
        if maaned is None:
            raise CommandError("--month must be a month as YYYY-MM, e.g. 2026-03.")
        projekter = Projekt.objects.order_by("kode")
        if options["project"]:
            projekter = projekter.filter(kode=options["project"])
            if not projekter.exists():
                raise CommandError(f"No project with code {options['project']!r}.")
        ordered = existing = 0
        for projekt in projekter:
            try:
                report, queued = services.rapport_bestil(
                    projekt=projekt,
                    maaned=maaned,
                    udloeser=Maanedsrapport.Udloeser.KOMMANDO,
                    ny_revision=options["rebuild"],
                )
            except Exception as error:
                raise CommandError(f"{projekt.kode}: {error}") from error
            if queued:
                ordered += 1
            else:
                existing += 1
            report.refresh_from_db()
            self.stdout.write(
                f"{projekt.kode} {maaned:%Y-%m} rev. {report.revision}: "
                f"{report.get_tilstand_display()}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{ordered} reports ordered, {existing} already there.")
        )
