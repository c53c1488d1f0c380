"""Danish formatting of amounts: 1.234.567,89 kr. No database."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from investering.businesscase import round_kr


def format_number(amount: Decimal | int | float | str | None, decimals: int = 2) -> str:
    """1234567.891 → '1.234.567,89'; rounded half up; '' for no value."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return ""
    value = round_kr(value) if decimals == 2 else value.quantize(Decimal(1).scaleb(-decimals))
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.{decimals}f}"  # 1,234,567.89
    return sign + text.replace(",", "X").replace(".", ",").replace("X", ".")


def format_kr(amount: Decimal | int | float | str | None) -> str:
    """1234567.891 → '1.234.567,89 kr.'; '' for no value."""
    number = format_number(amount)
    return f"{number} kr." if number else ""
