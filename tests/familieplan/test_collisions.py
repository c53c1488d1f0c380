"""Collision checks (pure): worked examples, no database."""

import datetime
from decimal import Decimal

from familieplan.collisions import (
    SAMME_ART,
    TIMER,
    Aktivitet,
    Kollision,
    collisions_involving,
    find_collisions,
)

D = datetime.date
MARCH_1 = D(2026, 3, 1)
MARCH_31 = D(2026, 3, 31)


def act(
    key,
    *,
    person=1,
    sektor="beskaeftigelse",
    art="praktik",
    start=MARCH_1,
    slut=MARCH_31,
    timer=10,
):
    return Aktivitet(
        key,
        str(key),
        (person,) if isinstance(person, int) else person,
        sektor,
        art,
        start,
        slut,
        Decimal(timer),
    )


def test_two_activities_over_the_budget_at_the_same_time_collide_for_the_overlap_only():
    # Praktik 25 h in March, course 15 h from 15 March to 15 April: 40 h > 37 from 15 to 31 March.
    found = find_collisions(
        [
            act("praktik", timer=25),
            act("kursus", art="kursus", start=D(2026, 3, 15), slut=D(2026, 4, 15), timer=15),
        ],
        {1: 37},
    )

    assert found == [
        Kollision(
            TIMER,
            1,
            ("praktik", "kursus"),
            D(2026, 3, 15),
            D(2026, 3, 31),
            Decimal(40),
            Decimal(37),
        )
    ]


def test_exactly_the_budget_is_not_a_collision():
    assert find_collisions([act("a", timer=20), act("b", art="kursus", timer=17)], {1: 37}) == []


def test_activities_that_only_touch_end_to_start_do_not_overlap():
    found = find_collisions(
        [
            act("a", timer=30, slut=D(2026, 3, 14)),
            act("b", art="kursus", timer=30, start=D(2026, 3, 15)),
        ],
        {1: 37},
    )
    assert found == []


def test_the_last_day_counts_as_running():
    found = find_collisions(
        [
            act("a", timer=30, slut=D(2026, 3, 15)),
            act("b", art="kursus", timer=30, start=D(2026, 3, 15)),
        ],
        {1: 37},
    )
    assert [(k.fra, k.til) for k in found] == [(D(2026, 3, 15), D(2026, 3, 15))]


def test_a_third_activity_splits_the_stretch_into_separate_collisions():
    # a+b = 40 all March; c adds 5 h in the middle: one collision per distinct set of activities.
    found = find_collisions(
        [
            act("a", timer=20),
            act("b", art="kursus", timer=20),
            act("c", art="mentor", timer=5, start=D(2026, 3, 10), slut=D(2026, 3, 20)),
        ],
        {1: 37},
    )
    assert [(k.keys, k.fra, k.til, k.timer) for k in found] == [
        (("a", "b"), D(2026, 3, 1), D(2026, 3, 9), Decimal(40)),
        (("a", "b", "c"), D(2026, 3, 10), D(2026, 3, 20), Decimal(45)),
        (("a", "b"), D(2026, 3, 21), D(2026, 3, 31), Decimal(40)),
    ]


def test_a_childs_lower_budget_and_the_default_for_unknown_persons():
    activities = [act("a", person=2, timer=8), act("b", person=2, art="fritid", timer=4)]
    assert [k.budget for k in find_collisions(activities, {2: 10})] == [Decimal(10)]
    assert find_collisions(activities, {}) == []  # default 37


def test_one_activity_alone_over_the_budget_is_no_collision():
    assert find_collisions([act("a", timer=45)], {1: 37}) == []


def test_same_kind_in_two_sectors_at_the_same_time_collides():
    # Physical training at the health centre and a training course via the job centre.
    found = find_collisions(
        [
            act("genoptraening", sektor="sundhed", art="fysisk_traening", timer=4),
            act(
                "motionshold",
                sektor="beskaeftigelse",
                art="fysisk_traening",
                timer=3,
                start=D(2026, 3, 20),
                slut=D(2026, 5, 1),
            ),
        ],
        {1: 37},
    )
    assert [(k.kind, k.keys, k.fra, k.til) for k in found] == [
        (SAMME_ART, ("genoptraening", "motionshold"), D(2026, 3, 20), D(2026, 3, 31))
    ]


def test_same_kind_in_the_same_sector_or_at_other_times_is_fine():
    assert (
        find_collisions(
            [act("a", art="fysisk_traening", timer=3), act("b", art="fysisk_traening", timer=3)],
            {1: 37},
        )
        == []
    )
    assert (
        find_collisions(
            [
                act("a", sektor="sundhed", art="fysisk_traening", slut=D(2026, 3, 10)),
                act("b", art="fysisk_traening", start=D(2026, 3, 11)),
            ],
            {1: 37},
        )
        == []
    )


def test_collisions_are_per_person_and_an_activity_for_two_counts_for_both():
    found = find_collisions(
        [
            act("familie", person=(1, 2), art="familiebehandling", timer=20),
            act("job", person=1, timer=20),
        ],
        {1: 37, 2: 37},
    )
    assert [(k.person_id, k.keys) for k in found] == [(1, ("familie", "job"))]
    assert collisions_involving(found, "job") == found
    assert collisions_involving(found, "andet") == []
