"""The demo seeder: fast, deterministic, idempotent, and the data trends both ways."""

import time

import pytest

from kerne import demo
from registrering.demo import seed_registrations
from registrering.models import Registrering, Risiko, Spoergeskema, Vaerdi

pytestmark = pytest.mark.django_db


def test_the_default_demo_seeds_fast_and_only_once():
    demo.seed_kernel(families=30, months=12, seed=1, with_users=True)

    started = time.monotonic()
    first = seed_registrations(families=30, months=12, seed=1)
    elapsed = time.monotonic() - started
    counts = (Registrering.objects.count(), Vaerdi.objects.count(), Spoergeskema.objects.count())
    seed_registrations(families=30, months=12, seed=1)

    assert elapsed < 30, elapsed
    assert counts[0] > 500
    assert counts[2] > 50
    assert (
        Registrering.objects.count(),
        Vaerdi.objects.count(),
        Spoergeskema.objects.count(),
    ) == counts
    assert Risiko.objects.filter(historik__isnull=False).distinct().count() == 3
    assert "monthly registrations" in first[0]


def test_some_families_improve_and_some_do_not():
    from decimal import Decimal

    from registrering import rules

    demo.seed_kernel(families=30, months=12, seed=1, with_users=True)
    seed_registrations(families=30, months=12, seed=1)

    trends = {}
    for registrering in Registrering.objects.prefetch_related("vaerdier__indikator").order_by(
        "maaned"
    ):
        scale = [v.tal for v in registrering.vaerdier.all() if v.indikator.type == "skala"]
        if scale:
            trends.setdefault(registrering.familie_id, []).append(
                sum(scale, Decimal(0)) / len(scale)
            )
    words = {rules.trend(series) for series in trends.values()}
    assert rules.Trend.BETTER in words
    assert words & {rules.Trend.UNCHANGED, rules.Trend.WORSE}
