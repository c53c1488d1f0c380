"""Every outcome metric against the hand-built dataset (tests/rapporter/factories.py).

The expected values are worked out by hand in the comments, person by person.
"""

import pytest

from rapporter import metrics
from tests.rapporter.factories import JUN, MAJ, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(projekt):
    return build(projekt)


def june(data, **kwargs) -> dict:
    return metrics.compute([data.projekt.pk], JUN, JUN, **kwargs)[(data.projekt.pk, JUN)]


def test_share_of_adults_on_kontanthjaelp_at_admission_and_now(data):
    # a1: kontanthjælp → lønmodtager; a2: kontanthjælp (Feb, not the stray Jan) → kontanthjælp;
    # a3: admitted in June, so June is both admission and now: kontanthjælp → kontanthjælp.
    value = june(data)["kontanthjaelp"]
    assert (value.naevner, value.taeller_optagelse, value.taeller) == (3, 3, 2)
    assert value.ved_optagelse(metrics.PCT) == 100.0
    assert value.nu(metrics.PCT) == 66.7


def test_share_of_children_with_severe_problems(data):
    # Any child indicator ≥ 3. At admission: c1 (3), c3 (3), c4 (3); c2 max 2 → 3 of 4.
    # Now: c2 (4), c4 (3); c1 max 1, c3 max 2 → 2 of 4.
    value = june(data)["boern_svaere"]
    assert (value.naevner, value.taeller_optagelse, value.taeller) == (4, 3, 2)
    assert (value.ved_optagelse(metrics.PCT), value.nu(metrics.PCT)) == (75.0, 50.0)


def test_share_of_children_with_improved_functioning(data):
    # Mean of the six: c1 13/6 → 1 (better), c2 2 → 14/6 (worse), c3 3 → 2 (better);
    # c4 was admitted in June, so it cannot have improved and is not counted → 2 of 3.
    value = june(data)["boern_forbedret"]
    assert (value.naevner, value.taeller) == (3, 2)
    assert value.nu(metrics.PCT) == 66.7


def test_share_of_families_whose_school_absence_fell(data):
    # F1: (20 + 10) / 2 = 15 → (10 + 30) / 2 = 20, not fallen; F2: 40 → 5, fallen;
    # F3 has only June → 1 of 2.
    value = june(data)["fravaer_faldet"]
    assert (value.naevner, value.taeller) == (2, 1)
    assert value.nu(metrics.PCT) == 50.0


def test_improved_children_in_families_where_the_adults_improved(data):
    # Adults: F1's a1 3 → 2 (improved), F2's a2 1 → 2 (worse). Children of F1: c1 improved,
    # c2 did not → 1 of 2.
    value = june(data)["boern_forbedret_voksne_forbedret"]
    assert (value.naevner, value.taeller) == (2, 1)
    assert value.nu(metrics.PCT) == 50.0


def test_employment_or_education_hours_and_leisure_jobs(data):
    # In work or education: a1 no → yes (20 h), a2 yes (started education) → no, a3 no → no.
    value = june(data)["beskaeftigelse_uddannelse"]
    assert (value.naevner, value.taeller_optagelse, value.taeller) == (3, 1, 1)
    # Hours: (0 + 0 + 0) / 3 = 0 → (20 + 0 + 0) / 3 = 6.7.
    timer = june(data)["arbejdstimer"]
    assert (timer.ved_optagelse(metrics.MEAN), timer.nu(metrics.MEAN)) == (0.0, 6.7)
    # Leisure job (13+): only c1 has a value both times: no → yes.
    job = june(data)["fritidsjob"]
    assert (job.naevner, job.taeller_optagelse, job.taeller) == (1, 0, 1)


def test_who5_first_and_latest_measurement_and_relevant_change(data):
    # a1: 40 → 56 (the July 80 is after June); a2: 60 → 52; a3 measured once: not counted.
    value = june(data)["who5"]
    assert value.naevner == 2
    assert (value.ved_optagelse(metrics.MEAN), value.nu(metrics.MEAN)) == (50.0, 54.0)
    # |56 − 40| = 16 ≥ 10 relevant; |52 − 60| = 8 not → 1 of 2.
    relevant = june(data)["who5_relevant"]
    assert (relevant.naevner, relevant.taeller) == (2, 1)


def test_who5_in_an_earlier_month_uses_the_measurements_known_then(data):
    # In May a2's latest is still the first (February): only a1 counts.
    may = metrics.compute([data.projekt.pk], MAJ, MAJ)[(data.projekt.pk, MAJ)]
    assert may["who5"].naevner == 1
    assert may["who5"].nu(metrics.MEAN) == 56.0


def test_sdq_parent_version_mean_and_band_change(data):
    # c1: 18 (band "high") → 12 ("close to average"): relevant; c3: 15 → 14, both "slightly
    # raised": not relevant. c2's teacher-version answers are not counted.
    value = june(data)["sdq"]
    assert value.naevner == 2
    assert (value.ved_optagelse(metrics.MEAN), value.nu(metrics.MEAN)) == (16.5, 13.0)
    relevant = june(data)["sdq_relevant"]
    assert (relevant.naevner, relevant.taeller) == (2, 1)


def test_case_manager_filter_narrows_every_metric(data):
    # koordinator has F1 and F2 only: a3 and c4 drop out.
    values = june(data, koordinator_id=data.koordinator.pk)
    assert values["kontanthjaelp"].naevner == 2
    assert values["boern_svaere"].naevner == 3
    assert values["who5"].naevner == 2


def test_a_range_of_months_is_computed_in_two_statements(data, django_assert_num_queries):
    with django_assert_num_queries(2):
        result = metrics.compute([data.projekt.pk], MAJ, JUN)
    assert set(result) == {(data.projekt.pk, MAJ), (data.projekt.pk, JUN)}
    # No registration in May: the registration metrics are empty, not zero.
    assert result[(data.projekt.pk, MAJ)].get("kontanthjaelp", metrics.EMPTY).naevner == 0


def test_every_metric_has_a_definition_shown_beside_it():
    rows = metrics.as_table({})
    assert [row["key"] for row in rows] == [d.key for d in metrics.DEFINITIONS]
    assert all(len(row["definition"]) > 40 for row in rows)
    assert all(row["nu"] is None for row in rows)
