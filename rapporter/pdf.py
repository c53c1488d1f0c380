"""The monthly status report as a PDF, through the kernel's one PDF pipeline (kerne.pdf)."""

from __future__ import annotations

from typing import Any

from kerne.models import Dokument
from rapporter.models import Maanedsrapport

KIND = "rapporter.maanedsrapport"


def key_for(report: Maanedsrapport) -> str:
    """One document per report revision: a rebuild is a new revision and a new PDF."""
    return f"{report.pk}"


def build(dokument: Dokument) -> tuple[str, dict]:
    from rapporter import views

    report = Maanedsrapport.objects.select_related("projekt__kommune").get(pk=int(dokument.noegle))
    return "rapporter/pdf/maanedsrapport.html", views.report_context(report)


def may_read(user: Any, dokument: Dokument) -> bool:
    from rapporter import selectors

    return selectors.may_read_report(user, dokument.projekt_id)


def register() -> None:
    from kerne import pdf

    pdf.register(KIND, build=build, may_read=may_read)
