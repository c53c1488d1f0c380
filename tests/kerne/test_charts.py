"""The chart module: accessible, escaped, gaps kept, scaled to the data."""

import re
from decimal import Decimal

import pytest

from kerne.charts import Series, _nice_max, bar_chart, line_chart


def test_a_line_chart_has_a_text_alternative_and_one_line_per_series():
    svg = line_chart(
        title="Andel med svære problemer",
        labels=["jan", "feb", "mar"],
        series=[Series("Børn", [49, 45, 40]), Series("Voksne", [30, 31, 29])],
    )

    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "<title>Andel med svære problemer</title>" in svg
    assert svg.count("<polyline") == 2
    assert ">Børn<" in svg
    assert ">Voksne<" in svg


def test_a_missing_month_leaves_a_gap_instead_of_joining_the_line():
    svg = line_chart(
        title="t", labels=["1", "2", "3", "4", "5"], series=[Series("a", [1, 2, None, 4, 5])]
    )

    assert svg.count("<polyline") == 2


def test_a_lone_value_is_drawn_as_a_point():
    svg = line_chart(title="t", labels=["1", "2", "3"], series=[Series("a", [None, 3, None])])

    assert svg.count("<circle") == 1
    assert "<polyline" not in svg


def test_labels_and_titles_are_escaped():
    svg = bar_chart(
        title="<script>alert(1)</script>",
        labels=["a&b"],
        series=[Series('"x"', [Decimal("1234.5")])],
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "a&amp;b" in svg


def test_bars_scale_to_the_data_and_negative_values_go_below_zero():
    svg = bar_chart(
        title="Nettoeffekt",
        labels=["K1", "K2"],
        series=[Series("Netto", [-500, 1500])],
        unit=" kr.",
    )

    heights = [
        float(h)
        for h in re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"', svg)
    ]
    bars = heights[: len(heights) - 1]  # the last rect is the legend swatch
    assert bars[1] == pytest.approx(3 * bars[0], abs=0.2)
    assert "Netto, K2: 1.500 kr." in svg
    assert "Netto, K1: -500 kr." in svg


def test_axis_maximum_is_a_round_number():
    assert _nice_max(0) == 1
    assert _nice_max(7) == 10
    assert _nice_max(73) == 100
    assert _nice_max(140) == 200
    assert _nice_max(2200) == 2500


def test_stacked_bars_pile_the_series_and_the_description_is_the_long_text():
    svg = bar_chart(
        title="Udgifter pr. kvartal",
        description="Fordelt på forvaltning.",
        labels=["K1"],
        series=[Series("Jobcenter", [100]), Series("Familie", [300])],
        stacked=True,
    )

    bars = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="[^"]+" height="([^"]+)"', svg)[:2]
    (x1, y1, h1), (x2, y2, h2) = bars
    assert x1 == x2  # one column
    assert float(h2) == pytest.approx(3 * float(h1), abs=0.2)
    assert float(y2) + float(h2) == pytest.approx(
        float(y1), abs=0.2
    )  # the second sits on the first
    assert "<desc>Fordelt på forvaltning.</desc>" in svg
