"""The visitation's demo data: every state, a meeting history, a waiting list; idempotent."""

import itertools

import pytest

from kerne.demo import seed_all
from kerne.models import Familie
from visitation.models import Dagsordenspunkt, Forloeb, Indstilling, Statusskift, Visitationsmoede

pytestmark = pytest.mark.django_db
S = Familie.Status


def test_the_demo_has_referrals_in_every_state_a_meeting_history_and_a_waiting_list():
    seed_all(families=12, months=3, seed=7, with_users=True)

    demo = Familie.objects.filter(projekt__kode="demo-helhed")
    referred = demo.filter(indstillinger__isnull=False).distinct()
    states = set(referred.values_list("status", flat=True))
    assert states >= {
        S.KLADDE,
        S.INDSTILLET,
        S.PAA_DAGSORDEN,
        S.AFVIST,
        S.OPTAGET,
        S.VENTELISTE,
        S.AKTIV,
    }
    assert Visitationsmoede.objects.filter(afsluttet__isnull=False).count() >= 2
    assert Visitationsmoede.objects.filter(afsluttet__isnull=True).count() == 1
    assert demo.filter(status=S.VENTELISTE).count() >= 1
    assert not Dagsordenspunkt.objects.filter(beslutning="afvis", begrundelse="").exists()
    # Every family of the demo project has its history, in order, ending in its status.
    for familie in demo:
        rows = list(Statusskift.objects.filter(familie=familie).order_by("tidspunkt", "pk"))
        assert rows, familie
        assert rows[-1].til == familie.status, familie
        assert all(a.til == b.fra for a, b in itertools.pairwise(rows)), familie
    for familie in demo.filter(status__in=[S.AKTIV, S.AFSLUTTET]):
        assert Forloeb.objects.filter(familie=familie).exists(), familie
    assert not Indstilling.objects.filter(
        familie__status__in=[S.AKTIV, S.AFSLUTTET], lukket__isnull=True
    ).exists()


def test_seeding_twice_changes_nothing():
    seed_all(families=6, months=1, seed=7, with_users=True)
    counts = [m.objects.count() for m in (Indstilling, Visitationsmoede, Statusskift, Forloeb)]

    seed_all(families=6, months=1, seed=7, with_users=True)

    assert [
        m.objects.count() for m in (Indstilling, Visitationsmoede, Statusskift, Forloeb)
    ] == counts
