"""Complete, valid month entries for the test families."""

from registrering import rules
from tests.registrering.factories import adult, children

ADULT_SCALE = [
    "funktionsnedsaettelse",
    "praktiske_opgaver",
    "egenomsorg",
    "mobilitet",
    "beskaeftigelse_bolig_oekonomi",
    "netvaerk",
    "sundhed",
]
CHILD_SCALE = [
    "trivsel",
    "sundhed",
    "dagtilbud_skole",
    "familieforhold",
    "fritid_venskaber",
    "udvikling_adfaerd",
]


def adult_entry(level: str = "2") -> dict[str, str]:
    return {
        **dict.fromkeys(ADULT_SCALE, level),
        "forsoergelse": "kontanthjaelp",
        "arbejdstimer_uge": "0",
        "i_beskaeftigelsesrettet_tilbud": "nej",
        "startet_uddannelse": "nej",
    }


def child_entry(age: int, level: str = "2") -> dict[str, str]:
    entry = dict.fromkeys(CHILD_SCALE, level)
    entry["fritidsaktivitet"] = "ja"
    if age <= 10:
        entry["dagtilbud_eller_sfo"] = "ja"
    if 6 <= age <= 16:
        entry["skolefravaer_pct"] = "12,5"
    if age >= 13:
        entry["fritidsjob"] = "nej"
    if age >= 15:
        entry["ungdomsuddannelse"] = "startet"
    return entry


def full_month(familie, maaned, level: str = "2") -> dict[int, dict[str, str]]:
    entry = {}
    for medlemskab in familie.medlemskaber.filter(rolle="voksen"):
        entry[medlemskab.person_id] = adult_entry(level)
    for child in children(familie):
        entry[child.pk] = child_entry(rules.age_in_month(child.foedselsdato, maaned), level)
    assert adult(familie).pk in entry
    return entry
