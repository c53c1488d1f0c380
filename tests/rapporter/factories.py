"""A small, fixed dataset whose outcome metrics are worked out by hand in the tests.

Months are fixed (2025), not relative to today, so the expected values never drift.
Three families of one project:

F1 (optaget 2025-01-10): adult a1, children c1 and c2; registered 2025-01 and 2025-06.
F2 (optaget 2025-02-01): adult a2, child c3; registered 2025-02 and 2025-06 (and a stray
    2025-01 registration from before the stay, which must be ignored).
F3 (optaget 2025-06-05, another case manager): adult a3, child c4; registered only 2025-06.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kerne import adgang
from kerne.models import Familie, Rolle
from registrering.models import Spoergeskema
from tests.factories import add_member, user_with_role
from tests.registrering.factories import questionnaire, registration
from visitation.models import Forloeb

JAN, FEB, MAJ, JUN = (datetime.date(2025, m, 1) for m in (1, 2, 5, 6))
CHILD = ["trivsel", "sundhed", "dagtilbud_skole", "familieforhold", "fritid_venskaber"]
CHILD_ALL = [*CHILD, "udvikling_adfaerd"]
ADULT = [
    "funktionsnedsaettelse",
    "praktiske_opgaver",
    "egenomsorg",
    "mobilitet",
    "beskaeftigelse_bolig_oekonomi",
    "netvaerk",
    "sundhed",
]


def child(first: int, rest: int | None = None, **extra) -> dict:
    """Six child scale values: the first indicator `first`, the other five `rest`."""
    rest = first if rest is None else rest
    return {"trivsel": first, **dict.fromkeys(CHILD_ALL[1:], rest), **extra}


def adult(level: int, forsoergelse: str, timer: int, udd: int) -> dict:
    return {
        **dict.fromkeys(ADULT, level),
        "forsoergelse": forsoergelse,
        "arbejdstimer_uge": timer,
        "startet_uddannelse": udd,
    }


@dataclass
class Dataset:
    projekt: object
    koordinator: object
    koordinator2: object
    projektleder: object
    familier: dict
    personer: dict


def family(projekt, koordinator, optaget: datetime.date, *, children: int) -> tuple:
    familie = Familie.objects.create(
        projekt=projekt,
        betegnelse=f"Familien Rapport{optaget:%m%d}",
        status=Familie.Status.AKTIV,
        koordinator=koordinator,
        optaget=optaget,
    )
    Forloeb.objects.create(
        familie=familie, optaget=optaget, udredningsfrist=optaget + datetime.timedelta(days=90)
    )
    voksen = add_member(familie, rolle="voksen", relation="mor", fra=optaget).person
    boern = [
        add_member(familie, rolle="barn", relation="barn", fra=optaget).person
        for _ in range(children)
    ]
    return familie, voksen, boern


def sync(*familier) -> None:
    for familie in familier:
        adgang.sync_family_grants(familie, reason="test")


def build(projekt) -> Dataset:
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    koordinator2 = user_with_role(Rolle.KOORDINATOR, projekt)
    leder = user_with_role(Rolle.PROJEKTLEDER, projekt, email="leder@example.invalid")
    f1, a1, (c1, c2) = family(projekt, koordinator, datetime.date(2025, 1, 10), children=2)
    f2, a2, (c3,) = family(projekt, koordinator, datetime.date(2025, 2, 1), children=1)
    f3, a3, (c4,) = family(projekt, koordinator2, datetime.date(2025, 6, 5), children=1)
    sync(f1, f2, f3)
    u = leder

    registration(f1, a1, JAN, u, adult(3, "kontanthjaelp", 0, 0))
    registration(f1, a1, JUN, u, adult(2, "loenmodtager", 20, 0))
    registration(f1, c1, JAN, u, child(3, 2, skolefravaer_pct=20, fritidsjob=0))
    registration(f1, c1, JUN, u, child(1, skolefravaer_pct=10, fritidsjob=1))
    registration(f1, c2, JAN, u, child(2, skolefravaer_pct=10))
    registration(f1, c2, JUN, u, child(4, 2, skolefravaer_pct=30))

    # Before F2's stay began: must not count as its admission registration.
    registration(f2, a2, JAN, u, adult(4, "loenmodtager", 37, 0))
    registration(f2, a2, FEB, u, adult(1, "kontanthjaelp", 0, 1))
    registration(f2, a2, JUN, u, adult(2, "kontanthjaelp", 0, 0))
    registration(f2, c3, FEB, u, child(3, skolefravaer_pct=40))
    registration(f2, c3, JUN, u, child(2, skolefravaer_pct=5))

    registration(f3, a3, JUN, u, adult(2, "kontanthjaelp", 0, 0))
    registration(f3, c4, JUN, u, child(3, skolefravaer_pct=15))

    who5, sdq = Spoergeskema.Type.WHO5, Spoergeskema.Type.SDQ
    for fam, person, day, score in [
        (f1, a1, datetime.date(2025, 1, 15), 40),
        (f1, a1, datetime.date(2025, 4, 10), 56),
        (f1, a1, datetime.date(2025, 7, 1), 80),
        (f2, a2, datetime.date(2025, 2, 10), 60),
        (f2, a2, datetime.date(2025, 6, 20), 52),
        (f3, a3, datetime.date(2025, 6, 6), 44),
    ]:
        questionnaire(fam, person, u, type=who5, version="who5", dato=day, score=score)
    for fam, person, version, day, score in [
        (f1, c1, "foraelder", datetime.date(2025, 1, 20), 18),
        (f1, c1, "foraelder", datetime.date(2025, 5, 15), 12),
        (f2, c3, "foraelder", datetime.date(2025, 2, 15), 15),
        (f2, c3, "foraelder", datetime.date(2025, 6, 10), 14),
        (f1, c2, "laerer", datetime.date(2025, 1, 20), 30),
        (f1, c2, "laerer", datetime.date(2025, 6, 1), 5),
    ]:
        questionnaire(fam, person, u, type=sdq, version=version, dato=day, score=score, svar={})
    return Dataset(
        projekt=projekt,
        koordinator=koordinator,
        koordinator2=koordinator2,
        projektleder=leder,
        familier={"f1": f1, "f2": f2, "f3": f3},
        personer={"a1": a1, "a2": a2, "a3": a3, "c1": c1, "c2": c2, "c3": c3, "c4": c4},
    )
