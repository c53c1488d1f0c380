"""Demo data of the reports app: last month's status report for each demo project."""

from __future__ import annotations

from kerne.demo import PROJECTS
from kerne.models import Projekt
from rapporter import selectors, services
from rapporter.models import Maanedsrapport


def seed(*, families: int, months: int, seed: int) -> list[str]:
    """Order last month's report of Demo Kommune's project (idempotent: an existing report is
    kept). The build runs as a task: in-process without Redis, else on the worker. One
    project only: the PDF is the slow part of the demo seed."""
    maaned = selectors.last_month()
    created = 0
    code = PROJECTS["Demo Kommune"][0]
    for projekt in Projekt.objects.filter(kode=code):
        _report, queued = services.rapport_bestil(
            projekt=projekt, maaned=maaned, udloeser=Maanedsrapport.Udloeser.KOMMANDO
        )
        created += queued
    return [f"{created} monthly status reports ordered for {maaned:%Y-%m}."]
