"""A project with integrated authority for the case manager and one family of four."""

import datetime

import pytest

from kerne import adgang
from kerne.models import Rolle
from tests.factories import PersonFactory, add_member, family_of
from tests.registrering.factories import TODAY, share_all_sectors


def born(years: int, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28)) - datetime.timedelta(
        days=days
    )


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(Rolle.KOORDINATOR, first_name="Karin", last_name="Koordinator")
    share_all_sectors(projekt, Rolle.KOORDINATOR)
    return user


@pytest.fixture
def leder(make_user):
    return make_user(Rolle.PROJEKTLEDER, first_name="Pia", last_name="Projektleder")


def make_family(koordinator, projekt, *, children=(14, 8), adults=1, **fields):
    """An active family: adults born 1985, then children of the given ages (in years)."""
    familie = family_of(koordinator, projekt, members=0, sync=False, **fields)
    for index in range(adults):
        person = PersonFactory(
            kommune=projekt.kommune, foedselsdato=datetime.date(1985, 5, 1 + index)
        )
        add_member(
            familie,
            person,
            rolle="voksen",
            relation="mor" if index == 0 else "far",
            foraeldremyndighed=True,
            fra=datetime.date(2020, 1, 1),
        )
    for age in children:
        child = PersonFactory(kommune=projekt.kommune, foedselsdato=born(age, days=40))
        add_member(familie, child, rolle="barn", relation="barn", fra=datetime.date(2020, 1, 1))
    adgang.sync_family_grants(familie, reason="test")
    return familie


@pytest.fixture
def familie(koordinator, projekt):
    return make_family(koordinator, projekt, betegnelse="Familien Østergaard")
