"""Keeping stored grants true: the repair command, the daily sweep, and the demo data."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from kerne import adgang
from kerne.models import (
    Afdelingssag,
    Delingsregel,
    Familie,
    Medarbejder,
    Projekt,
    Rolle,
    SagsdelUserObjectPermission,
    Samtykke,
    Sektor,
)
from kerne.tasks import resync_grants_at_validity_boundaries
from tests.factories import ForvaltningFactory, family_of, user_with_role

pytestmark = pytest.mark.django_db


def test_sync_grants_finds_and_repairs_a_tampered_grant(projekt, capsys):
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    Delingsregel.objects.create(
        projekt=projekt,
        rolle=Rolle.KOORDINATOR,
        sektor=Sektor.SUNDHED,
        regel=Delingsregel.Regel.ALWAYS,
    )
    familie = family_of(koordinator, projekt)
    SagsdelUserObjectPermission.objects.filter(user=koordinator).delete()

    with pytest.raises(SystemExit):
        call_command("sync_grants", "--check")
    assert "1 of 1 families differ" in capsys.readouterr().out

    call_command("sync_grants", "--apply")
    call_command("sync_grants", "--check")
    assert adgang.sectors_for(koordinator, familie) == [Sektor.SUNDHED]


def test_the_daily_sweep_removes_access_from_a_consent_that_expired(projekt):
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    case_worker = user_with_role(Rolle.SAGSBEHANDLER, projekt)
    Medarbejder.objects.filter(bruger=case_worker).update(forvaltning=jobcenter)
    Delingsregel.objects.create(
        projekt=projekt,
        rolle=Rolle.SAGSBEHANDLER,
        sektor=Sektor.SUNDHED,
        regel=Delingsregel.Regel.WITH_CONSENT,
    )
    familie = family_of(user_with_role(Rolle.KOORDINATOR, projekt), projekt)
    today = timezone.localdate()
    Afdelingssag.objects.create(familie=familie, forvaltning=jobcenter, aabnet=today)
    samtykke = Samtykke.objects.create(
        familie=familie,
        person=familie.medlemskaber.first().person,
        sektorer=[Sektor.SUNDHED],
        formaal="Test",
        gyldig_fra=today - datetime.timedelta(days=10),
        gyldig_til=today,
        registreret_af=case_worker,
    )
    samtykke.modtagere.set([jobcenter])
    adgang.sync_family_grants(familie, reason="test")
    assert adgang.sectors_for(case_worker, familie) == [Sektor.BESKAEFTIGELSE, Sektor.SUNDHED]

    # The next day the consent has run out; the sweep takes the grant away.
    Samtykke.objects.filter(pk=samtykke.pk).update(gyldig_til=today - datetime.timedelta(days=1))
    assert resync_grants_at_validity_boundaries.delay().get() == 1
    assert adgang.sectors_for(case_worker, familie) == [Sektor.BESKAEFTIGELSE]


def test_demo_data_has_both_municipalities_families_and_true_grants():
    call_command("seed_demo", "--allow-demo-users")
    call_command("seed_demo", "--allow-demo-users")

    demo = Projekt.objects.get(kommune__navn="Demo Kommune")
    other = Projekt.objects.get(kommune__navn="Anden Kommune")
    # The kernel seeds 30 and 8 families; apps' seeders may add families in other states.
    assert Familie.objects.filter(projekt=demo, betegnelse__startswith="Familien ").count() >= 30
    assert Familie.objects.filter(projekt=other).count() >= 8
    assert Samtykke.objects.filter(tilbagekaldt__isnull=False).exists()
    call_command("sync_grants", "--check")
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    koordinator1 = users["koordinator1"]
    assert 7 <= adgang.families_for(koordinator1).count() <= 8
    assert adgang.families_for(users["projektleder"]).count() == (
        Familie.objects.filter(projekt=demo).count()
    )
    assert adgang.families_for(users["projektleder2"]).count() == (
        Familie.objects.filter(projekt=other).count()
    )
    assert not adgang.families_for(users["evaluator"]).exists()
    borger_family = Familie.objects.get(medlemskaber__person__bruger=users["borger1"])
    assert borger_family.koordinator == koordinator1
