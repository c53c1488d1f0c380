"""Danish CPR numbers: normalise, validate, and read birth date and sex from them."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# [0-9] rather than \d: \d also matches other scripts' digits, which int() would then accept.
_CPR_PATTERN = re.compile(r"([0-9]{6})-?([0-9]{4})")

# The modulus-11 check is deliberately not applied: since 2007 the CPR office issues numbers
# that do not satisfy it, so refusing them would turn away real people.


def normalise(value: str, *, today: datetime.date | None = None) -> str:
    """Return the ten digits of a CPR number given as DDMMYYSSSS or DDMMYY-SSSS.

    `today` is for tests; by default the local date in the configured time zone.
    """
    if not value or not value.strip():
        raise ValidationError(_("Angiv et CPR-nummer."), code="required")
    match = _CPR_PATTERN.fullmatch(value.strip())
    if match is None:
        raise ValidationError(
            _(
                "CPR-nummeret skal bestå af 10 cifre, "
                "evt. med bindestreg efter de første 6 (DDMMÅÅ-XXXX)."
            ),
            code="format",
        )
    digits = match.group(1) + match.group(2)
    born = _birth_date_of_digits(digits)
    if born > (today or timezone.localdate()):
        raise ValidationError(
            _("Fødselsdatoen %(dato)s i CPR-nummeret ligger i fremtiden."),
            code="future",
            params={"dato": born.strftime("%d.%m.%Y")},
        )
    return digits


def validate_cpr(value: str) -> None:
    """Django validator for model and form fields holding a CPR number."""
    normalise(value)


def birth_date(cpr: str, *, today: datetime.date | None = None) -> datetime.date:
    """Birth date of a CPR number, the century taken from the 7th digit."""
    return _birth_date_of_digits(normalise(cpr, today=today))


def sex(cpr: str) -> str:
    """ "K" (kvinde) for an even last digit, "M" (mand) for an odd one."""
    return "K" if int(normalise(cpr)[-1]) % 2 == 0 else "M"


def mask(cpr: str) -> str:
    """The number as shown to users without a need to see it in full: DDMMYY-XXXX."""
    return f"{normalise(cpr)[:6]}-XXXX"


# Shadows the builtin inside this module only; callers use it qualified, as cpr.format.
def format(cpr: str) -> str:
    """The full number with the usual hyphen: DDMMYY-SSSS."""
    digits = normalise(cpr)
    return f"{digits[:6]}-{digits[6:]}"


def _century(seventh_digit: int, yy: int) -> int:
    # The CPR office's table: the 7th digit (first of the serial number) fixes the century.
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def _birth_date_of_digits(digits: str) -> datetime.date:
    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    year = _century(int(digits[6]), yy) + yy
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Datoen %(dato)s i CPR-nummeret findes ikke."),
            code="date",
            params={"dato": f"{day:02d}.{month:02d}.{year}"},
        ) from None
