"""The figures computed in the database, against amounts worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from investering import beregning
from investering.beregning import AKTUEL, BASELINE, PERIODE, SIDEN_OPTAGELSE, Figures, Hypotese
from investering.businesscase import round_kr
from investering.models import Enhed, Omkostningslinje
from kerne.models import Familie, Rolle, Sektor
from tests.factories import family_of
from tests.investering.factories import cost_line, cost_type, investment

pytestmark = pytest.mark.django_db
D = Decimal
ADMITTED = dt.date(2025, 1, 1)


@pytest.fixture
def familie(make_user, projekt):
    return family_of(make_user(Rolle.KOORDINATOR), projekt)


@pytest.fixture
def kommune(projekt):
    return projekt.kommune


def figures(familie, *, as_of=dt.date(2025, 6, 30), windows=(BASELINE, AKTUEL), **kwargs):
    return Figures(
        linjer=Omkostningslinje.objects.all(),
        familier=Familie.objects.filter(pk=familie.pk),
        as_of=as_of,
        windows=windows,
        optagelse=kwargs.pop("optagelse", {familie.pk: ADMITTED}),
        **kwargs,
    )


def total(amounts, art) -> Decimal:
    return round_kr(sum((a for k, a in amounts.items() if k[0] == art), D(0)))


def test_a_monthly_price_prorates_a_partial_month_and_follows_a_price_change(familie, kommune):
    kontanthjaelp = cost_type(
        kommune,
        "Kontanthjælp",
        prices=((dt.date(2024, 1, 1), "10000"), (dt.date(2024, 3, 1), "12000")),
    )
    # 16 Jan – 31 Mar 2024: 16/31 of January at 10.000 = 5.161,29; all of February (29 days in
    # 2024) at 10.000; all of March at the new price 12.000. Total 27.161,29.
    cost_line(familie, kontanthjaelp, dt.date(2024, 1, 16), dt.date(2024, 3, 31))

    amounts = figures(familie).totals("maaned")

    assert round_kr(amounts[(BASELINE, dt.date(2024, 1, 1))]) == D("5161.29")
    assert round_kr(amounts[(BASELINE, dt.date(2024, 2, 1))]) == D("10000.00")
    assert round_kr(amounts[(BASELINE, dt.date(2024, 3, 1))]) == D("12000.00")
    assert total(amounts, BASELINE) == D("27161.29")


def test_hours_are_spread_over_the_period_and_split_at_a_mid_month_price_change(familie, kommune):
    behandling = cost_type(
        kommune,
        "Familiebehandling",
        Enhed.TIME,
        Sektor.BOERN_FAMILIE,
        prices=((dt.date(2024, 1, 1), "800"), (dt.date(2024, 2, 15), "900")),
    )
    # 60 hours over 1 Feb – 31 Mar 2024 (60 days): one hour a day. 14 days at 800 = 11.200,
    # 15 days at 900 = 13.500, 31 days at 900 = 27.900. Total 52.600.
    cost_line(familie, behandling, dt.date(2024, 2, 1), dt.date(2024, 3, 31), antal="60")

    count, rows = figures(familie).segments(art=BASELINE)

    assert count == 3
    assert [(r["s_fra"], r["s_til_incl"], r["pris"], r["dage"]) for r in rows] == [
        (dt.date(2024, 2, 1), dt.date(2024, 2, 14), D(800), 14),
        (dt.date(2024, 2, 15), dt.date(2024, 2, 29), D(900), 15),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 31), D(900), 31),
    ]
    assert [round_kr(r["beloeb"]) for r in rows] == [D("11200.00"), D("13500.00"), D("27900.00")]
    assert round_kr(rows[0]["total"]) == D("52600.00")


def test_an_override_prices_the_whole_line_and_ignores_the_catalogue(familie, kommune):
    kontanthjaelp = cost_type(
        kommune,
        "Kontanthjælp",
        prices=((dt.date(2024, 1, 1), "10000"), (dt.date(2024, 2, 10), "12000")),
    )
    # 2 × 5.000 for the whole of February = 10.000, whatever the catalogue says.
    cost_line(
        familie,
        kontanthjaelp,
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
        antal="2",
        pris_override=D("5000"),
        override_begrundelse="Særlig aftale",
    )
    assert total(figures(familie).totals(), BASELINE) == D("10000.00")


def test_days_and_years(familie, kommune):
    anbringelse = cost_type(
        kommune, "Anbringelse", Enhed.DAG, Sektor.BOERN_FAMILIE, ((dt.date(2024, 1, 1), "2000"),)
    )
    special = cost_type(
        kommune,
        "Specialundervisning",
        Enhed.AAR,
        Sektor.SKOLE_DAGTILBUD,
        ((dt.date(2024, 1, 1), "240000"),),
    )
    cost_line(familie, anbringelse, dt.date(2024, 1, 30), dt.date(2024, 2, 2))  # 4 days × 2.000
    cost_line(familie, special, dt.date(2024, 1, 1), dt.date(2024, 12, 31))  # a whole year

    amounts = figures(familie).totals("omkostningstype_id")

    assert round_kr(amounts[(BASELINE, anbringelse.pk)]) == D("8000.00")
    assert round_kr(amounts[(BASELINE, special.pk)]) == D("240000.00")
    # Rolling 12 months to 30 June 2025 starts 1 July 2024: half the school year is in it.
    assert round_kr(amounts[(AKTUEL, special.pk)]) == D("120000.00")


def test_baseline_window_is_the_twelve_months_before_admission(familie, kommune):
    dag = cost_type(kommune, "Døgn", Enhed.DAG, prices=((dt.date(2020, 1, 1), "1"),))
    cost_line(familie, dag, dt.date(2023, 12, 31), dt.date(2023, 12, 31))  # the day before: out
    cost_line(familie, dag, dt.date(2024, 1, 1), dt.date(2024, 1, 1), antal="10")  # first day: in
    cost_line(familie, dag, dt.date(2024, 12, 31), dt.date(2024, 12, 31), antal="100")  # last: in
    cost_line(familie, dag, ADMITTED, ADMITTED, antal="1000")  # admission day: not baseline

    assert total(figures(familie).totals(), BASELINE) == D("110.00")


def test_current_window_is_the_rolling_twelve_months_up_to_the_reference_day(familie, kommune):
    dag = cost_type(kommune, "Døgn", Enhed.DAG, prices=((dt.date(2020, 1, 1), "1"),))
    as_of = dt.date(2025, 6, 30)
    cost_line(familie, dag, dt.date(2024, 6, 30), dt.date(2024, 6, 30))  # before the window
    cost_line(familie, dag, dt.date(2024, 7, 1), dt.date(2024, 7, 1), antal="10")  # first day
    cost_line(familie, dag, as_of, as_of, antal="100")  # last day
    cost_line(familie, dag, dt.date(2025, 7, 1), dt.date(2025, 7, 1), antal="1000")  # after

    assert total(figures(familie, as_of=as_of).totals(), AKTUEL) == D("110.00")


def test_an_open_line_runs_to_the_reference_day(familie, kommune):
    kontanthjaelp = cost_type(kommune, "Kontanthjælp", prices=((dt.date(2020, 1, 1), "12000"),))
    cost_line(familie, kontanthjaelp, dt.date(2024, 1, 1))  # no end
    amounts = figures(familie, windows=(AKTUEL, SIDEN_OPTAGELSE)).totals()
    assert total(amounts, AKTUEL) == D("144000.00")
    assert total(amounts, SIDEN_OPTAGELSE) == D("72000.00")  # January – June 2025


def test_admission_defaults_to_the_earliest_membership(familie, kommune):
    # family_of() puts members in from 1 January 2026.
    dag = cost_type(kommune, "Døgn", Enhed.DAG, prices=((dt.date(2020, 1, 1), "1"),))
    cost_line(familie, dag, dt.date(2025, 12, 31), dt.date(2025, 12, 31), antal="7")
    cost_line(familie, dag, dt.date(2026, 1, 1), dt.date(2026, 1, 1), antal="1000")
    amounts = figures(familie, as_of=dt.date(2026, 6, 30), optagelse=None).totals()
    assert total(amounts, BASELINE) == D("7.00")
    assert beregning.admission_dates(Familie.objects.all()) == {familie.pk: dt.date(2026, 1, 1)}


def test_the_recorded_admission_date_wins_over_the_earliest_membership(familie, kommune):
    # Members since 1 January 2026, but the stay began on 1 March 2026 (Familie.optaget, kept
    # by visitation): the baseline is the twelve months before March.
    Familie.objects.filter(pk=familie.pk).update(optaget=dt.date(2026, 3, 1))
    dag = cost_type(kommune, "Døgn", Enhed.DAG, prices=((dt.date(2020, 1, 1), "1"),))
    cost_line(familie, dag, dt.date(2025, 2, 28), dt.date(2025, 2, 28), antal="1000")  # before
    cost_line(familie, dag, dt.date(2026, 2, 1), dt.date(2026, 2, 1), antal="7")  # inside
    cost_line(familie, dag, dt.date(2026, 3, 1), dt.date(2026, 3, 1), antal="100")  # admission
    amounts = figures(familie, as_of=dt.date(2026, 6, 30), optagelse=None).totals()
    assert total(amounts, BASELINE) == D("7.00")
    assert beregning.admission_dates(Familie.objects.all()) == {familie.pk: dt.date(2026, 3, 1)}


def test_what_if_price_replaces_the_catalogue_from_its_date_without_saving(familie, kommune):
    kontanthjaelp = cost_type(
        kommune,
        "Kontanthjælp",
        prices=((dt.date(2024, 1, 1), "10000"), (dt.date(2024, 6, 1), "11000")),
    )
    cost_line(familie, kontanthjaelp, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    # From 1 April at 20.000: January–March 30.000 + April–December 9 × 20.000 = 210.000.
    hypotese = Hypotese(kontanthjaelp.pk, D("20000"), dt.date(2024, 4, 1))

    assert total(figures(familie).totals(), BASELINE) == D("127000.00")
    assert total(figures(familie, hypotese=hypotese).totals(), BASELINE) == D("210000.00")
    assert kontanthjaelp.priser.count() == 2


def test_split_by_department_and_sector(familie, kommune):
    job = cost_type(kommune, "Kontanthjælp", prices=((dt.date(2020, 1, 1), "1000"),))
    born = cost_type(
        kommune, "Forebyggende", sektor=Sektor.BOERN_FAMILIE, prices=((dt.date(2020, 1, 1), "300"),)
    )
    cost_line(familie, job, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    cost_line(familie, born, dt.date(2024, 1, 1), dt.date(2024, 12, 31), antal="2")

    amounts = figures(familie, windows=(BASELINE,)).totals("forvaltning_id", "sektor")

    assert {k: round_kr(v) for k, v in amounts.items()} == {
        (BASELINE, job.forvaltning_id, Sektor.BESKAEFTIGELSE): D("12000.00"),
        (BASELINE, born.forvaltning_id, Sektor.BOERN_FAMILIE): D("7200.00"),
    }


def test_baseline_rate_is_a_twelfth_from_the_first_whole_month_after_admission(familie, kommune):
    job = cost_type(kommune, "Kontanthjælp", prices=((dt.date(2020, 1, 1), "1000"),))
    cost_line(familie, job, dt.date(2024, 1, 15), dt.date(2024, 12, 31))
    fig = figures(
        familie,
        windows=(BASELINE, PERIODE),
        as_of=dt.date(2025, 3, 31),
        optagelse={familie.pk: dt.date(2025, 1, 15)},
    )
    # Baseline 15 Jan 2024 – 14 Jan 2025: 17/31 of January (548,39) + 11 × 1.000 = 11.548,39;
    # a twelfth is 962,37, from February 2025 (the first whole month after admission).
    rate = fig.baseline_rate_by_month()
    assert sorted(month for month, _f, _s in rate) == [dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    assert {round_kr(v) for v in rate.values()} == {D("962.37")}


def test_investment_by_month_prorates_and_spreads_totals(projekt):
    investment(projekt, "31000", dt.date(2025, 1, 17))  # pr. måned: 15/31 of January
    investment(projekt, "1000", dt.date(2025, 1, 1), dt.date(2025, 1, 10), enhed="i_alt")
    amounts = beregning.investment_by_month(
        projekt.pk, fra=dt.date(2025, 1, 1), as_of=dt.date(2025, 2, 28)
    )
    by_month = beregning.collect(amounts, 0)
    assert round_kr(by_month[dt.date(2025, 1, 1)]) == D("16000.00")
    assert round_kr(by_month[dt.date(2025, 2, 1)]) == D("31000.00")


def test_year_before_clamps_leap_day():
    assert beregning.year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert beregning.rolling_year(dt.date(2025, 6, 30)) == (
        dt.date(2024, 7, 1),
        dt.date(2025, 7, 1),
    )


def test_a_leap_day_admission_has_a_baseline_from_the_28th_on_both_databases(familie, kommune):
    dag = cost_type(kommune, "Døgn", Enhed.DAG, prices=((dt.date(2020, 1, 1), "1"),))
    cost_line(familie, dag, dt.date(2023, 2, 27), dt.date(2023, 2, 27), antal="1000")  # out
    cost_line(familie, dag, dt.date(2023, 2, 28), dt.date(2023, 2, 28), antal="1")  # in
    amounts = figures(familie, optagelse={familie.pk: dt.date(2024, 2, 29)}).totals()
    assert total(amounts, BASELINE) == D("1.00")
