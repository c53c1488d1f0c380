"""The visitation's pure rules, with worked examples (no database)."""

import datetime

import pytest

from visitation import regler

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 3, D(2026, 4, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # February is shorter
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # over the new year
        (D(2026, 12, 1), 2, D(2027, 2, 1)),
        (D(2026, 5, 31), 0, D(2026, 5, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert regler.add_months(day, months) == expected


def test_the_assessment_deadline_is_admission_plus_the_projects_months():
    assert regler.assessment_deadline(optaget=D(2026, 3, 31), maaneder=2) == D(2026, 5, 31)


@pytest.mark.parametrize(
    ("frist", "state"),
    [
        (D(2026, 6, 9), "overskredet"),
        (D(2026, 6, 10), "snart"),  # due today is still in time
        (D(2026, 6, 24), "snart"),  # 14 days ahead
        (D(2026, 6, 25), "senere"),
    ],
)
def test_deadline_state(frist, state):
    assert regler.deadline_state(frist=frist, today=D(2026, 6, 10)) == state


@pytest.mark.parametrize(
    ("aktive", "kapacitet", "needs"),
    [(0, 8, False), (7, 8, False), (8, 8, True), (9, 8, True), (0, 1, False), (1, 1, True)],
)
def test_confirmation_is_needed_when_one_more_family_exceeds_the_capacity(aktive, kapacitet, needs):
    assert regler.needs_capacity_confirmation(aktive=aktive, kapacitet=kapacitet) is needs


def test_a_case_managers_load():
    load = regler.Belastning(aktive=9, kapacitet=8)
    assert (load.ledige, load.over, load.fuld, load.procent) == (0, 1, True, 112)
    load = regler.Belastning(aktive=5, kapacitet=8)
    assert (load.ledige, load.over, load.fuld, load.procent) == (3, 0, False, 62)


def test_waiting_days_are_whole_days_and_never_negative():
    assert regler.waiting_days(siden=D(2026, 1, 1), today=D(2026, 3, 1)) == 59
    assert regler.waiting_days(siden=D(2026, 3, 2), today=D(2026, 3, 1)) == 0


def test_a_complete_referral_misses_nothing():
    assert (
        regler.missing_for_submission(
            svar=dict.fromkeys(regler.KRITERIE_FELTER, False),
            begrundelse="Grund",
            samtykke_givet_af=object(),
            samtykke_dato=D(2026, 1, 1),
            samtykke_form="skriftligt",
            today=D(2026, 1, 1),
        )
        == {}
    ), "a 'no' is an answer: the board weighs it"


def test_an_empty_referral_misses_every_criterion_reason_and_consent():
    missing = regler.missing_for_submission(
        svar={},
        begrundelse=" ",
        samtykke_givet_af=None,
        samtykke_dato=D(2026, 1, 2),
        samtykke_form="",
        today=D(2026, 1, 1),
    )
    assert set(missing) == {
        *regler.KRITERIE_FELTER,
        "begrundelse",
        "samtykke_givet_af",
        "samtykke_dato",
        "samtykke_form",
    }
    assert missing["samtykke_dato"] == "Samtykkets dato må ikke ligge i fremtiden."


def test_unmet_criteria_are_the_noes():
    svar = {"kendt_begge": True, "ydelse": False, "motivation": False, "tvaerfaglig": None}
    assert regler.unmet_criteria(svar) == ["ydelse", "motivation"]
