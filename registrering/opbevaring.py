"""The registrations' part of the retention anonymisation (kerne.opbevaring).

The registrations, their values and the questionnaires are the pseudonymised statistics the
reports are built from: they stay. Only the free-text reason for reopening a month goes.
"""

from kerne.opbevaring import Anonymiser, Felter
from registrering.models import Maanedsaabning, Registrering, Spoergeskema, Vaerdi

ANONYMISER = Anonymiser(
    key="registrering",
    order=40,
    felter=(
        Felter(Maanedsaabning, "familie", felter=("begrundelse",)),
        # Codes of the indicators still missing.
        Felter(Registrering, "familie", ikke_personlige=("mangler",)),
        # An answer code of a choice indicator (e.g. "kontanthjaelp"), never free text.
        Felter(Vaerdi, "registrering__familie", ikke_personlige=("tekst",)),
        # Answers by item number (0-2 / 0-5) and the version's code.
        Felter(Spoergeskema, "sagsdel__familie", ikke_personlige=("version", "svar")),
    ),
)
