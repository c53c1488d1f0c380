"""The messages' part of the retention anonymisation (kerne.opbevaring): texts blanked and
attachment files deleted; when and by whom stay for the response-time figures."""

from kerne.opbevaring import Anonymiser, Felter
from kontakt.models import Besked, Vedhaeftning

ANONYMISER = Anonymiser(
    key="kontakt",
    order=30,
    felter=(
        Felter(Besked, "familie", felter=("tekst",)),
        Felter(
            Vedhaeftning,
            "familie",
            felter=("filnavn",),
            filer=("fil",),
            ikke_personlige=("mimetype",),
        ),
    ),
)
