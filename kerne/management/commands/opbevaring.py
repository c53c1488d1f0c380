"""Show, and with --apply carry out, what the nightly retention tasks do today."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count
from django.utils import timezone

from kerne import audit, opbevaring, tasks
from kerne.models import Adgangslog, Projekt


class Command(BaseCommand):
    help = (
        "List, per project, the discharged families past the project's retention that the "
        "nightly task would anonymise, and the audit rows past AUDIT_RETENTION_MONTHS; with "
        "--apply, anonymise and delete them now (audited, as the nightly tasks do)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="anonymise and purge now")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        counts = dict(
            opbevaring.due_families(today)
            .order_by()
            .values("projekt_id")
            .annotate(n=Count("pk"))
            .values_list("projekt_id", "n")
        )
        for projekt in Projekt.objects.order_by("kode"):
            cutoff = opbevaring.cutoff(today, projekt.opbevaring_maaneder)
            self.stdout.write(
                f"{projekt.kode}: {projekt.opbevaring_maaneder} months, discharged before "
                f"{cutoff:%Y-%m-%d}: {counts.get(projekt.pk, 0)} families due"
            )
        months = settings.AUDIT_RETENTION_MONTHS
        if not options["apply"]:
            old = Adgangslog.objects.filter(tidspunkt__lt=audit.expiry(months)).count()
            self.stdout.write(f"audit log: {old} rows older than {months} months")
            return
        done = tasks.opbevaring_anonymiser()
        purged = tasks.adgangslog_udloeb()
        self.stdout.write(f"anonymised {done} families; deleted {purged} audit rows")
