"""The investment model's part of the national dataset (order 40): each municipality's example
price catalogue with a price change inside the period, cost lines for every admitted family
(the baseline year before admission and what followed) and each project's investment."""

from __future__ import annotations

import datetime
from decimal import Decimal

from investering.demo import CATALOGUE, price_change_day
from investering.models import (
    Enhed,
    Investeringslinje,
    Omkostningslinje,
    Omkostningstype,
    Pris,
)
from kerne.models import Familie, Sektor
from kerne.national import Context, Family

DEPARTMENT = {
    Sektor.BESKAEFTIGELSE: "Jobcenter",
    Sektor.BOERN_FAMILIE: "Familieafdelingen",
    Sektor.VOKSEN_SOCIAL: "Socialafdelingen",
    Sektor.SUNDHED: "Sundhedsafdelingen",
    Sektor.SKOLE_DAGTILBUD: "Skoleforvaltningen",
}
RUNNING_UNITS = (Enhed.MAANED, Enhed.DAG, Enhed.AAR)


def seed(ctx: Context) -> list[str]:
    load = ctx.loader.load
    first_day = datetime.date(ctx.today.year - 6, 1, 1)
    change = price_change_day(ctx.today)
    type0 = ctx.loader.reserve(Omkostningstype, len(CATALOGUE) * len(ctx.projects))
    types, prices, investments = [], [], []
    catalogues = []
    for p, projekt in enumerate(ctx.projects):
        ids = {}
        for t, (navn, enhed, sektor, before, after) in enumerate(CATALOGUE):
            tid = type0 + p * len(CATALOGUE) + t
            ids[navn] = (tid, enhed, sektor)
            types.append(
                (
                    tid,
                    projekt.kommune_id,
                    navn,
                    enhed,
                    sektor,
                    projekt.departments[DEPARTMENT[sektor]],
                    True,
                )
            )
            prices += [(tid, first_day, Decimal(before)), (tid, change, Decimal(after))]
        families = [
            f
            for f in projekt.families
            if f.status in (Familie.Status.AKTIV, Familie.Status.AFSLUTTET)
        ]
        catalogues.append((families, ids))
        start = min((f.optaget for f in families), default=ctx.window_start).replace(day=1)
        managers = len(projekt.managers)
        investments += [
            (
                projekt.id,
                "personale",
                f"Koordinerende sagsbehandlere ({managers} årsværk)",
                Decimal(33000 * managers),
                start,
            ),
            (projekt.id, "personale", "Projektledelse (1 årsværk)", Decimal(44000), start),
            (
                projekt.id,
                "andet",
                "Netværksmøder, transport og materialer",
                Decimal(150 * len(families)),
                start,
            ),
        ]
    load(
        Omkostningstype,
        ["id", "kommune_id", "navn", "enhed", "sektor", "forvaltning_id", "eksempel"],
        types,
    )
    load(Pris, ["omkostningstype_id", "gyldig_fra", "beloeb"], prices)
    lines = sum(
        load(
            Omkostningslinje,
            ["sagsdel_id", "omkostningstype_id", "person_id", "antal", "fra", "til", "kilde"],
            (line for family in families for line in _family_lines(ctx, family, ids)),
        )
        for families, ids in catalogues
    )
    load(
        Investeringslinje,
        ["projekt_id", "kategori", "beskrivelse", "beloeb", "fra", "enhed"],
        ((*row, Investeringslinje.Enhed.MAANED) for row in investments),
    )
    return [
        f"Investment model: {len(types)} example cost types with a price change on {change}, "
        f"{lines:,} cost lines, {len(investments)} investment lines."
    ]


def _days(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)


def _family_lines(ctx: Context, family: Family, ids: dict):
    """Plausible costs as investering.demo.family_lines draws them, from the facts in memory."""
    rng = ctx.rng("investering", family.id)
    optaget = family.optaget
    today = ctx.today
    lines = []

    def line(navn, fra, til=None, antal="1", person=None):
        tid, enhed, sektor = ids[navn]
        if til is not None and til > today and enhed in RUNNING_UNITS:
            til = None  # still running
        if fra <= today:
            lines.append(
                (
                    ctx.sagsdel[(family.id, sektor)],
                    tid,
                    person,
                    Decimal(antal),
                    fra,
                    til,
                    Omkostningslinje.Kilde.DEMO,
                )
            )

    for index, adult in enumerate(family.adults):
        ydelse = rng.choices(
            ["Kontanthjælp", "Uddannelseshjælp", "Ressourceforløbsydelse"], [6, 2, 2]
        )[0]
        leaves = rng.random() < (0.35 if index == 0 else 0.25)
        til = _days(optaget, rng.randint(120, 420)) if leaves else None
        line(ydelse, _days(optaget, -rng.randint(400, 700)), til, person=adult.person_id)
        if rng.random() < 0.5:
            line("Mentor", _days(optaget, 14), _days(optaget, 200), "60", adult.person_id)
        if rng.random() < 0.2:
            line(
                "Misbrugsbehandling",
                _days(optaget, -300),
                _days(optaget, -90),
                "1",
                adult.person_id,
            )
        if rng.random() < 0.3:
            line("Psykolog", _days(optaget, 30), _days(optaget, 150), "10", adult.person_id)
    for child in family.children:
        roll = rng.random()
        if roll < 0.15:
            line(
                "Anbringelse",
                _days(optaget, -rng.randint(200, 330)),
                _days(optaget, -30),
                person=child.person_id,
            )
        elif roll < 0.75:
            line(
                "Forebyggende foranstaltning",
                _days(optaget, -rng.randint(300, 420)),
                _days(optaget, rng.randint(60, 300)),
                person=child.person_id,
            )
        if rng.random() < 0.2:
            line(
                "Specialundervisning",
                _days(optaget, -365),
                _days(optaget, 180),
                person=child.person_id,
            )
        if rng.random() < 0.25:
            line("Kontaktperson", _days(optaget, -200), _days(optaget, 100), "80", child.person_id)
        if rng.random() < 0.2:
            line("Sundhedsforløb", _days(optaget, 20), _days(optaget, 110), person=child.person_id)
    line("Familiebehandling", _days(optaget, -330), _days(optaget, -1), "90")
    line("Familiebehandling", _days(optaget, 30), _days(optaget, 210), "40")
    return lines
