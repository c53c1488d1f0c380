"""The national aggregate: every project's business case side by side, in a fixed number of
statements, equal to each project's own business case seen by its leader."""

import datetime as dt
from decimal import Decimal

import pytest

from investering import selectors
from investering.models import Investeringslinje, Projektoekonomi
from kerne.models import Familie, Rolle, Sektor
from tests.factories import ProjektFactory, family_of, user_with_role
from tests.investering.factories import cost_line, cost_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommune(projekt):
    return projekt.kommune


D = Decimal
AS_OF = dt.date(2026, 6, 30)


def _project(kommune, *, families: int, investment: str, rate: str | None = None):
    projekt = ProjektFactory(kommune=kommune)
    leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    Investeringslinje.objects.create(
        projekt=projekt,
        kategori=Investeringslinje.Kategori.PERSONALE,
        beskrivelse="Team",
        beloeb=D(investment),
        fra=dt.date(2026, 1, 1),
    )
    if rate is not None:
        Projektoekonomi.objects.create(projekt=projekt, diskonteringsrente=D(rate))
    familier = []
    for _i in range(families):
        familie = family_of(koordinator, projekt)
        Familie.objects.filter(pk=familie.pk).update(
            status=Familie.Status.AKTIV, optaget=dt.date(2026, 1, 1)
        )
        familier.append(familie)
    return projekt, leader, familier


def test_each_project_row_equals_the_projects_own_business_case(kommune):
    kontanthjaelp = cost_type(kommune, "Kontanthjælp", prices=((dt.date(2020, 1, 1), "12000"),))
    forebyggende = cost_type(
        kommune,
        "Forebyggende",
        sektor=Sektor.BOERN_FAMILIE,
        prices=((dt.date(2020, 1, 1), "6000"), (dt.date(2026, 4, 1), "6600")),
    )
    first, leader_one, families_one = _project(kommune, families=2, investment="10000")
    second, leader_two, families_two = _project(kommune, families=1, investment="4000", rate="0")
    # Project one: both families on benefits all 2025; one leaves benefits at admission, the
    # other keeps them. One family has a preventive measure throughout (a price change).
    for familie in families_one:
        cost_line(familie, kontanthjaelp, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    cost_line(families_one[1], kontanthjaelp, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    cost_line(families_one[0], forebyggende, dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    # Project two: a family whose benefits end in March.
    cost_line(families_two[0], kontanthjaelp, dt.date(2025, 1, 1), dt.date(2026, 3, 31))

    rows = {row.projekt.pk: row for row in selectors.national_figures(as_of=AS_OF)}

    one = rows[first.pk]
    # Baseline (2025): 2 × 12 × 12.000 + 6 × 6.000 = 324.000.
    assert one.baseline == D("324000")
    # Rolling year July 2025 – June 2026: benefits 2 × 6 × 12.000 (2025) + 6 × 12.000 (2026),
    # preventive 9 × 6.000 + 3 × 6.600.
    assert one.aktuel == D("216000") + D("54000") + D("19800")
    assert one.investering_aar == D("60000")  # January – June 2026
    assert one.nettoeffekt_aar == one.baseline - one.aktuel - D("60000")
    assert one.familier == 2
    two = rows[second.pk]
    assert two.baseline == D("144000")
    assert two.rate_pct == D("0")
    # The same figures as each project's own business case for its leader (who sees the
    # whole project's sums, adgang.sees_project_totals).
    for projekt, leader in ((first, leader_one), (second, leader_two)):
        own = selectors.project_figures(leader, projekt, as_of=AS_OF).resultat
        national = rows[projekt.pk].resultat
        assert national.totals == own.totals
        assert (national.break_even, national.npv) == (own.break_even, own.npv)
    # Project two: savings of 12.000 a month from April against 4.000 of investment a month
    # from January: cumulative savings 24.000 ≥ investment 20.000 first in May (April: 12.000
    # against 16.000).
    assert two.resultat.break_even == dt.date(2026, 5, 1)


def test_the_statements_do_not_grow_with_the_projects(kommune, django_assert_max_num_queries):
    kontanthjaelp = cost_type(kommune, "Kontanthjælp", prices=((dt.date(2020, 1, 1), "12000"),))
    for _i in range(2):
        _projekt, _leader, familier = _project(kommune, families=2, investment="1000")
        cost_line(familier[0], kontanthjaelp, dt.date(2025, 1, 1), dt.date(2026, 3, 31))
    with django_assert_max_num_queries(6) as small:
        selectors.national_figures(as_of=AS_OF)
    for _i in range(6):
        _projekt, _leader, familier = _project(kommune, families=3, investment="1000")
        cost_line(familier[1], kontanthjaelp, dt.date(2025, 1, 1), dt.date(2026, 3, 31))
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = selectors.national_figures(as_of=AS_OF)
    assert len(rows) == 1 + 8  # the fixture's project and the eight made here
