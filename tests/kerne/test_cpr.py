"""Worked examples for CPR numbers: format, century table, real dates, future dates, display."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db.migrations.writer import MigrationWriter
from django.utils import translation

from kerne import cpr

# A fixed "today" so the future rule does not drift as the calendar moves on.
TODAY = datetime.date(2026, 11, 23)
# Far enough ahead that the upper ends of the 2000s ranges (2036, 2057) are in the past.
LATER = datetime.date(2060, 1, 1)

FORMAT_MESSAGE = (
    "CPR-nummeret skal bestå af 10 cifre, evt. med bindestreg efter de første 6 (DDMMÅÅ-XXXX)."
)


def refusal(value: str, today: datetime.date = TODAY) -> ValidationError:
    with translation.override("da"), pytest.raises(ValidationError) as excinfo:
        cpr.normalise(value, today=today)
    return excinfo.value


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("0101901234", id="without-hyphen"),
        pytest.param("010190-1234", id="with-hyphen"),
        pytest.param("  010190-1234  ", id="surrounding-spaces"),
        pytest.param("\t0101901234\n", id="surrounding-tab-and-newline"),
    ],
)
def test_normalise_returns_the_ten_digits(value: str) -> None:
    assert cpr.normalise(value, today=TODAY) == "0101901234"


def test_number_failing_the_old_modulus_11_check_is_accepted() -> None:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    number = "0101901234"
    assert sum(int(d) * w for d, w in zip(number, weights, strict=True)) % 11 != 0
    assert cpr.normalise(number, today=TODAY) == number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 7th digit 0-3: always 1900-1999, whatever YY is.
        pytest.param("010100-0000", datetime.date(1900, 1, 1), id="d0-yy00-1900"),
        pytest.param("010136-1000", datetime.date(1936, 1, 1), id="d1-yy36-1936"),
        pytest.param("010157-2000", datetime.date(1957, 1, 1), id="d2-yy57-1957"),
        pytest.param("311299-3999", datetime.date(1999, 12, 31), id="d3-yy99-1999"),
        # 7th digit 4: YY <= 36 is 2000-2036, otherwise 1937-1999.
        pytest.param("010100-4000", datetime.date(2000, 1, 1), id="d4-yy00-2000"),
        pytest.param("231126-4000", datetime.date(2026, 11, 23), id="d4-born-today"),
        pytest.param("010137-4000", datetime.date(1937, 1, 1), id="d4-yy37-1937"),
        pytest.param("311299-4000", datetime.date(1999, 12, 31), id="d4-yy99-1999"),
        # 7th digit 5-8: YY <= 57 is 2000-2057, otherwise 1858-1899.
        pytest.param("010100-5000", datetime.date(2000, 1, 1), id="d5-yy00-2000"),
        pytest.param("010126-8000", datetime.date(2026, 1, 1), id="d8-yy26-2026"),
        pytest.param("010158-5000", datetime.date(1858, 1, 1), id="d5-yy58-1858"),
        pytest.param("010158-8000", datetime.date(1858, 1, 1), id="d8-yy58-1858"),
        pytest.param("311299-6000", datetime.date(1899, 12, 31), id="d6-yy99-1899"),
        pytest.param("150770-7000", datetime.date(1870, 7, 15), id="d7-yy70-1870"),
        # 7th digit 9: YY <= 36 is 2000-2036, otherwise 1937-1999.
        pytest.param("010100-9000", datetime.date(2000, 1, 1), id="d9-yy00-2000"),
        pytest.param("010137-9000", datetime.date(1937, 1, 1), id="d9-yy37-1937"),
        pytest.param("311299-9000", datetime.date(1999, 12, 31), id="d9-yy99-1999"),
    ],
)
def test_birth_date_takes_the_century_from_the_7th_digit(
    value: str, expected: datetime.date
) -> None:
    assert cpr.birth_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("311236-4000", datetime.date(2036, 12, 31), id="d4-yy36-2036"),
        pytest.param("311236-9000", datetime.date(2036, 12, 31), id="d9-yy36-2036"),
        pytest.param("311257-5000", datetime.date(2057, 12, 31), id="d5-yy57-2057"),
        pytest.param("311257-8000", datetime.date(2057, 12, 31), id="d8-yy57-2057"),
    ],
)
def test_upper_ends_of_the_2000s_ranges_once_they_are_past(
    value: str, expected: datetime.date
) -> None:
    assert cpr.birth_date(value, today=LATER) == expected


@pytest.mark.parametrize(
    ("value", "dato"),
    [
        pytest.param("010136-4000", "01.01.2036", id="d4-yy36-2036"),
        pytest.param("010136-9000", "01.01.2036", id="d9-yy36-2036"),
        pytest.param("010157-5000", "01.01.2057", id="d5-yy57-2057"),
        pytest.param("241126-4000", "24.11.2026", id="tomorrow"),
    ],
)
def test_birth_date_in_the_future_is_refused(value: str, dato: str) -> None:
    error = refusal(value)
    assert error.code == "future"
    assert error.messages == [f"Fødselsdatoen {dato} i CPR-nummeret ligger i fremtiden."]


@pytest.mark.parametrize(
    ("value", "dato"),
    [
        pytest.param("310285-1234", "31.02.1985", id="31-feb"),
        pytest.param("300285-1234", "30.02.1985", id="30-feb"),
        pytest.param("290201-4000", "29.02.2001", id="29-feb-non-leap-year"),
        pytest.param("290200-1234", "29.02.1900", id="29-feb-1900-not-a-leap-year"),
        pytest.param("011385-1234", "01.13.1985", id="month-13"),
        pytest.param("010085-1234", "01.00.1985", id="month-00"),
        pytest.param("000185-1234", "00.01.1985", id="day-00"),
        pytest.param("310485-1234", "31.04.1985", id="31-april"),
        # An impossible date is reported as such even when it would also lie in the future.
        pytest.param("310236-4000", "31.02.2036", id="impossible-and-future"),
    ],
)
def test_impossible_date_is_refused_naming_the_date(value: str, dato: str) -> None:
    error = refusal(value)
    assert error.code == "date"
    assert error.messages == [f"Datoen {dato} i CPR-nummeret findes ikke."]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("290200-4000", datetime.date(2000, 2, 29), id="2000-d4-yy00"),
        pytest.param("290296-1234", datetime.date(1996, 2, 29), id="1996"),
    ],
)
def test_leap_day_in_a_leap_year_is_valid(value: str, expected: datetime.date) -> None:
    assert cpr.birth_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("01019O-1234", id="letter-o-for-zero"),
        pytest.param("abcdefghij", id="only-letters"),
        pytest.param("010190123", id="9-digits"),
        pytest.param("010190-123", id="9-digits-with-hyphen"),
        pytest.param("01019012345", id="11-digits"),
        pytest.param("010190-12345", id="11-digits-with-hyphen"),
        pytest.param("010190--1234", id="two-hyphens-together"),
        pytest.param("01-0190-1234", id="two-hyphens-apart"),
        pytest.param("01019-01234", id="hyphen-after-5"),
        pytest.param("0101901-234", id="hyphen-after-7"),
        pytest.param("0101901234-", id="trailing-hyphen"),
        pytest.param("010190 1234", id="space-inside"),
        pytest.param("01 01 90 1234", id="spaces-inside"),
        pytest.param("010190/1234", id="slash-separator"),
        pytest.param("010190–1234", id="en-dash-separator"),
        pytest.param("٠١٠١٩٠١٢٣٤", id="arabic-indic-digits"),
    ],
)
def test_bad_format_is_refused(value: str) -> None:
    error = refusal(value)
    assert error.code == "format"
    assert error.messages == [FORMAT_MESSAGE]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="only-spaces"),
    ],
)
def test_empty_is_refused_as_required(value: str) -> None:
    error = refusal(value)
    assert error.code == "required"
    assert error.messages == ["Angiv et CPR-nummer."]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("0101901234", id="without-hyphen"),
        pytest.param(" 010190-1234 ", id="with-hyphen-and-spaces"),
    ],
)
def test_mask_hides_the_serial_number(value: str) -> None:
    assert cpr.mask(value) == "010190-XXXX"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("0101901234", id="without-hyphen"),
        pytest.param(" 010190-1234 ", id="with-hyphen-and-spaces"),
    ],
)
def test_format_adds_the_hyphen(value: str) -> None:
    assert cpr.format(value) == "010190-1234"


@pytest.mark.parametrize(
    ("value", "expected"),
    [pytest.param(f"010190-123{d}", "K" if d % 2 == 0 else "M", id=f"last-{d}") for d in range(10)],
)
def test_sex_is_k_for_an_even_last_digit_and_m_for_an_odd_one(value: str, expected: str) -> None:
    assert cpr.sex(value) == expected


def test_birth_date_accepts_a_raw_number() -> None:
    assert cpr.birth_date(" 150585-2468 ") == datetime.date(1985, 5, 15)


@pytest.mark.parametrize(
    "function",
    [
        pytest.param(cpr.mask, id="mask"),
        pytest.param(cpr.format, id="format"),
        pytest.param(cpr.sex, id="sex"),
        pytest.param(cpr.birth_date, id="birth_date"),
    ],
)
def test_display_helpers_refuse_an_invalid_number(function) -> None:
    with pytest.raises(ValidationError) as excinfo:
        function("310285-1234")
    assert excinfo.value.code == "date"


def test_validate_cpr_accepts_a_valid_number() -> None:
    assert cpr.validate_cpr("010190-1234") is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("", "required", id="required"),
        pytest.param("0101-901234", "format", id="format"),
        pytest.param("300285-1234", "date", id="date"),
        pytest.param("010157-5000", "future", id="future"),
    ],
)
def test_validate_cpr_raises_with_the_code_of_the_failure(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        cpr.validate_cpr(value)
    assert excinfo.value.code == code


def test_validate_cpr_on_a_form_field_shows_the_danish_message() -> None:
    class PersonForm(forms.Form):
        cpr_nummer = forms.CharField(validators=[cpr.validate_cpr])

    with translation.override("da"):
        form = PersonForm(data={"cpr_nummer": "310285-1234"})
        assert not form.is_valid()
        assert form.errors == {"cpr_nummer": ["Datoen 31.02.1985 i CPR-nummeret findes ikke."]}


def test_validate_cpr_can_be_written_into_a_migration() -> None:
    serialised, imports = MigrationWriter.serialize(cpr.validate_cpr)
    assert serialised == "kerne.cpr.validate_cpr"
    assert imports == {"import kerne.cpr"}
