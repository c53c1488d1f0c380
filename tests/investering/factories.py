"""Factories for the investment model's tests: a catalogue, prices, cost lines."""

import datetime
from decimal import Decimal

from investering.models import Enhed, Investeringslinje, Omkostningslinje, Omkostningstype, Pris
from kerne import adgang
from kerne.models import Forvaltning, Sektor

SECTOR_DEPARTMENT = {
    Sektor.BESKAEFTIGELSE: "Jobcenter",
    Sektor.BOERN_FAMILIE: "Familieafdelingen",
    Sektor.VOKSEN_SOCIAL: "Socialafdelingen",
    Sektor.SUNDHED: "Sundhedsafdelingen",
    Sektor.SKOLE_DAGTILBUD: "Skoleforvaltningen",
}


def department(kommune, sektor: str) -> Forvaltning:
    forvaltning, _ = Forvaltning.objects.get_or_create(
        kommune=kommune, navn=SECTOR_DEPARTMENT[sektor], defaults={"sektor": sektor}
    )
    return forvaltning


def cost_type(
    kommune,
    navn: str,
    enhed: str = Enhed.MAANED,
    sektor: str = Sektor.BESKAEFTIGELSE,
    prices: tuple = ((datetime.date(2020, 1, 1), "10000"),),
) -> Omkostningstype:
    omkostningstype = Omkostningstype.objects.create(
        kommune=kommune,
        navn=navn,
        enhed=enhed,
        sektor=sektor,
        forvaltning=department(kommune, sektor),
    )
    for gyldig_fra, beloeb in prices:
        Pris.objects.create(
            omkostningstype=omkostningstype, gyldig_fra=gyldig_fra, beloeb=Decimal(beloeb)
        )
    return omkostningstype


def cost_line(familie, omkostningstype, fra, til=None, antal="1", person=None, **fields):
    """A cost line straight into the database (tests of the figures, not of the service)."""
    sagsdel = adgang.ensure_sagsdele(familie)[omkostningstype.sektor]
    return Omkostningslinje.objects.create(
        sagsdel=sagsdel,
        omkostningstype=omkostningstype,
        antal=Decimal(antal),
        fra=fra,
        til=til,
        person=person,
        **fields,
    )


def investment(projekt, beloeb, fra, til=None, enhed="maaned", kategori="personale", **fields):
    return Investeringslinje.objects.create(
        projekt=projekt,
        kategori=kategori,
        beskrivelse=fields.pop("beskrivelse", "Koordinerende sagsbehandler"),
        beloeb=Decimal(beloeb),
        enhed=enhed,
        fra=fra,
        til=til,
        **fields,
    )
