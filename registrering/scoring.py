"""Scoring of the SDQ and WHO-5 questionnaires (DOMAIN.md §6.3): pure, no database.

The band tables are data, one per questionnaire version: another version's cut-offs are a new
table, not a new branch. Answers are dictionaries from item key ("1".."25", "impact_…") to the
chosen answer, with None (or a missing key) for an unanswered item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Answers = Mapping[str, int | None]

# --- SDQ ------------------------------------------------------------------------------------

SDQ_ITEMS = tuple(str(n) for n in range(1, 26))
SDQ_ITEM_MAX = 2
# Scored 2, 1, 0 instead of 0, 1, 2 (the item is phrased as a strength).
SDQ_REVERSED = frozenset({"7", "11", "14", "21", "25"})

EMOTIONAL = "emotionelle"
CONDUCT = "adfaerd"
HYPERACTIVITY = "hyperaktivitet"
PEER = "kammerater"
PROSOCIAL = "prosocial"
TOTAL = "total"
EXTERNALISING = "eksternaliserende"
INTERNALISING = "internaliserende"
IMPACT = "konsekvens"

SDQ_SUBSCALES: dict[str, tuple[str, ...]] = {
    EMOTIONAL: ("3", "8", "13", "16", "24"),
    CONDUCT: ("5", "7", "12", "18", "22"),
    HYPERACTIVITY: ("2", "10", "15", "21", "25"),
    PEER: ("6", "11", "14", "19", "23"),
    PROSOCIAL: ("1", "4", "9", "17", "20"),
}
DIFFICULTY_SUBSCALES = (EMOTIONAL, CONDUCT, HYPERACTIVITY, PEER)
# A subscale is prorated from at least this many answered items; with fewer it is missing.
MIN_ANSWERED = 3

# The impact supplement: each answer on a four-point scale ("slet ikke", "kun lidt",
# "en hel del", "rigtig meget"), scored 0, 0, 1, 2.
IMPACT_ANSWER_SCORE = (0, 0, 1, 2)
IMPACT_ANSWER_MAX = 3

# Band categories, from "close to average" (0) to "very high" (3); prosocial runs the other
# way (a low score is the concern), so its table lists the ranges from high to low.
BAND_LABELS = {
    0: gettext_lazy("Tæt på gennemsnittet"),
    1: gettext_lazy("Let forhøjet"),
    2: gettext_lazy("Høj"),
    3: gettext_lazy("Meget høj"),
}
PROSOCIAL_BAND_LABELS = {
    0: gettext_lazy("Tæt på gennemsnittet"),
    1: gettext_lazy("Let sænket"),
    2: gettext_lazy("Lav"),
    3: gettext_lazy("Meget lav"),
}


@dataclass(frozen=True)
class SdqVersion:
    """One version of the SDQ: who answers, for which ages, its impact items and band table."""

    code: str
    label: object
    min_age: int
    max_age: int
    impact_items: tuple[str, ...]
    # scale -> ((lowest, highest) per band 0..3); inclusive ranges on the integer score.
    bands: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)


PARENT_IMPACT_ITEMS = (
    "impact_distress",
    "impact_home",
    "impact_friends",
    "impact_learning",
    "impact_leisure",
)

SDQ_VERSIONS: dict[str, SdqVersion] = {
    # The four-band categories for the parent version, exactly as DOMAIN.md §6.3 gives them.
    "foraelder": SdqVersion(
        code="foraelder",
        label=gettext_lazy("Forælderversion (4–17 år)"),
        min_age=4,
        max_age=17,
        impact_items=PARENT_IMPACT_ITEMS,
        bands={
            TOTAL: ((0, 13), (14, 16), (17, 19), (20, 40)),
            EMOTIONAL: ((0, 3), (4, 4), (5, 6), (7, 10)),
            CONDUCT: ((0, 2), (3, 3), (4, 5), (6, 10)),
            HYPERACTIVITY: ((0, 5), (6, 7), (8, 8), (9, 10)),
            PEER: ((0, 2), (3, 3), (4, 4), (5, 10)),
            PROSOCIAL: ((8, 10), (7, 7), (6, 6), (0, 5)),
            IMPACT: ((0, 0), (1, 1), (2, 2), (3, 10)),
        },
    ),
    # Teacher and self-report answers are scored the same way; their cut-offs differ and are
    # not given in DOMAIN.md, so these versions show scores without bands until a
    # municipality's evaluator adds the tables here.
    "laerer": SdqVersion(
        code="laerer",
        label=gettext_lazy("Lærerversion (4–17 år)"),
        min_age=4,
        max_age=17,
        impact_items=("impact_distress", "impact_friends", "impact_learning"),
    ),
    "selv": SdqVersion(
        code="selv",
        label=gettext_lazy("Selvrapport (11–17 år)"),
        min_age=11,
        max_age=17,
        impact_items=PARENT_IMPACT_ITEMS,
    ),
}


def round_half_up(value: Decimal) -> int:
    """Round to an integer with halves going up (2.5 → 3), not Python's half-to-even."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def item_score(item: str, answer: int | None) -> int | None:
    """The item's contribution: the answer, or 2 − answer for a reverse-scored item."""
    if answer is None:
        return None
    return SDQ_ITEM_MAX - answer if item in SDQ_REVERSED else answer


def subscale_score(items: tuple[str, ...], answers: Answers) -> int | None:
    """Sum of five items; prorated (mean × 5, half up) from 3 or 4 answered; else missing."""
    scores = [item_score(item, answers.get(item)) for item in items]
    answered = [s for s in scores if s is not None]
    if len(answered) < MIN_ANSWERED:
        return None
    if len(answered) == len(items):
        return sum(answered)
    return round_half_up(Decimal(sum(answered)) * len(items) / len(answered))


def _sum_or_none(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def impact_score(version: SdqVersion, answers: Answers) -> int | None:
    """The impact supplement's score; missing when any of its items is unanswered."""
    scores = []
    for item in version.impact_items:
        answer = answers.get(item)
        if answer is None:
            return None
        scores.append(IMPACT_ANSWER_SCORE[answer])
    return sum(scores)


def band(version: SdqVersion, scale: str, score: int | None) -> int | None:
    """The band (0–3) of a score on a scale; None when the score or the table is missing."""
    table = version.bands.get(scale)
    if score is None or table is None:
        return None
    for index, (low, high) in enumerate(table):
        if low <= score <= high:
            return index
    return None


def band_label(scale: str, category: int | None) -> object:
    if category is None:
        return ""
    labels = PROSOCIAL_BAND_LABELS if scale == PROSOCIAL else BAND_LABELS
    return labels[category]


@dataclass(frozen=True)
class SdqResult:
    scores: dict[str, int | None]
    bands: dict[str, int | None]

    @property
    def total(self) -> int | None:
        return self.scores[TOTAL]


def score_sdq(version_code: str, answers: Answers) -> SdqResult:
    """Every subscale, the total difficulties, externalising, internalising and impact."""
    version = SDQ_VERSIONS[version_code]
    scores: dict[str, int | None] = {
        name: subscale_score(items, answers) for name, items in SDQ_SUBSCALES.items()
    }
    scores[TOTAL] = _sum_or_none([scores[name] for name in DIFFICULTY_SUBSCALES])
    scores[EXTERNALISING] = _sum_or_none([scores[CONDUCT], scores[HYPERACTIVITY]])
    scores[INTERNALISING] = _sum_or_none([scores[EMOTIONAL], scores[PEER]])
    scores[IMPACT] = impact_score(version, answers)
    bands = {scale: band(version, scale, score) for scale, score in scores.items()}
    return SdqResult(scores=scores, bands=bands)


def validate_sdq(version_code: str, answers: Answers) -> dict[str, str]:
    """Item key -> message for every answer outside its scale; empty when all are valid."""
    version = SDQ_VERSIONS[version_code]
    errors = {}
    for item in SDQ_ITEMS:
        answer = answers.get(item)
        if answer is not None and not 0 <= answer <= SDQ_ITEM_MAX:
            errors[item] = _("Punkt %(item)s skal besvares med 0, 1 eller 2.") % {"item": item}
    for item in version.impact_items:
        answer = answers.get(item)
        if answer is not None and not 0 <= answer <= IMPACT_ANSWER_MAX:
            errors[item] = _("Svaret skal være 0, 1, 2 eller 3.")
    unknown = set(answers) - set(SDQ_ITEMS) - set(version.impact_items)
    for item in sorted(unknown):
        errors[item] = _("Ukendt punkt i spørgeskemaet.")
    return errors


# --- WHO-5 ----------------------------------------------------------------------------------

WHO5_ITEMS = ("1", "2", "3", "4", "5")
WHO5_ITEM_MAX = 5
WHO5_POOR_WELLBEING = 50  # a percentage at or below this suggests screening for depression
WHO5_LOW_ITEM = 1  # any single item at or below this also suggests it
WHO5_LIKELY_DEPRESSION = 28
WHO5_RELEVANT_CHANGE = 10  # percentage points


@dataclass(frozen=True)
class Who5Result:
    raw: int | None
    percentage: int | None
    poor_wellbeing: bool
    likely_depression: bool


def score_who5(answers: Answers) -> Who5Result:
    """Raw 0–25 and percentage (raw × 4); missing when any item is unanswered."""
    values = [answers.get(item) for item in WHO5_ITEMS]
    if any(v is None for v in values):
        return Who5Result(raw=None, percentage=None, poor_wellbeing=False, likely_depression=False)
    raw = sum(v for v in values if v is not None)
    percentage = raw * 4
    low_item = any(v is not None and v <= WHO5_LOW_ITEM for v in values)
    return Who5Result(
        raw=raw,
        percentage=percentage,
        poor_wellbeing=percentage <= WHO5_POOR_WELLBEING or low_item,
        likely_depression=percentage <= WHO5_LIKELY_DEPRESSION,
    )


def who5_relevant_change(first: int | None, latest: int | None) -> bool:
    """A change of 10 percentage points or more, either way, is clinically relevant."""
    if first is None or latest is None:
        return False
    return abs(latest - first) >= WHO5_RELEVANT_CHANGE


def validate_who5(answers: Answers) -> dict[str, str]:
    errors = {}
    for item in WHO5_ITEMS:
        answer = answers.get(item)
        if answer is not None and not 0 <= answer <= WHO5_ITEM_MAX:
            errors[item] = _("Punkt %(item)s skal besvares med et tal fra 0 til 5.") % {
                "item": item
            }
    for item in sorted(set(answers) - set(WHO5_ITEMS)):
        errors[item] = _("Ukendt punkt i spørgeskemaet.")
    return errors
