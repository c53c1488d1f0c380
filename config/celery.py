"""The Celery app: Redis broker when REDIS_URL is set, eager in-process tasks otherwise."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("helhedsindsats")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule. Later work adds entries here: monthly reports after the registration
# deadline, daily reminders. Deadlines months away are database rows swept by these tasks.
app.conf.beat_schedule = {
    "dokumenter-genkoe": {
        "task": "kerne.tasks.dokumenter_genkoe",
        "schedule": crontab(minute="*/5"),
    },
    "resync-grants-at-validity-boundaries": {
        "task": "kerne.tasks.resync_grants_at_validity_boundaries",
        "schedule": crontab(hour=0, minute=15),
    },
    "familieplan-opfoelgninger-paamind": {
        "task": "familieplan.tasks.opfoelgninger_paamind",
        "schedule": crontab(hour=6, minute=30),
    },
    "send-registration-reminders": {
        "task": "registrering.tasks.send_registration_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Each project's report for last month is ordered the day after the project's own
    # registration deadline (Projekt.registreringsfrist_dag); the task picks the projects due.
    # Retention: discharged families past their project's setting are anonymised, and audit
    # rows older than AUDIT_RETENTION_MONTHS deleted; at night, after the monthly reports.
    "opbevaring-anonymiser": {
        "task": "kerne.tasks.opbevaring_anonymiser",
        "schedule": crontab(hour=3, minute=15),
    },
    "adgangslog-udloeb": {
        "task": "kerne.tasks.adgangslog_udloeb",
        "schedule": crontab(hour=3, minute=45),
    },
    "rapporter-maanedsrapporter": {
        "task": "rapporter.tasks.maanedsrapporter_forfaldne",
        "schedule": crontab(hour=2, minute=30),
    },
}
