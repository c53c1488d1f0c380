"""Reading a department's CSV export of cost lines into typed rows with row-level errors.

No database: the service resolves persons, families and cost types. The file is checked by
kerne.csvfil (size, UTF-8 text, header, row count, no formula cells). Accepts what Danish
Excel writes as "CSV UTF-8": semicolons (or commas), a BOM, amounts as 1.234,50 or 1234.50,
dates as 31-01-2025, 31.01.2025 or 2025-01-31.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kerne import csvfil

COLUMNS = ["cpr", "familie", "omkostningstype", "antal", "fra", "til", "enhedspris", "begrundelse"]
REQUIRED = ["omkostningstype", "antal", "fra"]
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")
_CPR = re.compile(r"^[0-9]{6}-?[0-9]{4}$")


@dataclass
class CsvRow:
    linjenr: int
    cpr: str = ""
    familie_id: int | None = None
    omkostningstype: str = ""
    antal: Decimal | None = None
    fra: date | None = None
    til: date | None = None
    enhedspris: Decimal | None = None
    begrundelse: str = ""
    errors: list[str] = field(default_factory=list)


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (wrong columns, not text, too long)."""


def parse_amount(text: str) -> Decimal:
    """'1.234,50' or '1234.50' or '1234' → Decimal; ValueError otherwise."""
    cleaned = text.strip().replace(" ", "").replace("kr.", "").replace("kr", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_date(text: str) -> date:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def read(content: bytes) -> list[CsvRow]:
    """Every data row of the file, each with its own errors; raises CsvFormatError."""
    try:
        header, raw_rows = csvfil.read_rows(
            content, required=REQUIRED, max_bytes=MAX_BYTES, max_rows=MAX_ROWS
        )
    except csvfil.CsvFileError as error:
        raise CsvFormatError(str(error)) from None
    if "cpr" not in header and "familie" not in header:
        raise CsvFormatError(_("Filen skal have kolonnen cpr eller familie."))
    rows = [_row(linjenr, values) for linjenr, values in raw_rows]
    if not rows:
        raise CsvFormatError(_("Filen har ingen rækker med data."))
    return rows


def _row(linjenr: int, values: dict[str, str]) -> CsvRow:
    row = CsvRow(linjenr=linjenr)
    cpr = values.get("cpr", "")
    if cpr:
        if _CPR.match(cpr):
            row.cpr = cpr.replace("-", "")
        else:
            row.errors.append(_("cpr: skal være 10 cifre (DDMMÅÅ-XXXX)."))
    familie = values.get("familie", "")
    if familie:
        if familie.isdigit() and len(familie) <= 18:
            row.familie_id = int(familie)
        else:
            row.errors.append(_("familie: skal være familiens nummer (et heltal)."))
    if not cpr and not familie:
        row.errors.append(_("cpr eller familie skal udfyldes."))
    row.omkostningstype = values.get("omkostningstype", "")
    if not row.omkostningstype:
        row.errors.append(_("omkostningstype: skal udfyldes."))
    try:
        row.antal = parse_amount(values.get("antal", ""))
        if row.antal <= 0:
            row.errors.append(_("antal: skal være større end 0."))
    except ValueError:
        row.errors.append(_("antal: skal være et tal, fx 1 eller 12,5."))
    for name in ("fra", "til"):
        text = values.get(name, "")
        if not text:
            if name == "fra":
                row.errors.append(_("fra: skal udfyldes."))
            continue
        try:
            setattr(row, name, parse_date(text))
        except ValueError:
            row.errors.append(
                _("%(felt)s: skal være en dato som 31-01-2025 eller 2025-01-31.") % {"felt": name}
            )
    if row.fra and row.til and row.til < row.fra:
        row.errors.append(_("til: skal ligge på eller efter fra."))
    pris = values.get("enhedspris", "")
    if pris:
        try:
            row.enhedspris = parse_amount(pris)
            if row.enhedspris < 0:
                row.errors.append(_("enhedspris: må ikke være negativ."))
        except ValueError:
            row.errors.append(_("enhedspris: skal være et beløb, fx 1.234,50."))
    row.begrundelse = values.get("begrundelse", "")[:300]
    if row.enhedspris is not None and not row.begrundelse:
        row.errors.append(_("begrundelse: skal udfyldes, når enhedspris er angivet."))
    return row
