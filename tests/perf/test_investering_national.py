"""The national aggregate of the investment model: 100 projects, 30,000 families, 36 months.

Target (issue 7): under 10 s for the business case of every project side by side
(`investering.selectors.national_figures`). The data is written with INSERT … SELECT over
generate_series in the database (PostgreSQL only): 30,000 families, four cost lines each
(a monthly benefit across admission, a preventive measure, two courses of family treatment
by the hour), a price change inside the period, and each project's staff investment.
"""

import datetime as dt
import time

import pytest
from django.db import connection

from investering import selectors
from investering.models import Omkostningslinje
from kerne.models import Projekt, Sektor
from tests.factories import ProjektFactory
from tests.investering.factories import cost_type
from tests.perf.conftest import write_result

PROJECTS = 100
FAMILIES_PER_PROJECT = 300
AS_OF = dt.date(2026, 10, 31)
START = dt.date(2023, 11, 1)  # 36 months before the reference month ends


def _build(projekter: list[Projekt]) -> None:
    kommune = projekter[0].kommune
    kontanthjaelp = cost_type(kommune, "Kontanthjælp", prices=((dt.date(2020, 1, 1), "12500"),))
    forebyggende = cost_type(
        kommune,
        "Forebyggende",
        sektor=Sektor.BOERN_FAMILIE,
        prices=((dt.date(2020, 1, 1), "9500"), (dt.date(2025, 1, 1), "9800")),
    )
    behandling = cost_type(
        kommune, "Familiebehandling", "time", Sektor.BOERN_FAMILIE, ((dt.date(2020, 1, 1), "850"),)
    )
    ids = [p.pk for p in projekter]
    with connection.cursor() as cursor:
        # Families admitted over the first year, spread evenly; one adult member each.
        cursor.execute(
            """
            INSERT INTO kerne_familie (projekt_id, betegnelse, status, oprettet, optaget)
            SELECT p.id, 'Familie ' || n, 'aktiv', now(), %s::date + (n %% 365)
            FROM unnest(%s::int[]) AS p(id), generate_series(1, %s) AS n
            """,
            [START, ids, FAMILIES_PER_PROJECT],
        )
        cursor.execute(
            "INSERT INTO kerne_sagsdel (familie_id, sektor) "
            "SELECT f.id, s FROM kerne_familie f, unnest(%s::text[]) AS s "
            "WHERE f.projekt_id = ANY(%s)",
            [list(Sektor.values), ids],
        )
        line = (
            "INSERT INTO investering_omkostningslinje "
            "(sagsdel_id, omkostningstype_id, antal, fra, til, override_begrundelse, kilde, "
            "oprettet, aendret) "
            "SELECT sd.id, %s, {antal}, f.optaget + {fra}, f.optaget + {til}, '', 'import', "
            "now(), now() "
            "FROM kerne_familie f JOIN kerne_sagsdel sd ON sd.familie_id = f.id "
            "AND sd.sektor = %s WHERE f.projekt_id = ANY(%s)"
        )
        benefit_end = "CAST(200 + f.id %% 300 AS integer)"
        for type_id, sektor, antal, fra, til in (
            (kontanthjaelp.pk, Sektor.BESKAEFTIGELSE, 1, -400, benefit_end),
            (forebyggende.pk, Sektor.BOERN_FAMILIE, 1, -380, 150),
            (behandling.pk, Sektor.BOERN_FAMILIE, 40, -300, -120),
            (behandling.pk, Sektor.BOERN_FAMILIE, 40, 30, 210),
        ):
            cursor.execute(line.format(antal=antal, fra=fra, til=til), [type_id, sektor, ids])
        cursor.execute(
            "INSERT INTO investering_investeringslinje "
            "(projekt_id, kategori, beskrivelse, beloeb, enhed, fra, oprettet) "
            "SELECT id, 'personale', 'Team', 141500, 'maaned', %s, now() "
            "FROM unnest(%s::int[]) AS p(id)",
            [START, ids],
        )
        cursor.execute("ANALYZE")


@pytest.mark.django_db
def test_national_business_case_for_100_projects_and_30000_families():
    first = ProjektFactory()
    projekter = [first] + [ProjektFactory(kommune=first.kommune) for _ in range(PROJECTS - 1)]
    began = time.perf_counter()
    _build(projekter)
    built = time.perf_counter() - began
    lines = Omkostningslinje.objects.count()

    timings = []
    for _run in range(2):
        began = time.perf_counter()
        figures = selectors.national_figures(as_of=AS_OF)
        timings.append(time.perf_counter() - began)
    best = min(timings)
    write_result(
        "investering_national",
        [
            {
                "projects": PROJECTS,
                "families": PROJECTS * FAMILIES_PER_PROJECT,
                "cost lines": lines,
                "months": 36,
                "data built in (s)": round(built, 1),
                "best of 2 (s)": round(best, 2),
                "target (s)": 10.0,
            }
        ],
        notes="selectors.national_figures: every project's baseline, current costs, investment, "
        "cumulative savings, break-even month and NPV; two statements whatever the number of "
        "projects (the cost lines' monthly segments; the investment lines).",
    )
    assert len(figures) == PROJECTS
    assert all(row.resultat.rows for row in figures)
    assert best < 10.0


MEASURE = """
import json, time
from investering import selectors
from investering.models import Omkostningslinje
timings = []
for _run in range(2):
    began = time.perf_counter()
    rows = selectors.national_figures()
    timings.append(time.perf_counter() - began)
print(json.dumps({"projects": len(rows), "lines": Omkostningslinje.objects.count(),
                  "best": min(timings)}))
"""


def test_national_business_case_on_the_national_dataset():
    """The same aggregate on `make bench-dataset`'s data (skipped when it is not built)."""
    import json
    import os
    import subprocess
    import sys

    from tests.perf.test_rapporter_national import NATIONAL_URL, ROOT, _require_dataset

    _require_dataset()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", MEASURE],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": NATIONAL_URL, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    write_result(
        "investering_national_dataset",
        [
            {
                "projects": figures["projects"],
                "cost lines": figures["lines"],
                "best of 2 (s)": round(figures["best"], 2),
                "target (s)": 10.0,
            }
        ],
        notes="selectors.national_figures on the dataset of `seed_demo --scale national`.",
    )
    assert figures["best"] < 10.0
