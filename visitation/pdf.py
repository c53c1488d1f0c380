"""The board meeting's minutes as a PDF, through the kernel's PDF pipeline (kerne.pdf)."""

from __future__ import annotations

from typing import Any

from kerne import adgang, pdf
from kerne.models import Dokument, Rolle
from visitation.models import Visitationsmoede

KIND = "visitation.referat"


def key_for(moede: Visitationsmoede) -> str:
    """A new version of the meeting (agenda, decisions, minutes) is a new document."""
    return f"{moede.pk}:{moede.version}"


def existing(moede: Visitationsmoede) -> Dokument | None:
    """The minutes' document for the meeting as it is now, if one was ordered."""
    return Dokument.objects.filter(kind=KIND, noegle=key_for(moede)).first()


def build(dokument: Dokument) -> tuple[str, dict]:
    """Template and context of the minutes, from the meeting the key names (no request)."""
    from visitation.selectors import Punkt

    moede_id = int(dokument.noegle.split(":", 1)[0])
    moede = (
        Visitationsmoede.objects.select_related("projekt__kommune")
        .prefetch_related("medlemmer")
        .get(pk=moede_id)
    )
    items = moede.punkter.select_related("familie", "besluttet_af").order_by("raekkefoelge", "pk")
    # Only the project leader reads the PDF (may_read), and they see every family of the project.
    rows = [Punkt(punkt=item, synlig=True, ikke_opfyldte=[]) for item in items]
    return "visitation/pdf/referat.html", {
        "moede": moede,
        "punkter": rows,
        "projekt": moede.projekt,
    }


def may_read(user: Any, dokument: Dokument) -> bool:
    """The minutes name every family decided on: the project's leader keeps them."""
    return Rolle.PROJEKTLEDER in adgang.roles_in(user, dokument.projekt)


def register() -> None:
    pdf.register(KIND, build=build, may_read=may_read)
