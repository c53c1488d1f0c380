"""A project with a case manager, a job-centre case worker, a leader, and two cost types.

The sharing policy lets the case manager and the project leader see every sector; the job
centre's case worker sees the employment sector only (their department's case).
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from kerne import adgang, services
from kerne.models import Delingsregel, Medarbejder, Rolle, Sektor
from tests.factories import family_of
from tests.investering.factories import cost_type, department

AS_OF = dt.date(2026, 10, 31)


@dataclass
class Setup:
    projekt: object
    koordinator: object
    sagsbehandler: object
    afdelingsleder: object
    projektleder: object
    administrativ: object
    familie: object
    job: object  # Kontanthjælp, beskæftigelse, 10.000 a month
    born: object  # Forebyggende foranstaltning, børn og familie, 5.000 a month
    mentor: object  # Mentor, beskæftigelse, 500 an hour


@pytest.fixture
def setup(projekt, make_user) -> Setup:
    leader = make_user(Rolle.PROJEKTLEDER, username="pia")
    for rolle in (Rolle.KOORDINATOR, Rolle.PROJEKTLEDER):
        for sektor in Sektor.values:
            Delingsregel.objects.create(
                projekt=projekt, rolle=rolle, sektor=sektor, regel=Delingsregel.Regel.ALWAYS
            )
    koordinator = make_user(Rolle.KOORDINATOR, username="karin")
    worker = make_user(Rolle.SAGSBEHANDLER, username="jonas")
    chief = make_user(Rolle.AFDELINGSLEDER, username="lars")
    admin = make_user(Rolle.ADMINISTRATIV, username="anna")
    jobcenter = department(projekt.kommune, Sektor.BESKAEFTIGELSE)
    Medarbejder.objects.filter(bruger__in=[worker, chief]).update(forvaltning=jobcenter)
    familie = family_of(koordinator, projekt, betegnelse="Familien Østergaard")
    services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=worker
    )
    adgang.sync_family_grants(familie, reason="test")
    start = dt.date(2024, 1, 1)
    return Setup(
        projekt=projekt,
        koordinator=koordinator,
        sagsbehandler=worker,
        afdelingsleder=chief,
        projektleder=leader,
        administrativ=admin,
        familie=familie,
        job=cost_type(projekt.kommune, "Kontanthjælp", prices=((start, "10000"),)),
        born=cost_type(
            projekt.kommune,
            "Forebyggende foranstaltning",
            sektor=Sektor.BOERN_FAMILIE,
            prices=((start, "5000"),),
        ),
        mentor=cost_type(projekt.kommune, "Mentor", "time", prices=((start, "500"),)),
    )
