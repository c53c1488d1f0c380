"""Follow-up due dates from the cadence (pure): worked examples."""

import datetime

from familieplan.frister import add_months, next_due, schedule

D = datetime.date


def test_the_first_follow_up_is_one_interval_after_the_start():
    assert next_due(start=D(2026, 1, 5), slut=D(2026, 12, 31), kadence="maanedlig") == D(2026, 2, 5)
    assert next_due(start=D(2026, 1, 5), slut=D(2026, 12, 31), kadence="hver_14_dag") == D(
        2026, 1, 19
    )
    assert next_due(start=D(2026, 1, 5), slut=D(2026, 12, 31), kadence="kvartalsvis") == D(
        2026, 4, 5
    )


def test_the_next_follow_up_counts_from_the_latest_one():
    assert next_due(
        start=D(2026, 1, 5), slut=D(2026, 12, 31), kadence="maanedlig", seneste=D(2026, 3, 20)
    ) == D(2026, 4, 20)


def test_a_follow_up_recorded_before_the_start_does_not_count():
    assert next_due(
        start=D(2026, 3, 1), slut=D(2026, 12, 31), kadence="ugentlig", seneste=D(2026, 2, 1)
    ) == D(2026, 3, 8)


def test_the_due_date_never_passes_the_end_and_nothing_is_due_after_it():
    assert next_due(start=D(2026, 1, 1), slut=D(2026, 1, 20), kadence="maanedlig") == D(2026, 1, 20)
    assert (
        next_due(
            start=D(2026, 1, 1), slut=D(2026, 1, 20), kadence="maanedlig", seneste=D(2026, 1, 20)
        )
        is None
    )


def test_month_ends_are_kept_inside_the_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_the_schedule_runs_from_start_to_end():
    assert schedule(start=D(2026, 1, 1), slut=D(2026, 4, 15), kadence="maanedlig") == [
        D(2026, 2, 1),
        D(2026, 3, 1),
        D(2026, 4, 1),
        D(2026, 4, 15),
    ]
