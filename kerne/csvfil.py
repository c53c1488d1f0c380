"""Reading an uploaded CSV file safely: size, text by content, header, row count, formulas.

No database and no files on disk: the upload is read into memory (it is capped) and parsed with
the csv module. Every refusal is a CsvFileError with a Danish message naming the rule.
"""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

# What a spreadsheet would run as a formula when the value is later opened in one (CSV
# injection); kerne.views guards exported cells with the same prefixes.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?[0-9][0-9.]*(,[0-9]+)?$")
# C0 control characters other than tab, line feed and carriage return: a text file has none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CsvFileError(ValueError):
    """The file as a whole is refused; the message says which rule it broke."""


def is_formula(value: str) -> bool:
    return value[:1] in FORMULA_PREFIXES and not _NUMBER.match(value)


def read_rows(
    content: bytes, *, required: tuple[str, ...] | list[str], max_bytes: int, max_rows: int
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (lower-cased) and every data row as (line number, {column: value})."""
    if len(content) > max_bytes:
        raise CsvFileError(
            _("Filen er for stor: den må højst fylde %(mb)s MB.")
            % {"mb": f"{max_bytes / 1024 / 1024:g}"}
        )
    if b"\x00" in content[:8192] or content[:5] == b"%PDF-" or content[:2] == b"PK":
        raise CsvFileError(_("Filen er ikke en CSV-fil: den indeholder binære data."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            _("Filen skal være gemt som UTF-8 (i Excel: »CSV UTF-8 (kommasepareret)«).")
        ) from None
    if _CONTROL.search(text):
        raise CsvFileError(_("Filen er ikke en CSV-fil: den indeholder kontroltegn."))
    if not text.strip():
        raise CsvFileError(_("Filen er tom."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        missing = [name for name in required if name not in header]
        if missing:
            raise CsvFileError(
                _("Filen mangler kolonnerne: %(kolonner)s. Første linje skal være: %(alle)s.")
                % {"kolonner": ", ".join(missing), "alle": ";".join(required)}
            )
        rows = []
        while True:
            # The line a record starts on (a quoted cell may span lines).
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if len(rows) >= max_rows:
                raise CsvFileError(
                    _("Filen har mere end %(max)d rækker med data.") % {"max": max_rows}
                )
            values = {
                name: value.strip() for name, value in zip(header, cells, strict=False) if name
            }
            if not any(values.values()):
                continue
            for name, value in values.items():
                if is_formula(value):
                    raise CsvFileError(
                        _(
                            "Linje %(linje)d, kolonne %(kolonne)s: en celle må ikke begynde med "
                            "=, +, -, @ eller tabulator (regnearksformel)."
                        )
                        % {"linje": line, "kolonne": name}
                    )
            rows.append((line, values))
    except csv.Error as error:
        raise CsvFileError(
            _("Filen kan ikke læses som CSV (linje %(linje)d).") % {"linje": reader.line_num}
        ) from error
    return header, rows
