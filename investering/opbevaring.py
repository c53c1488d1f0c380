"""The investment model's part of the retention anonymisation (kerne.opbevaring): the cost
lines stay (the business case is built from them); only an override's free-text reason goes."""

from investering.models import Omkostningslinje
from kerne.opbevaring import Anonymiser, Felter

ANONYMISER = Anonymiser(
    key="investering",
    order=50,
    felter=(Felter(Omkostningslinje, "sagsdel__familie", felter=("override_begrundelse",)),),
)
