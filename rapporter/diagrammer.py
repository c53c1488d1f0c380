"""The reports' charts, through the one chart module (kerne.charts): the same SVG and data
table in the page and in the PDF, built from a report's (or dashboard's) aggregated data."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from kerne import charts
from rapporter import metrics
from registrering import rules

# Which metrics share a chart: shares in per cent on one axis, means on their own scales.
GROUPS = (
    (
        _("Udfaldsmål over tid (andele)"),
        ("kontanthjaelp", "boern_svaere", "boern_forbedret", "beskaeftigelse_uddannelse"),
        " %",
    ),
    (_("WHO-5 og SDQ over tid (gennemsnit ved seneste måling)"), ("who5", "sdq"), ""),
)


def _label(iso: str) -> str:
    month = datetime.date.fromisoformat(iso)
    return f"{str(rules.MONTH_NAMES[month.month - 1])[:3]} {month.year % 100:02d}"


def charts_for(tendens: dict, *, maal: int | None = None) -> list[dict]:
    """Charts with their text alternative: title, description and the data as a table."""
    labels = [_label(m) for m in tendens.get("maaneder", [])]
    result = []
    aktive = [charts.Series(_("Familier i projektet"), tendens.get("aktive", []))]
    if maal:
        aktive.append(charts.Series(_("Mål"), [maal] * len(labels)))
    result.append(_chart(_("Familier i projektet pr. måned"), labels, aktive, ""))
    for title, keys, unit in GROUPS:
        series = [
            charts.Series(str(metrics.BY_KEY[key].label), tendens.get(key, [None] * len(labels)))
            for key in keys
        ]
        result.append(_chart(str(title), labels, series, unit))
    return result


def _chart(title: str, labels: list[str], series: list[charts.Series], unit: str) -> dict:
    description = _("Måned for måned; tabellen under diagrammet viser de samme tal.")
    svg = charts.line_chart(
        title=title,
        labels=labels,
        series=series,
        unit=unit,
        description=description,
        y_min=0,
        y_max=100 if unit.strip() == "%" else None,
    )
    return {
        "titel": title,
        "svg": svg,
        "kolonner": [s.label for s in series],
        "raekker": [
            {
                "maaned": label,
                "vaerdier": [
                    metrics.fmt(s.values[i], metrics.PCT if unit.strip() == "%" else metrics.MEAN)
                    if s.values[i] is not None
                    else "–"
                    for s in series
                ],
            }
            for i, label in enumerate(labels)
        ],
    }
