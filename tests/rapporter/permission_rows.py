"""Permission-matrix rows for the rapporter app (run by tests/test_permission_matrix.py).

Reports hold aggregates only and are read by the project's leader and evaluator; another
project's leader gets 404 (missing and forbidden look the same). Exports belong to the
evaluator who ordered them. The evaluator reaches no page about a family or a person: the
kernel's and the domain apps' rows give them 403 there (STAFF_PAGE_REFUSED).
"""

import datetime

from django.core.files.base import ContentFile

from rapporter.models import Maanedsrapport, Tilstand, Udtraek
from tests.matrix import ACTORS, TARGETS, Row, only, signed_in

READERS = {"own": {"projektleder", "evaluator"}, "foreign": {"projektleder_fremmed"}}
REPORT_TARGETS = ("own", "foreign")


def report_kwargs(world, target: str) -> dict:
    report, _ = Maanedsrapport.objects.get_or_create(
        projekt=world.families[target].projekt,
        maaned=datetime.date(2025, 6, 1),
        aktuel=True,
        defaults={
            "tilstand": Tilstand.FAERDIG,
            "udloeser": Maanedsrapport.Udloeser.BESTILT,
            "data": {},
        },
    )
    return {"pk": report.pk}


def export_kwargs(world, target: str) -> dict:
    udtraek = Udtraek.objects.create(
        maaned=datetime.date(2025, 6, 1),
        projekt=world.families["own"].projekt,
        projekt_ids=[world.families["own"].projekt_id],
        tilstand=Tilstand.FAERDIG,
        bestilt_af=world.users["evaluator"],
    )
    udtraek.fil.save("matrix.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    return {"pk": udtraek.pk}


def report_reader(target: str) -> dict[str, int]:
    return {
        actor: 302 if actor == "anonym" else (200 if actor in READERS[target] else 404)
        for actor in ACTORS
    }


ROWS: list = [
    Row("rapporter:oekonomi", only("projektleder", "projektleder_fremmed")),
    Row("rapporter:rapporter", only("projektleder", "projektleder_fremmed", "evaluator")),
    Row(
        "rapporter:rapport_bestil",
        only("projektleder", "projektleder_fremmed", ok=302),
        method="post",
        data=lambda w, t: {"maaned": "2025-06"},
    ),
    *(
        Row(name, report_reader(t), target=t, kwargs=report_kwargs)
        for t in REPORT_TARGETS
        for name in ("rapporter:rapport", "rapporter:rapport_csv", "rapporter:rapport_xlsx")
    ),
    Row(
        "rapporter:udtraek_bestil",
        only("evaluator", ok=302),
        method="post",
        data=lambda w, t: {"maaned": "2025-06"},
    ),
    Row("rapporter:udtraek_liste", signed_in(200)),
    Row(
        "rapporter:udtraek_hent",
        {
            actor: 302 if actor == "anonym" else 200 if actor == "evaluator" else 404
            for actor in ACTORS
        },
        target="own",
        kwargs=export_kwargs,
    ),
    Row("rapporter:landsoverblik", only("evaluator")),
]

assert set(REPORT_TARGETS) <= set(TARGETS)
