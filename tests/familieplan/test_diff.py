"""The version diff (pure)."""

from familieplan.diff import Aendring, compare


def test_added_removed_changed_and_unchanged_items_are_told_apart():
    foer = {
        1: {"titel": "Praktik", "timer": 20},
        2: {"titel": "Kursus", "timer": 10},
        3: {"titel": "Mentor", "timer": 2},
    }
    efter = {
        1: {"titel": "Praktik", "timer": 25},
        3: {"titel": "Mentor", "timer": 2},
        4: {"titel": "Bostøtte", "timer": 3},
    }

    forskel = compare(foer, efter, ["titel", "timer"])

    assert forskel.tilfoejet == [{"titel": "Bostøtte", "timer": 3}]
    assert forskel.fjernet == [{"titel": "Kursus", "timer": 10}]
    assert forskel.aendret == [({"titel": "Praktik", "timer": 25}, [Aendring("timer", 20, 25)])]
    assert forskel.uaendret == 1
    assert not forskel.tom


def test_fields_not_listed_do_not_count_as_changes():
    forskel = compare({1: {"titel": "A", "intern": 1}}, {1: {"titel": "A", "intern": 2}}, ["titel"])
    assert forskel.tom
    assert forskel.uaendret == 1
