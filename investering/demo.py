"""Demo data of the investment model: an example price catalogue, costs, project investment.

Registered with kerne.demo (order 40). Idempotent (a catalogue type, a family's costs and a
project's investment are made once) and deterministic for a given seed and day. Every price is
marked as an example: plausible Danish levels, not any municipality's own rates.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from investering.businesscase import add_months
from investering.models import (
    Enhed,
    Investeringslinje,
    Omkostningslinje,
    Omkostningstype,
    Pris,
)
from kerne import adgang
from kerne.models import Familie, Forvaltning, Kommune, Projekt, Sektor

# name, unit, sector, price before and after the price change inside the period
CATALOGUE = [
    ("Kontanthjælp", Enhed.MAANED, Sektor.BESKAEFTIGELSE, "12500", "12900"),
    ("Uddannelseshjælp", Enhed.MAANED, Sektor.BESKAEFTIGELSE, "7900", "8150"),
    ("Ressourceforløbsydelse", Enhed.MAANED, Sektor.BESKAEFTIGELSE, "15200", "15650"),
    ("Mentor", Enhed.TIME, Sektor.BESKAEFTIGELSE, "480", "495"),
    ("Anbringelse", Enhed.DAG, Sektor.BOERN_FAMILIE, "2400", "2500"),
    ("Forebyggende foranstaltning", Enhed.MAANED, Sektor.BOERN_FAMILIE, "9500", "9800"),
    ("Familiebehandling", Enhed.TIME, Sektor.BOERN_FAMILIE, "850", "880"),
    ("Kontaktperson", Enhed.TIME, Sektor.BOERN_FAMILIE, "520", "540"),
    ("Misbrugsbehandling", Enhed.FORLOEB, Sektor.VOKSEN_SOCIAL, "45000", "46500"),
    ("Specialundervisning", Enhed.AAR, Sektor.SKOLE_DAGTILBUD, "320000", "330000"),
    ("Psykolog", Enhed.SESSION, Sektor.SUNDHED, "1100", "1150"),
    ("Sundhedsforløb", Enhed.FORLOEB, Sektor.SUNDHED, "6500", "6700"),
]

DEPARTMENT_NAMES = {
    Sektor.BESKAEFTIGELSE: ["Jobcenter"],
    Sektor.BOERN_FAMILIE: ["Familiesektionen", "Familieafdelingen"],
    Sektor.VOKSEN_SOCIAL: ["Socialafdelingen"],
    Sektor.SUNDHED: ["Sundhedsafdelingen"],
    Sektor.SKOLE_DAGTILBUD: ["Skoleforvaltningen"],
}

# About 1.7 mio. kr. a year for a project of 30 families (the status note's figure).
INVESTMENT = {
    "demo-helhed": [
        ("personale", "Koordinerende sagsbehandlere (3,5 årsværk)", "115000"),
        ("personale", "Projektledelse (0,5 årsværk)", "22000"),
        ("andet", "Netværksmøder, transport og materialer", "4500"),
    ],
    "anden-helhed": [
        ("personale", "Koordinerende sagsbehandler (1 årsværk)", "33000"),
        ("andet", "Projektledelse og materialer", "8000"),
    ],
}


def price_change_day(today: datetime.date) -> datetime.date:
    """The price change inside the demo's period: the first of the month, six months ago."""
    return add_months(today, -6)


def _department(kommune: Kommune, sektor: str) -> Forvaltning:
    for navn in DEPARTMENT_NAMES[sektor]:
        found = Forvaltning.objects.filter(kommune=kommune, navn=navn).first()
        if found is not None:
            return found
    forvaltning, _created = Forvaltning.objects.get_or_create(
        kommune=kommune, navn=DEPARTMENT_NAMES[sektor][0], defaults={"sektor": sektor}
    )
    return forvaltning


def seed_catalogue(kommune: Kommune, today: datetime.date) -> dict[str, Omkostningstype]:
    first_day = datetime.date(today.year - 5, 1, 1)
    change = price_change_day(today)
    types = {}
    for navn, enhed, sektor, before, after in CATALOGUE:
        omkostningstype, _created = Omkostningstype.objects.get_or_create(
            kommune=kommune,
            navn=navn,
            defaults={
                "enhed": enhed,
                "sektor": sektor,
                "forvaltning": _department(kommune, sektor),
                "eksempel": True,
            },
        )
        if not omkostningstype.priser.exists():
            Pris.objects.bulk_create(
                [
                    Pris(omkostningstype=omkostningstype, gyldig_fra=first_day, beloeb=before),
                    Pris(omkostningstype=omkostningstype, gyldig_fra=change, beloeb=after),
                ]
            )
        types[navn] = omkostningstype
    return types


def _days(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)


def family_lines(
    rng: random.Random, familie: Familie, types: dict, today: datetime.date
) -> list[Omkostningslinje]:
    """Plausible costs: the year before admission (the baseline) and what followed."""
    members = list(familie.medlemskaber.select_related("person").order_by("pk"))
    if not members:
        return []
    optaget = min(m.fra for m in members)
    sagsdele = adgang.ensure_sagsdele(familie)
    adults = [m.person for m in members if m.rolle == "voksen"]
    children = [m.person for m in members if m.rolle == "barn"]
    lines = []

    def line(navn, fra, til=None, antal="1", person=None):
        omkostningstype = types[navn]
        if (
            til is not None
            and til > today
            and omkostningstype.enhed
            not in (
                Enhed.TIME,
                Enhed.SESSION,
                Enhed.FORLOEB,
            )
        ):
            til = None  # still running
        lines.append(
            Omkostningslinje(
                sagsdel=sagsdele[omkostningstype.sektor],
                omkostningstype=omkostningstype,
                person=person,
                antal=Decimal(antal),
                fra=fra,
                til=til,
                kilde=Omkostningslinje.Kilde.DEMO,
            )
        )

    for index, adult in enumerate(adults):
        ydelse = rng.choices(
            ["Kontanthjælp", "Uddannelseshjælp", "Ressourceforløbsydelse"], [6, 2, 2]
        )[0]
        # Some adults leave benefits after admission (job, education); the rest stay on them.
        leaves = rng.random() < (0.35 if index == 0 else 0.25)
        til = _days(optaget, rng.randint(120, 420)) if leaves else None
        line(ydelse, _days(optaget, -rng.randint(400, 700)), til, person=adult)
        if rng.random() < 0.5:
            line("Mentor", _days(optaget, 14), _days(optaget, 200), antal="60", person=adult)
        if rng.random() < 0.2:
            line("Misbrugsbehandling", _days(optaget, -300), _days(optaget, -90), person=adult)
        if rng.random() < 0.3:
            line("Psykolog", _days(optaget, 30), _days(optaget, 150), antal="10", person=adult)
    for child in children:
        roll = rng.random()
        if roll < 0.15:
            line(
                "Anbringelse",
                _days(optaget, -rng.randint(200, 330)),
                _days(optaget, -30),
                person=child,
            )
        elif roll < 0.75:
            line(
                "Forebyggende foranstaltning",
                _days(optaget, -rng.randint(300, 420)),
                _days(optaget, rng.randint(60, 300)),
                person=child,
            )
        if rng.random() < 0.2:
            line("Specialundervisning", _days(optaget, -365), _days(optaget, 180), person=child)
        if rng.random() < 0.25:
            line(
                "Kontaktperson", _days(optaget, -200), _days(optaget, 100), antal="80", person=child
            )
        if rng.random() < 0.2:
            line("Sundhedsforløb", _days(optaget, 20), _days(optaget, 110), person=child)
    line("Familiebehandling", _days(optaget, -330), _days(optaget, -1), antal="90")
    line("Familiebehandling", _days(optaget, 30), _days(optaget, 210), antal="40")
    return [ln for ln in lines if ln.fra <= today]


def seed_investment(projekt: Projekt, start: datetime.date) -> int:
    if projekt.investeringslinjer.exists():
        return 0
    rows = INVESTMENT.get(projekt.kode, [])
    Investeringslinje.objects.bulk_create(
        Investeringslinje(
            projekt=projekt,
            kategori=kategori,
            beskrivelse=beskrivelse,
            beloeb=Decimal(beloeb),
            enhed=Investeringslinje.Enhed.MAANED,
            fra=start,
        )
        for kategori, beskrivelse, beloeb in rows
    )
    return len(rows)


@transaction.atomic
def seed_investering(*, families: int, months: int, seed: int) -> list[str]:
    today = timezone.localdate()
    created_lines = created_investment = 0
    for projekt in Projekt.objects.filter(kode__in=INVESTMENT).select_related("kommune"):
        types = seed_catalogue(projekt.kommune, today)
        familier = Familie.objects.filter(projekt=projekt).order_by("pk")
        seeded = set(
            Omkostningslinje.objects.filter(
                sagsdel__familie__in=familier, kilde=Omkostningslinje.Kilde.DEMO
            ).values_list("sagsdel__familie_id", flat=True)
        )
        new_lines = []
        first_admission = None
        for familie in familier:
            admission = familie.medlemskaber.order_by("fra").values_list("fra", flat=True).first()
            if admission is not None:
                first_admission = min(first_admission or admission, admission)
            if familie.pk in seeded:
                continue
            # Made-up demo figures, not security: a seeded generator keeps them repeatable.
            rng = random.Random(f"{seed}:{projekt.kode}:{familie.betegnelse}")  # noqa: S311
            new_lines += family_lines(rng, familie, types, today)
        Omkostningslinje.objects.bulk_create(new_lines)
        created_lines += len(new_lines)
        if first_admission is not None:
            created_investment += seed_investment(projekt, first_admission.replace(day=1))
    return [
        f"Investment model: {len(CATALOGUE)} example cost types per municipality, "
        f"{created_lines} cost lines, {created_investment} investment lines."
    ]
