"""Permission-matrix rows for the investering app (run by tests/test_permission_matrix.py).

The world has no sharing rules: the case managers and the project leaders see the families
but no sector's data; the job centre's case worker sees and changes the employment sector of
"own", its department leader sees it. Cost lines live in the employment sector.
"""

import datetime as dt
from decimal import Decimal

from investering.models import Investeringslinje, Omkostningslinje, Omkostningstype, Pris
from kerne import adgang
from kerne.models import Forvaltning, Sektor
from tests.matrix import (
    ACTORS,
    STAFF_PAGE_REFUSED,
    TARGETS,
    Row,
    api_object,
    everyone,
    family_kwargs,
    family_page,
    only,
)

LEADERS = ("projektleder", "projektleder_fremmed")


def _cost_type(world, target: str = "own") -> Omkostningstype:
    kommune = world.families[target].projekt.kommune
    forvaltning = Forvaltning.objects.filter(
        kommune=kommune, sektor=Sektor.BESKAEFTIGELSE
    ).first() or Forvaltning.objects.create(
        kommune=kommune, navn="Jobcenter (matrix)", sektor=Sektor.BESKAEFTIGELSE
    )
    omkostningstype, created = Omkostningstype.objects.get_or_create(
        kommune=kommune,
        navn="Kontanthjælp",
        defaults={"enhed": "maaned", "sektor": Sektor.BESKAEFTIGELSE, "forvaltning": forvaltning},
    )
    if created:
        Pris.objects.create(
            omkostningstype=omkostningstype, gyldig_fra=dt.date(2020, 1, 1), beloeb=Decimal(1)
        )
    return omkostningstype


def type_kwargs(world, target: str) -> dict:
    return {"pk": _cost_type(world).pk}


def price_kwargs(world, target: str) -> dict:
    return {"pk": _cost_type(world).priser.first().pk}


def line_kwargs(world, target: str) -> dict:
    familie = world.families[target]
    linje = Omkostningslinje.objects.create(
        sagsdel=adgang.ensure_sagsdele(familie)[Sektor.BESKAEFTIGELSE],
        omkostningstype=_cost_type(world, target),
        antal=Decimal(1),
        fra=dt.date(2025, 1, 1),
    )
    return {"pk": linje.pk}


def family_with_type_kwargs(world, target: str) -> dict:
    _cost_type(world, target)
    return family_kwargs(world, target)


def investment_kwargs(world, target: str) -> dict:
    linje = Investeringslinje.objects.create(
        projekt=world.families["own"].projekt,
        kategori="personale",
        beskrivelse="Matrix",
        beloeb=Decimal(1),
        fra=dt.date(2025, 1, 1),
    )
    return {"pk": linje.pk}


def _hidden_everywhere(ok_for: dict[str, int]) -> dict[str, int]:
    """A staff page on a cost line: 404 unless the actor sees the line's sector."""
    expect = {"anonym": 302, **STAFF_PAGE_REFUSED}
    for actor in ACTORS:
        expect.setdefault(actor, ok_for.get(actor, 404))
    return expect


def line_page(target: str) -> dict[str, int]:
    if target == "own":
        return _hidden_everywhere({"sagsbehandler": 200, "afdelingsleder": 403})
    return _hidden_everywhere({})


def new_line_page(target: str) -> dict[str, int]:
    """Seen but no sector to write in: 403; the job centre may write employment costs."""
    expect = family_page(target, ok=403)
    if target == "own":
        expect["sagsbehandler"] = 200
    return expect


def catalogue_object(ok: int = 200) -> dict[str, int]:
    return {**only(*LEADERS, ok=ok), "projektleder_fremmed": 404}


ROWS: list = [
    Row("investering:prisliste", only(*LEADERS)),
    Row("investering:omkostningstype_ny", only(*LEADERS)),
    Row("investering:omkostningstype_rediger", catalogue_object(), kwargs=type_kwargs),
    Row("investering:pris_ny", catalogue_object(), kwargs=type_kwargs),
    Row("investering:pris_ret", catalogue_object(), kwargs=price_kwargs),
    Row("investering:business_case", only(*LEADERS)),
    Row(
        "investering:rente_gem",
        only(*LEADERS, ok=302),
        method="post",
        data=lambda w, t: {"rente": "5"},
    ),
    Row("investering:grundlag", only(*LEADERS)),
    Row("investering:investeringer", only(*LEADERS)),
    Row("investering:investering_ny", only(*LEADERS)),
    Row("investering:investering_rediger", catalogue_object(), kwargs=investment_kwargs),
    Row("investering:investering_slet", catalogue_object(), kwargs=investment_kwargs),
    Row("investering:importer", only(*LEADERS)),
    *(
        Row("investering:familie_oekonomi", family_page(t), target=t, kwargs=family_kwargs)
        for t in TARGETS
    ),
    *(
        Row("investering:familie_grundlag", family_page(t), target=t, kwargs=family_kwargs)
        for t in TARGETS
    ),
    *(
        Row("investering:linje_ny", new_line_page(t), target=t, kwargs=family_with_type_kwargs)
        for t in TARGETS
    ),
    *(
        Row("investering:linje_rediger", line_page(t), target=t, kwargs=line_kwargs)
        for t in TARGETS
    ),
    *(Row("investering:linje_slet", line_page(t), target=t, kwargs=line_kwargs) for t in TARGETS),
    Row(
        "investering:linje_slet",
        {**line_page("own"), "sagsbehandler": 302},
        target="own",
        kwargs=line_kwargs,
        method="post",
        data=lambda w, t: {"bekraeft": "on"},
        note="the delete itself, after the confirmation",
    ),
    # --- API v1 ---
    Row("api:cost-type-list", everyone(200, anonym=401), api=True),
    Row(
        "api:cost-type-detail",
        # The catalogue is internal: staff only (a family member or evaluator reads none).
        {**everyone(200, anonym=401), "projektleder_fremmed": 404, "borger": 404, "evaluator": 404},
        kwargs=type_kwargs,
        api=True,
    ),
    Row("api:price-list", everyone(200, anonym=401), api=True),
    Row("api:cost-line-list", everyone(200, anonym=401), api=True),
    *(
        Row(
            "api:cost-line-detail",
            api_object(
                t,
                who={"own": {"sagsbehandler", "afdelingsleder"}, "other": set(), "foreign": set()},
            ),
            target=t,
            kwargs=line_kwargs,
            api=True,
        )
        for t in TARGETS
    ),
    Row(
        "api:cost-line-list",
        {
            **api_object("own", ok=403),
            "sagsbehandler": 201,
        },
        target="own",
        method="post",
        data=lambda w, t: {
            "familie": w.families[t].pk,
            "omkostningstype": _cost_type(w, t).pk,
            "antal": "1",
            "fra": "2025-01-01",
        },
        api=True,
    ),
    Row(
        "api:business-case", {**everyone(403, anonym=401), **dict.fromkeys(LEADERS, 200)}, api=True
    ),
    *(
        Row("api:family-economy", api_object(t), target=t, kwargs=family_kwargs, api=True)
        for t in TARGETS
    ),
]
