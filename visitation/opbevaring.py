"""The visitation's part of the retention anonymisation (kerne.opbevaring)."""

from __future__ import annotations

from typing import Any

from kerne import opbevaring
from kerne.models import Dokument
from kerne.opbevaring import Anonymiser, Felter
from visitation import pdf
from visitation.models import Dagsordenspunkt, Forloeb, Indstilling, Statusskift, Tildeling


def _delete_minutes(familie: Any) -> None:
    # A board meeting's minutes PDF names every family decided on. The meeting's own minutes
    # text spans several families and stays; the cached PDF goes and is rebuilt (with the
    # anonymised designation) if the project leader orders it again.
    moeder = (
        Dagsordenspunkt.objects.filter(familie=familie)
        .values_list("moede_id", flat=True)
        .distinct()
    )
    for moede_id in moeder:
        opbevaring.delete_documents(
            Dokument.objects.filter(kind=pdf.KIND, noegle__startswith=f"{moede_id}:")
        )


ANONYMISER = Anonymiser(
    key="visitation",
    order=10,
    felter=(
        Felter(
            Indstilling,
            "familie",
            felter=(
                "begrundelse",
                "kendt_begge_note",
                "ydelse_note",
                "genovervejes_note",
                "tvaerfaglig_note",
                "motivation_note",
            ),
        ),
        Felter(Dagsordenspunkt, "familie", felter=("begrundelse",)),
        Felter(Statusskift, "familie", felter=("begrundelse",)),
        Felter(Forloeb, "familie", felter=("aarsag_tekst", "overdragelsesnote")),
        Felter(Tildeling, "familie", felter=("begrundelse",)),
    ),
    ekstra=_delete_minutes,
)
