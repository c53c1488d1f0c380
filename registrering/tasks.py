"""Celery tasks of the registration: thin and idempotent."""

from celery import shared_task

from registrering import services


@shared_task(ignore_result=True)
def send_registration_reminders() -> int:
    """Daily: remind case managers of gaps in the month whose deadline is days away.

    Idempotent per day (a Paamindelse row per case manager, month and day), so a redelivered
    or doubled run sends nothing twice.
    """
    return services.paamindelser_send()
