"""The business case's arithmetic and the Danish amount format, with hand-computed examples."""

from datetime import date
from decimal import Decimal

import pytest

from investering import businesscase as bc
from investering.formatering import format_kr, format_number

D = Decimal


def month(m: int, *, baseline="0", aktuel="0", investering="0", year=2025) -> bc.Month:
    return bc.Month(date(year, m, 1), D(baseline), D(aktuel), D(investering))


def test_net_effect_is_baseline_minus_current_minus_investment():
    m = month(1, baseline="10000", aktuel="7000", investering="2000")
    assert m.besparelse == D("3000")
    assert m.netto == D("1000")


def test_break_even_is_the_first_month_cumulative_savings_reach_the_investment():
    # Savings 0, 1000, 2000, 3000 a month against 1500 a month of investment:
    # cumulative savings 0, 1000, 3000, 6000 vs investment 1500, 3000, 4500, 6000.
    months = [
        month(1, baseline="5000", aktuel="5000", investering="1500"),
        month(2, baseline="5000", aktuel="4000", investering="1500"),
        month(3, baseline="5000", aktuel="3000", investering="1500"),
        month(4, baseline="5000", aktuel="2000", investering="1500"),
    ]
    result = bc.compute(months, D("0"))

    assert [r.akk_besparelse for r in result.rows] == [D(0), D(1000), D(3000), D(6000)]
    assert [r.akk_investering for r in result.rows] == [D(1500), D(3000), D(4500), D(6000)]
    assert result.break_even == date(2025, 4, 1)  # 6000 ≥ 6000, not month 3's 3000 < 4500
    assert result.totals["netto"] == D(0)


def test_break_even_is_not_yet_when_savings_never_catch_up():
    result = bc.compute([month(1, baseline="100", aktuel="90", investering="50")], D("4"))
    assert result.break_even is None


def test_no_break_even_before_anything_is_invested():
    result = bc.compute([month(1), month(2, baseline="10", investering="5")], D("0"))
    assert result.break_even == date(2025, 2, 1)


def test_npv_discounts_each_month_at_its_end():
    # Net 1040 at the end of month 12 and 1081.60 at the end of month 24 are each worth
    # exactly 1000 today at 4 % a year: 1040 / 1.04 and 1081.60 / 1.04².
    months = [month(m, year=2025) for m in range(1, 13)] + [
        month(m, year=2026) for m in range(1, 13)
    ]
    months[11] = month(12, baseline="1040")
    months[23] = month(12, baseline="1081.60", year=2026)
    result = bc.compute(months, D("4"))
    assert bc.round_kr(result.npv) == D("2000.00")


def test_npv_at_zero_rate_is_the_plain_sum():
    result = bc.compute([month(1, baseline="300", investering="100")] * 1, D("0"))
    assert result.npv == D("200")


def test_discount_factor_of_one_month_at_twelve_percent():
    # (1.12) ** (1/12) = 1.009488..., so a krone in a month is worth 0.990600... today.
    assert bc.discount_factor(1, D("12")).quantize(D("0.000001")) == D("0.990600")


def test_a_negative_rate_is_refused():
    with pytest.raises(ValueError, match="negative"):
        bc.compute([], D("-1"))


def test_series_fills_months_without_figures_with_zero():
    months = bc.series(
        date(2025, 11, 15),
        date(2026, 1, 31),
        baseline={date(2025, 12, 1): D("5")},
        aktuel={},
        investering={date(2026, 1, 1): D("7")},
    )
    assert [m.maaned for m in months] == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]
    assert [m.netto for m in months] == [D(0), D(5), D(-7)]


def test_quarters_sum_months_per_group():
    quarters = bc.by_quarter(
        {
            (date(2025, 1, 1), "a"): D("1"),
            (date(2025, 3, 1), "a"): D("2"),
            (date(2025, 4, 1), "a"): D("4"),
            (date(2025, 2, 1), "b"): D("8"),
        }
    )
    assert quarters == {"2025 K1": {"a": D(3), "b": D(8)}, "2025 K2": {"a": D(4)}}


def test_family_share_of_the_investment():
    assert bc.share(D("90000"), 30) == D("3000")
    assert bc.share(D("90000"), 0) == D(0)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (D("1234567.891"), "1.234.567,89 kr."),
        (D("0.005"), "0,01 kr."),  # half up, not half even
        (D("0.015"), "0,02 kr."),
        (D("-1500"), "-1.500,00 kr."),
        (D("999.999"), "1.000,00 kr."),
        (0, "0,00 kr."),
        (None, ""),
    ],
)
def test_danish_amounts(amount, text):
    assert format_kr(amount) == text


def test_danish_number_without_currency_and_decimals():
    assert format_number(D("12345.6"), 0) == "12.346"
    assert format_number("not a number") == ""


def test_discounted_break_even_compares_present_values():
    # Investment 1.040 at the end of month 12 is worth 1.000 today at 4 %; savings 520 then
    # (worth 500) and 530,40 at the end of month 24 (worth 530,40 / 1,0816 = 490,38).
    # Nominally 1.050,40 ≥ 1.040 in month 24: break-even. Discounted 990,38 < 1.000: not yet.
    months = [month(m, year=2025) for m in range(1, 13)] + [
        month(m, year=2026) for m in range(1, 13)
    ]
    months[11] = month(12, baseline="520", investering="1040")
    months[23] = month(12, baseline="530.40", year=2026)
    result = bc.compute(months, D("4"))
    assert result.break_even == date(2026, 12, 1)
    assert result.break_even_nv is None
    assert bc.round_kr(result.rows[-1].akk_besparelse_nv) == D("990.38")
    assert bc.compute(months, D("0")).break_even_nv == date(2026, 12, 1)
