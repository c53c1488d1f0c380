"""SDQ and WHO-5 scoring against cases computed by hand (DOMAIN.md §6.3)."""

import pytest

from registrering import scoring
from registrering.scoring import (
    CONDUCT,
    EMOTIONAL,
    EXTERNALISING,
    HYPERACTIVITY,
    IMPACT,
    INTERNALISING,
    PEER,
    PROSOCIAL,
    TOTAL,
)

# A full parent-version form, scored by hand:
#   emotional  3,8,13,16,24  = 2,1,0,2,1           -> 6
#   conduct    5,7r,12,18,22 = 1,(0->2),0,1,0      -> 4
#   hyper      2,10,15,21r,25r = 2,2,1,(2->0),(0->2) -> 7
#   peer       6,11r,14r,19,23 = 0,(2->0),(1->1),0,1 -> 2
#   prosocial  1,4,9,17,20   = 2,2,1,2,1           -> 8
#   total 6+4+7+2 = 19; externalising 4+7 = 11; internalising 6+2 = 8
FULL = {
    "3": 2, "8": 1, "13": 0, "16": 2, "24": 1,
    "5": 1, "7": 0, "12": 0, "18": 1, "22": 0,
    "2": 2, "10": 2, "15": 1, "21": 2, "25": 0,
    "6": 0, "11": 2, "14": 1, "19": 0, "23": 1,
    "1": 2, "4": 2, "9": 1, "17": 2, "20": 1,
}  # fmt: skip


def test_every_subscale_of_a_full_form_scores_as_computed_by_hand():
    result = scoring.score_sdq("foraelder", FULL)

    assert result.scores == {
        EMOTIONAL: 6,
        CONDUCT: 4,
        HYPERACTIVITY: 7,
        PEER: 2,
        PROSOCIAL: 8,
        TOTAL: 19,
        EXTERNALISING: 11,
        INTERNALISING: 8,
        IMPACT: None,
    }
    assert result.bands[TOTAL] == 2  # 17–19: high
    assert result.bands[EMOTIONAL] == 2  # 5–6
    assert result.bands[CONDUCT] == 2  # 4–5
    assert result.bands[HYPERACTIVITY] == 1  # 6–7
    assert result.bands[PEER] == 0  # 0–2
    assert result.bands[PROSOCIAL] == 0  # 8–10: close to average


@pytest.mark.parametrize("item", ["7", "11", "14", "21", "25"])
def test_the_five_reverse_scored_items_count_two_one_zero(item):
    assert [scoring.item_score(item, answer) for answer in (0, 1, 2)] == [2, 1, 0]


@pytest.mark.parametrize("item", ["1", "3", "5", "6", "24"])
def test_other_items_count_as_answered(item):
    assert [scoring.item_score(item, answer) for answer in (0, 1, 2)] == [0, 1, 2]


def test_a_reverse_scored_item_moves_its_subscale_the_other_way():
    base = dict.fromkeys(["5", "12", "18", "22"], 0)

    assert scoring.score_sdq("foraelder", {**base, "7": 0}).scores[CONDUCT] == 2
    assert scoring.score_sdq("foraelder", {**base, "7": 2}).scores[CONDUCT] == 0


def test_four_answered_items_are_prorated_and_a_half_rounds_up():
    # 1 + 1 + 0 + 0 = 2 of four items: 2 / 4 × 5 = 2.5 -> 3 (Python's round() would give 2).
    answers = {"3": 1, "8": 1, "13": 0, "16": 0}

    assert scoring.score_sdq("foraelder", answers).scores[EMOTIONAL] == 3


def test_four_answered_items_round_a_quarter_down_and_three_quarters_up():
    assert scoring.subscale_score(("a", "b", "c", "d", "e"), {"a": 1, "b": 0, "c": 0, "d": 0}) == 1
    assert scoring.subscale_score(("a", "b", "c", "d", "e"), {"a": 2, "b": 1, "c": 0, "d": 0}) == 4


def test_three_answered_items_are_prorated():
    # conduct 5, 12, 18 = 1, 1, 2 -> 4 of three: 4 / 3 × 5 = 6.67 -> 7.
    assert scoring.score_sdq("foraelder", {"5": 1, "12": 1, "18": 2}).scores[CONDUCT] == 7
    # 1 of three: 1.67 -> 2; 3 of three: exactly 5.
    assert scoring.score_sdq("foraelder", {"5": 1, "12": 0, "18": 0}).scores[CONDUCT] == 2
    assert scoring.score_sdq("foraelder", {"5": 1, "12": 1, "18": 1}).scores[CONDUCT] == 5


def test_a_subscale_with_only_two_answers_is_missing():
    assert scoring.score_sdq("foraelder", {"5": 2, "12": 2}).scores[CONDUCT] is None


def test_the_total_is_missing_when_one_difficulty_subscale_is_missing():
    answers = {k: v for k, v in FULL.items() if k not in ("6", "11", "14")}  # peer: 2 left
    result = scoring.score_sdq("foraelder", answers)

    assert result.scores[PEER] is None
    assert result.scores[TOTAL] is None
    assert result.bands[TOTAL] is None
    assert result.scores[INTERNALISING] is None
    assert result.scores[EXTERNALISING] == 11


def test_a_missing_prosocial_scale_does_not_touch_the_total():
    answers = {k: v for k, v in FULL.items() if k not in ("1", "4", "9")}
    result = scoring.score_sdq("foraelder", answers)

    assert result.scores[PROSOCIAL] is None
    assert result.scores[TOTAL] == 19


# Every band edge of the parent version, written out from DOMAIN.md §6.3 (not from the table).
PARENT_EDGES = [
    (TOTAL, [(0, 0), (13, 0), (14, 1), (16, 1), (17, 2), (19, 2), (20, 3), (40, 3)]),
    (EMOTIONAL, [(0, 0), (3, 0), (4, 1), (5, 2), (6, 2), (7, 3), (10, 3)]),
    (CONDUCT, [(0, 0), (2, 0), (3, 1), (4, 2), (5, 2), (6, 3), (10, 3)]),
    (HYPERACTIVITY, [(0, 0), (5, 0), (6, 1), (7, 1), (8, 2), (9, 3), (10, 3)]),
    (PEER, [(0, 0), (2, 0), (3, 1), (4, 2), (5, 3), (10, 3)]),
    (PROSOCIAL, [(10, 0), (8, 0), (7, 1), (6, 2), (5, 3), (0, 3)]),
    (IMPACT, [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3)]),
]


@pytest.mark.parametrize(
    ("scale", "score", "expected"),
    [(scale, score, band) for scale, edges in PARENT_EDGES for score, band in edges],
)
def test_every_band_edge_of_the_parent_version(scale, score, expected):
    version = scoring.SDQ_VERSIONS["foraelder"]

    assert scoring.band(version, scale, score) == expected


def test_band_labels_read_the_right_way_for_prosocial():
    assert scoring.band_label(TOTAL, 3) == "Meget høj"
    assert scoring.band_label(PROSOCIAL, 3) == "Meget lav"
    assert scoring.band_label(TOTAL, None) == ""


def test_a_version_without_a_band_table_scores_without_bands():
    result = scoring.score_sdq("laerer", FULL)

    assert result.scores[TOTAL] == 19
    assert result.bands[TOTAL] is None


def test_the_impact_supplement_scores_not_at_all_and_a_little_as_zero():
    # distress "rigtig meget" 2, home "en hel del" 1, friends "kun lidt" 0, learning 0,
    # leisure "rigtig meget" 2 -> 5
    answers = {
        "impact_distress": 3,
        "impact_home": 2,
        "impact_friends": 1,
        "impact_learning": 0,
        "impact_leisure": 3,
    }
    result = scoring.score_sdq("foraelder", answers)

    assert result.scores[IMPACT] == 5
    assert result.bands[IMPACT] == 3


def test_the_impact_supplement_is_missing_with_an_item_unanswered():
    answers = {"impact_distress": 3, "impact_home": 2, "impact_friends": 1, "impact_learning": 0}

    assert scoring.score_sdq("foraelder", answers).scores[IMPACT] is None


def test_sdq_validation_names_the_item_and_the_allowed_answers():
    errors = scoring.validate_sdq("foraelder", {"3": 3, "impact_home": 4, "99": 1})

    assert errors == {
        "3": "Punkt 3 skal besvares med 0, 1 eller 2.",
        "impact_home": "Svaret skal være 0, 1, 2 eller 3.",
        "99": "Ukendt punkt i spørgeskemaet.",
    }
    assert scoring.validate_sdq("foraelder", FULL) == {}


@pytest.mark.parametrize("value", ["2.5", "2,5"])
def test_round_half_up_is_not_bankers_rounding(value):
    from decimal import Decimal

    assert scoring.round_half_up(Decimal(value.replace(",", "."))) == 3
    assert scoring.round_half_up(Decimal("3.5")) == 4
    assert scoring.round_half_up(Decimal("3.49")) == 3


# --- WHO-5 ----------------------------------------------------------------------------------


def who5(*values):
    return dict(zip(scoring.WHO5_ITEMS, values, strict=True))


def test_who5_raw_and_percentage():
    result = scoring.score_who5(who5(3, 3, 3, 3, 3))

    assert (result.raw, result.percentage) == (15, 60)
    assert not result.poor_wellbeing
    assert not result.likely_depression


def test_who5_at_most_50_suggests_poor_wellbeing():
    assert scoring.score_who5(who5(3, 3, 2, 2, 2)).percentage == 48
    assert scoring.score_who5(who5(3, 3, 2, 2, 2)).poor_wellbeing
    assert scoring.score_who5(who5(3, 3, 3, 2, 2)).percentage == 52
    assert not scoring.score_who5(who5(3, 3, 3, 2, 2)).poor_wellbeing


def test_who5_one_item_at_0_or_1_suggests_poor_wellbeing_even_with_a_high_score():
    result = scoring.score_who5(who5(5, 5, 5, 5, 1))

    assert result.percentage == 84
    assert result.poor_wellbeing
    assert not scoring.score_who5(who5(5, 5, 5, 5, 2)).poor_wellbeing


def test_who5_at_most_28_suggests_likely_depression():
    assert scoring.score_who5(who5(2, 2, 1, 1, 1)).percentage == 28
    assert scoring.score_who5(who5(2, 2, 1, 1, 1)).likely_depression
    assert not scoring.score_who5(who5(2, 2, 2, 1, 1)).likely_depression  # 32


def test_who5_with_an_item_missing_is_missing():
    result = scoring.score_who5({"1": 5, "2": 5, "3": 5, "4": 5})

    assert result.raw is None
    assert result.percentage is None
    assert not result.poor_wellbeing


@pytest.mark.parametrize(
    ("first", "latest", "relevant"),
    [(60, 70, True), (60, 68, False), (60, 72, True), (72, 60, True), (50, 41, False),
     (None, 60, False), (60, None, False)],
)  # fmt: skip
def test_a_who5_change_of_ten_points_or_more_is_relevant(first, latest, relevant):
    assert scoring.who5_relevant_change(first, latest) is relevant


def test_who5_validation_names_the_item_and_range():
    assert scoring.validate_who5({"1": 6, "x": 1}) == {
        "1": "Punkt 1 skal besvares med et tal fra 0 til 5.",
        "x": "Ukendt punkt i spørgeskemaet.",
    }
