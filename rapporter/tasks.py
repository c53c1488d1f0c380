"""Celery tasks of the reports app: thin, idempotent, ids in."""

from celery import shared_task
from django.db import OperationalError

from registrering import rules

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(bind=True, ignore_result=True, **RETRY)
def maanedsrapport_byg(self, report_id: int) -> None:
    """Build one ordered report; the service's claim makes a duplicate a no-op and lets the
    same delivery, redelivered after its worker died, finish the build."""
    from rapporter import services

    services.rapport_byg(report_id=report_id, opgave=self.request.id or "")


@shared_task(bind=True, ignore_result=True, **RETRY)
def maanedsrapport_bestil(self, projekt_id: int, maaned: str) -> None:
    """Order one project's report for a month ('YYYY-MM'), as the beat does."""
    from kerne.models import Projekt
    from rapporter import services
    from rapporter.models import Maanedsrapport

    projekt = Projekt.objects.get(pk=projekt_id)
    report, queued = services.rapport_bestil(
        projekt=projekt,
        maaned=rules.parse_month(maaned),
        udloeser=Maanedsrapport.Udloeser.BEAT,
        enqueue=False,
    )
    if queued:
        # Already in a worker: build here rather than queue one more task.
        services.rapport_byg(report_id=report.pk, opgave=self.request.id or "")


@shared_task
def maanedsrapporter_forfaldne(today: str | None = None) -> int:
    """Daily beat: order the reports due today (the day after each project's deadline).
    `today` (ISO date) lets an operator replay a missed day."""
    import datetime

    from rapporter import services

    due = services.reports_due(today=datetime.date.fromisoformat(today) if today else None)
    for projekt_id, maaned in due:
        maanedsrapport_bestil.delay(projekt_id, f"{maaned:%Y-%m}")
    return len(due)


@shared_task(ignore_result=True, **RETRY)
def udtraek_byg(udtraek_id: int) -> None:
    from rapporter import services

    services.udtraek_byg(udtraek_id=udtraek_id)
