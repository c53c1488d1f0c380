"""The month's rules, the indicators' validation and the family's trend words (pure)."""

import datetime
from decimal import Decimal

import pytest

from registrering import rules
from registrering.rules import IndikatorDef, MonthState, Trend

D = datetime.date


def defn(kode="skolefravaer_pct", navn="Skolefravær (%)", **fields) -> IndikatorDef:
    values = {
        "gaelder_for": "barn",
        "type": rules.Type.DECIMAL,
        "sektor": "skole_dagtilbud",
        "min_vaerdi": Decimal(0),
        "max_vaerdi": Decimal(100),
    }
    return IndikatorDef(kode=kode, navn=navn, **(values | fields))


TRIVSEL = defn(
    "trivsel", "Trivsel", type=rules.Type.SKALA, min_vaerdi=Decimal(0), max_vaerdi=Decimal(4)
)
FRITIDSJOB = defn(
    "fritidsjob",
    "Fritidsjob",
    type=rules.Type.JA_NEJ,
    min_vaerdi=None,
    max_vaerdi=None,
    min_alder=13,
    max_alder=17,
)
SKOLEFRAVAER = defn(min_alder=6, max_alder=16)
KARAKTER = defn(
    "karaktergennemsnit",
    "Karaktergennemsnit",
    min_vaerdi=Decimal(-3),
    max_vaerdi=Decimal(12),
    paakraevet=False,
)
FORSOERGELSE = defn(
    "forsoergelse",
    "Forsørgelse",
    gaelder_for="voksen",
    type=rules.Type.VALG,
    valg=(("kontanthjaelp", "Kontanthjælp"), ("fleksjob", "Fleksjob")),
)
I_TILBUD = defn(
    "i_tilbud", "I beskæftigelsesrettet tilbud", gaelder_for="voksen", type=rules.Type.JA_NEJ
)
TILBUD_TIMER = defn(
    "tilbud_timer",
    "Timer i tilbud pr. uge",
    gaelder_for="voksen",
    max_vaerdi=Decimal(60),
    forudsaetning="i_tilbud",
)


# --- Months ---------------------------------------------------------------------------------


def test_the_deadline_is_the_deadline_day_of_the_next_month():
    assert rules.deadline(D(2026, 3, 1), 10) == D(2026, 4, 10)
    assert rules.deadline(D(2026, 12, 1), 5) == D(2027, 1, 5)


@pytest.mark.parametrize(
    ("today", "reopened_until", "state"),
    [
        (D(2026, 3, 1), None, MonthState.OPEN),  # the month's first day
        (D(2026, 3, 31), None, MonthState.OPEN),
        (D(2026, 4, 10), None, MonthState.OPEN),  # the deadline day itself
        (D(2026, 4, 11), None, MonthState.LOCKED),
        (D(2026, 4, 12), D(2026, 4, 15), MonthState.REOPENED),
        (D(2026, 4, 15), D(2026, 4, 15), MonthState.REOPENED),
        (D(2026, 4, 16), D(2026, 4, 15), MonthState.LOCKED),
        (D(2026, 2, 28), None, MonthState.FUTURE),
    ],
)
def test_a_month_is_open_until_its_deadline_then_locked_unless_reopened(
    today, reopened_until, state
):
    assert (
        rules.month_state(
            D(2026, 3, 1), today=today, deadline_day=10, reopened_until=reopened_until
        )
        == state
    )


def test_refusals_name_the_month_and_the_deadline():
    assert rules.month_refusal(D(2026, 3, 1), today=D(2026, 4, 11), deadline_day=10) == (
        "Måneden marts 2026 er låst: fristen var 10.04.2026. Projektlederen kan genåbne den."
    )
    assert rules.month_refusal(D(2026, 5, 1), today=D(2026, 4, 11), deadline_day=10) == (
        "Der kan ikke registreres for en fremtidig måned (maj 2026)."
    )
    assert rules.month_refusal(D(2026, 4, 1), today=D(2026, 4, 11), deadline_day=10) is None


def test_parse_month_accepts_only_real_months():
    assert rules.parse_month("2026-03") == D(2026, 3, 1)
    assert rules.parse_month("2026-13") is None
    assert rules.parse_month("marts") is None


def test_a_membership_counts_for_every_month_it_touches():
    assert rules.active_in_month(D(2026, 3, 31), None, D(2026, 3, 1))
    assert not rules.active_in_month(D(2026, 4, 1), None, D(2026, 3, 1))
    assert rules.active_in_month(D(2025, 1, 1), D(2026, 3, 1), D(2026, 3, 1))
    assert not rules.active_in_month(D(2025, 1, 1), D(2026, 2, 28), D(2026, 3, 1))


def test_age_in_a_month_is_the_age_on_its_last_day():
    assert rules.age_in_month(D(2013, 3, 31), D(2026, 3, 1)) == 13
    assert rules.age_in_month(D(2013, 4, 1), D(2026, 3, 1)) == 12
    assert rules.age_in_month(None, D(2026, 3, 1)) is None


# --- Who an indicator applies to ------------------------------------------------------------


def test_fritidsjob_only_from_age_13():
    assert not rules.applies(FRITIDSJOB, rolle="barn", age=12)
    assert rules.applies(FRITIDSJOB, rolle="barn", age=13)
    assert not rules.applies(FRITIDSJOB, rolle="voksen", age=40)


def test_school_absence_only_for_school_age():
    assert [rules.applies(SKOLEFRAVAER, rolle="barn", age=a) for a in (5, 6, 16, 17)] == [
        False,
        True,
        True,
        False,
    ]


def test_an_unknown_age_passes_only_indicators_without_a_lower_age():
    assert rules.applies(TRIVSEL, rolle="barn", age=None)
    assert not rules.applies(FRITIDSJOB, rolle="barn", age=None)


# --- Validation messages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indikator", "raw", "message"),
    [
        (SKOLEFRAVAER, "120", "Skolefravær (%) skal være mellem 0 og 100 (du skrev 120)."),
        (SKOLEFRAVAER, "-1", "Skolefravær (%) skal være mellem 0 og 100 (du skrev -1)."),
        (SKOLEFRAVAER, "mange", "Skolefravær (%) skal være et tal fra 0 til 100."),
        (TRIVSEL, "5", "Trivsel skal være mellem 0 og 4 (du skrev 5)."),
        (TRIVSEL, "2,5", "Trivsel skal være et helt tal fra 0 til 4."),
        (KARAKTER, "13", "Karaktergennemsnit skal være mellem -3 og 12 (du skrev 13)."),
        (FRITIDSJOB, "måske", "Fritidsjob skal være ja eller nej."),
        (FORSOERGELSE, "loen", "Forsørgelse skal være en af: Kontanthjælp, Fleksjob."),
        (SKOLEFRAVAER, "nan", "Skolefravær (%) skal være et tal fra 0 til 100."),
    ],
)
def test_every_bad_value_gets_a_message_naming_the_field_and_the_rule(indikator, raw, message):
    parsed, error = rules.parse_value(indikator, raw)

    assert parsed.empty
    assert error == message


@pytest.mark.parametrize(
    ("indikator", "raw", "tal", "tekst"),
    [
        (SKOLEFRAVAER, "12,5", Decimal("12.50"), ""),
        (SKOLEFRAVAER, " 7 ", Decimal("7.00"), ""),
        (KARAKTER, "-3", Decimal("-3.00"), ""),
        (TRIVSEL, "0", Decimal(0), ""),
        (FRITIDSJOB, "Ja", Decimal(1), ""),
        (FRITIDSJOB, "nej", Decimal(0), ""),
        (FORSOERGELSE, "fleksjob", None, "fleksjob"),
    ],
)
def test_good_values_are_cleaned(indikator, raw, tal, tekst):
    parsed, error = rules.parse_value(indikator, raw)

    assert error is None
    assert (parsed.tal, parsed.tekst) == (tal, tekst)


def test_an_empty_value_is_no_value_not_an_error():
    assert rules.parse_value(SKOLEFRAVAER, "  ") == (rules.EMPTY, None)


def test_a_value_for_an_indicator_outside_its_ages_is_refused_with_the_ages():
    _values, errors = rules.clean_member(
        [FRITIDSJOB, SKOLEFRAVAER], rolle="barn", age=12, raw={"fritidsjob": "ja"}
    )

    assert errors == {"fritidsjob": "Fritidsjob registreres kun for alderen 13–17 år."}


def test_a_conditional_value_needs_its_yes():
    defs = [I_TILBUD, TILBUD_TIMER]

    _values, errors = rules.clean_member(
        defs, rolle="voksen", age=40, raw={"i_tilbud": "nej", "tilbud_timer": "20"}
    )
    values, ok = rules.clean_member(
        defs, rolle="voksen", age=40, raw={"i_tilbud": "ja", "tilbud_timer": "20"}
    )

    assert errors == {
        "tilbud_timer": "Timer i tilbud pr. uge udfyldes kun, når "
        "I beskæftigelsesrettet tilbud er besvaret med ja."
    }
    assert ok == {}
    assert values["tilbud_timer"].tal == Decimal("20.00")


def test_an_unknown_code_is_an_error():
    _values, errors = rules.clean_member([TRIVSEL], rolle="barn", age=8, raw={"x": "1"})

    assert errors == {"x": "Ukendt indikator: x."}


def test_what_is_missing_skips_optional_conditional_and_other_ages():
    defs = [TRIVSEL, SKOLEFRAVAER, KARAKTER, FRITIDSJOB]

    assert rules.missing_codes(defs, rolle="barn", age=14, values={}) == [
        "trivsel",
        "skolefravaer_pct",
        "fritidsjob",
    ]
    assert rules.missing_codes(defs, rolle="barn", age=5, values={}) == ["trivsel"]
    assert (
        rules.missing_codes(
            [I_TILBUD, TILBUD_TIMER],
            rolle="voksen",
            age=40,
            values={"i_tilbud": rules.Parsed(tal=Decimal(0))},
        )
        == []
    )
    assert rules.missing_codes(
        [I_TILBUD, TILBUD_TIMER],
        rolle="voksen",
        age=40,
        values={"i_tilbud": rules.Parsed(tal=Decimal(1))},
    ) == ["tilbud_timer"]


def test_stored_values_are_shown_in_words():
    assert rules.display_value(TRIVSEL, Decimal(2), "") == "2 – moderate problemer"
    assert rules.display_value(FRITIDSJOB, Decimal(1), "") == "Ja"
    assert rules.display_value(SKOLEFRAVAER, Decimal("12.50"), "") == "12,5"
    assert rules.display_value(FORSOERGELSE, None, "fleksjob") == "Fleksjob"
    assert rules.input_value(SKOLEFRAVAER, Decimal("12.50"), "") == "12,5"
    assert rules.input_value(FRITIDSJOB, Decimal(0), "") == "nej"


# --- Trends ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([3, 3, 3, 2, 2, 1], Trend.BETTER),  # means 3 -> 1.67
        ([1, 1, 1, 2, 2, 3], Trend.WORSE),
        ([2, 2, 2, 3, 2, 2], Trend.UNCHANGED),  # 2 -> 2.33: under half a step
        ([2, 3], Trend.WORSE),
        ([2, 2], Trend.UNCHANGED),
        ([2], Trend.TOO_EARLY),
        ([], Trend.TOO_EARLY),
    ],
)
def test_a_series_becomes_one_plain_word(series, expected):
    assert rules.trend(series) == expected


def test_a_month_against_the_one_before():
    assert rules.step(3, 2) == Trend.BETTER
    assert rules.step(2, 3) == Trend.WORSE
    assert rules.step(2, 2) == Trend.UNCHANGED
    assert rules.step(None, 2) == Trend.TOO_EARLY
