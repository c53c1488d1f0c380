"""Test data for the registration app, built on the kernel's factories."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from kerne import adgang
from kerne.models import Delingsregel, Rolle, Sektor
from registrering import rules
from registrering.models import (
    Indikator,
    Indlaesning,
    Milepael,
    Registrering,
    Risiko,
    Spoergeskema,
    Vaerdi,
)

TODAY = timezone.localdate()
THIS_MONTH = rules.month_start(TODAY)


def months_ago(count: int) -> datetime.date:
    return rules.add_months(THIS_MONTH, -count)


def share_all_sectors(projekt, *roller: str, regel: str = Delingsregel.Regel.ALWAYS) -> None:
    """The integrated-authority policy: these roles see every sector (then re-derive grants)."""
    for rolle in roller or (Rolle.KOORDINATOR,):
        for sektor in Sektor.values:
            Delingsregel.objects.update_or_create(
                projekt=projekt, rolle=rolle, sektor=sektor, defaults={"regel": regel}
            )
    adgang.sync_project_grants(projekt, reason="test")


def adult(familie):
    return familie.medlemskaber.filter(rolle="voksen").order_by("pk").first().person


def children(familie):
    return [m.person for m in familie.medlemskaber.filter(rolle="barn").order_by("pk")]


def indikator(gaelder_for: str, kode: str) -> Indikator:
    return Indikator.objects.get(kommune__isnull=True, gaelder_for=gaelder_for, kode=kode)


def registration(familie, person, maaned, user, values: dict | None = None) -> Registrering:
    """A registration written straight to the tables (for reads); values by code."""
    rolle = familie.medlemskaber.get(person=person, til__isnull=True).rolle
    registrering = Registrering.objects.create(
        person=person, familie=familie, maaned=maaned, registreret_af=user, aendret_af=user
    )
    sagsdele = adgang.ensure_sagsdele(familie)
    for code, value in (values or {}).items():
        ind = indikator(rolle, code)
        Vaerdi.objects.create(
            registrering=registrering,
            sagsdel=sagsdele[ind.sektor],
            indikator=ind,
            tal=None if isinstance(value, str) else Decimal(value),
            tekst=value if isinstance(value, str) else "",
        )
    return registrering


def questionnaire(familie, person, user, *, sektor=Sektor.BOERN_FAMILIE, **fields) -> Spoergeskema:
    defaults = {
        "type": Spoergeskema.Type.WHO5,
        "version": "who5",
        "maalepunkt": Spoergeskema.Maalepunkt.START,
        "dato": TODAY,
        "svar": {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3},
        "score": 60,
    }
    return Spoergeskema.objects.create(
        sagsdel=adgang.ensure_sagsdele(familie)[sektor],
        person=person,
        registreret_af=user,
        **(defaults | fields),
    )


def risk(projekt, **fields) -> Risiko:
    defaults = {
        "beskrivelse": "Frafald",
        "sandsynlighed": 3,
        "konsekvens": 4,
        "ejer": "Pia",
        "maaned": THIS_MONTH,
    }
    return Risiko.objects.create(projekt=projekt, **(defaults | fields))


def milestone(projekt, **fields) -> Milepael:
    defaults = {"titel": "Midtvejs", "frist": TODAY, "maaned": THIS_MONTH}
    return Milepael.objects.create(projekt=projekt, **(defaults | fields))


def an_import(projekt, user, **fields) -> Indlaesning:
    return Indlaesning.objects.create(
        projekt=projekt, filnavn="fravaer.csv", oprettet_af=user, **fields
    )


def restore_national_indicators() -> None:
    """The data migration's indicators again: a browser test's flush empties every table,
    migration data included, for the transactional tests that follow it."""
    import importlib

    from django.apps import apps

    importlib.import_module("registrering.migrations.0002_indikatorer").seed(apps, None)
