"""The family plan's part of the retention anonymisation (kerne.opbevaring).

Kept: the plan's structure (versions, activities' kind, sector, dates, hours per week,
cadence), so the evaluator export's activity counts and hours still add up.
"""

from familieplan.models import (
    Aftale,
    Aktoer,
    Beslutning,
    Indsats,
    Maal,
    Maalopfoelgning,
    Opfoelgning,
    Sektorplan,
    Stafetmoede,
    Statusskift,
)
from kerne.opbevaring import Anonymiser, Felter

ANONYMISER = Anonymiser(
    key="familieplan",
    order=20,
    felter=(
        Felter(Maal, "familie", felter=("titel", "maalopfyldelse")),
        Felter(
            Indsats,
            "version__familie",
            felter=(
                "titel",
                "maal",
                "maalopfyldelse",
                "tilbud",
                "leverandoer",
                "opfoelgningsform",
                "konsekvens_ved_udeblivelse",
                "ansvarlig",
            ),
            ikke_personlige=("lovgrundlag",),  # a paragraph of law, e.g. "SEL § 52"
        ),
        Felter(Sektorplan, "version__familie", felter=("ejer", "reference")),
        Felter(Opfoelgning, "sagsdel__familie", felter=("form", "notat")),
        Felter(Maalopfoelgning, "familie", felter=("form", "notat")),
        Felter(
            Statusskift,
            "familie",
            felter=("begrundelse",),
            ikke_personlige=("objekt_type", "fra", "til"),  # status codes
        ),
        Felter(Aktoer, "familie", felter=("navn", "rolle", "organisation", "kontakt")),
        Felter(Stafetmoede, "familie", felter=("sted", "dagsorden", "referat", "intern_note")),
        Felter(Aftale, "familie", felter=("hvad", "hvem")),
        Felter(Beslutning, "familie", felter=("tekst",)),
    ),
)
