"""Permission-matrix rows for the netvaerk app (run by tests/test_permission_matrix.py).

The partner catalogue belongs to a municipality: staff of its projects read it; the project's
leader, administration and case managers keep it. A family's meetings follow the family grant
(and the stafetlog's named professionals, none in the matrix); writing them needs change on
the family. Leisure and activity links lie in a sector: here the job centre's sector
(a leisure job), seen by the job centre's case worker (change) and department leader (view)
on "own" only, as no sharing rule is set in the matrix's world. The portal's minutes are the
citizen's of "own" only.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from familieplan.models import Indsats, Planversion, Stafetmoede
from kerne import adgang
from kerne.models import Sektor
from netvaerk.models import Fritidstilknytning, Partner, Tilbud
from tests.matrix import (
    ACTORS,
    STAFF_PAGE_REFUSED,
    TARGETS,
    Row,
    World,
    api_change,
    api_object,
    change_page,
    family_kwargs,
    family_page,
    only,
    signed_in,
)

SECTOR_SEES = {"own": {"sagsbehandler", "afdelingsleder"}, "other": set(), "foreign": set()}
SECTOR_CHANGES = {"own": {"sagsbehandler"}, "other": set(), "foreign": set()}
KEEPERS = ("koordinator", "koordinator_anden", "projektleder")
PROJECT_STAFF = (*KEEPERS, "sagsbehandler", "afdelingsleder", "databeskyttelse")


def _objects(world: World, target: str) -> dict:
    """A held meeting, a partner of the municipality, a leisure job link and an activity that
    names the partner, for the target family. Made once per world."""
    cache = world.__dict__.setdefault("_netvaerk", {})
    if target in cache:
        return cache[target]
    familie = world.families[target]
    koordinator = familie.koordinator
    today = timezone.localdate()
    sagsdel = adgang.ensure_sagsdele(familie)[Sektor.BESKAEFTIGELSE]
    partner = Partner.objects.create(
        kommune=familie.projekt.kommune, navn=f"Klub {target}", art="forening"
    )
    child = familie.medlemskaber.filter(rolle="barn").first()
    person = child.person if child else familie.medlemskaber.first().person
    version = Planversion.objects.create(familie=familie, nummer=1, oprettet_af=koordinator)
    indsats = Indsats.objects.create(
        version=version,
        sagsdel=sagsdel,
        titel="Fritidsjob",
        art="praktik",
        maal="Job",
        maalopfyldelse="Ansat",
        tilbud="Job",
        leverandoer="Netto",
        startdato=today,
        slutdato=today + datetime.timedelta(days=60),
        timer_pr_uge=Decimal(5),
        kadence="maanedlig",
        opfoelgningsform="Samtale",
        konsekvens_ved_udeblivelse="Ingen",
        ansvarlig="Jonas",
    )
    cache[target] = {
        "familie": familie,
        "partner": partner,
        "moede": Stafetmoede.objects.create(
            familie=familie,
            tidspunkt=timezone.now() - datetime.timedelta(days=1),
            sted="Rådhuset",
        ),
        "fritid": Fritidstilknytning.objects.create(
            sagsdel=sagsdel,
            person=person,
            art="fritidsjob",
            partner=partner,
            fra=today,
            oprettet_af=koordinator,
        ),
        "indsats": indsats,
        "tilbud": Tilbud.objects.create(partner=partner, titel="Fodbold", art="fritidsaktivitet"),
        "adult": familie.medlemskaber.filter(rolle="voksen").first().person,
    }
    return cache[target]


def _pk(key: str):
    return lambda w, t: {"pk": _objects(w, t)[key].pk}


def _family(w: World, t: str) -> dict:
    _objects(w, t)
    return family_kwargs(w, t)


def _own_partner(w: World, t: str) -> dict:
    return {"pk": _objects(w, "own")["partner"].pk}


def _sector(target: str, *, ok: int = 200, change: bool = False) -> dict[str, int]:
    """A page about a leisure or activity link: 404 where its sector is hidden; with `change`,
    403 where it is seen but not changeable."""
    expect = {"anonym": 302, **STAFF_PAGE_REFUSED}
    for actor in ACTORS:
        if actor not in expect:
            expect[actor] = ok if actor in SECTOR_SEES[target] else 404
    if change:
        for actor in SECTOR_SEES[target] - SECTOR_CHANGES[target]:
            expect[actor] = 403
    return expect


def _catalogue_page(*, ok: int = 200) -> dict[str, int]:
    """A write to the catalogue of "own"'s municipality: its keepers; other staff 403; the
    foreign project leader does not find the partner (404)."""
    expect = only(*KEEPERS, ok=ok)
    expect["projektleder_fremmed"] = 404
    return expect


def _api_catalogue(*, ok: int = 200, keepers_only: bool = False) -> dict[str, int]:
    allowed = KEEPERS if keepers_only else PROJECT_STAFF
    expect = {actor: (ok if actor in allowed else 403) for actor in ACTORS}
    expect.update({"anonym": 401, "projektleder_fremmed": 404})
    return expect


def _portal(target: str, *, ok: int = 200) -> dict[str, int]:
    return {**only(), "borger": ok if target == "own" else 404}


def _project(w: World) -> int:
    return w.families["own"].projekt_id


ROWS: list[Row] = [
    # --- Partner catalogue ---
    Row("netvaerk:partnere", signed_in(200, **STAFF_PAGE_REFUSED)),
    Row(
        "netvaerk:partner_ny",
        {**only(*KEEPERS), "projektleder_fremmed": 200},
        note="Each project leader keeps their own municipality's catalogue",
    ),
    Row(
        "netvaerk:partner",
        {**signed_in(200, **STAFF_PAGE_REFUSED), "projektleder_fremmed": 404},
        kwargs=_own_partner,
    ),
    *(
        Row(name, _catalogue_page(), kwargs=_own_partner)
        for name in (
            "netvaerk:partner_ret",
            "netvaerk:tilbud_ny",
            "netvaerk:samarbejdsaftale_ny",
            "netvaerk:mentor_ny",
        )
    ),
    Row(
        "netvaerk:tilbud_ret",
        _catalogue_page(),
        kwargs=lambda w, t: {"pk": _objects(w, "own")["tilbud"].pk},
    ),
    Row("netvaerk:statistik", only("projektleder", "projektleder_fremmed")),
    Row("netvaerk:mine_moeder", only(), note="Fagperson only; none in the matrix"),
    # --- A family's network and meetings ---
    *(Row("netvaerk:familie", family_page(t), target=t, kwargs=_family) for t in TARGETS),
    *(Row("netvaerk:moede_ny", change_page(t), target=t, kwargs=_family) for t in TARGETS),
    *(Row("netvaerk:fritid_ny", family_page(t), target=t, kwargs=_family) for t in TARGETS),
    *(Row("netvaerk:mentor_tilknyt", change_page(t), target=t, kwargs=_family) for t in TARGETS),
    *(Row("netvaerk:fritid_afslut", _sector(t), target=t, kwargs=_pk("fritid")) for t in TARGETS),
    *(Row("netvaerk:kontingent", _sector(t), target=t, kwargs=_pk("fritid")) for t in TARGETS),
    *(
        Row("netvaerk:indsats_partner", _sector(t, change=True), target=t, kwargs=_pk("indsats"))
        for t in TARGETS
    ),
    *(Row("netvaerk:moede", family_page(t), target=t, kwargs=_pk("moede")) for t in TARGETS),
    *(
        Row(name, family_page(t), target=t, kwargs=_pk("moede"))
        for name in ("netvaerk:moedetilstand", "netvaerk:moedetilstand_indhold")
        for t in TARGETS
    ),
    *(
        Row(name, change_page(t, ok=ok), target=t, kwargs=_pk("moede"), method="post")
        for name, ok in (
            ("netvaerk:moede_ret", 400),
            ("netvaerk:moede_deltagere", 302),
            ("netvaerk:beslutning_ny", 400),
            ("netvaerk:naeste_moede", 400),
            ("netvaerk:moede_bekraeft", 302),
            ("netvaerk:moedetilstand_aftale", 400),
        )
        for t in TARGETS
    ),
    *(
        Row(
            "netvaerk:moede_pdf",
            family_page(t, ok=302),
            target=t,
            kwargs=_pk("moede"),
            method="post",
        )
        for t in TARGETS
    ),
    # --- The portal's minutes ---
    *(Row("familieplan:portal_moede", _portal(t), target=t, kwargs=_pk("moede")) for t in TARGETS),
    *(
        Row(
            name,
            _portal(t, ok=302),
            target=t,
            kwargs=_pk("moede"),
            method="post",
        )
        for name in ("familieplan:portal_moede_bekraeft", "familieplan:portal_moede_pdf")
        for t in TARGETS
    ),
    # --- API v1 ---
    *(
        Row(
            "api:family-meeting-list",
            api_object(t),
            target=t,
            data=lambda w, t: {"familie": _family(w, t)["pk"]},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:family-meeting-list",
            api_change(t, ok=201),
            target=t,
            method="post",
            data=lambda w, t: {
                "familie": _family(w, t)["pk"],
                "art": "stormoede",
                "tidspunkt": "2026-12-01T10:00:00+01:00",
                "sted": "Rådhuset",
            },
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row("api:family-meeting-detail", api_object(t), target=t, kwargs=_pk("moede"), api=True)
        for t in TARGETS
    ),
    *(
        Row(
            "api:family-meeting-decisions",
            api_change(t, ok=201),
            target=t,
            kwargs=_pk("moede"),
            method="post",
            data=lambda w, t: {
                "tekst": "Mor ringer",
                "aftale": {"hvem": "Mor", "frist": "2026-12-24"},
            },
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:family-meeting-confirm",
            api_change(t),
            target=t,
            kwargs=_pk("moede"),
            method="post",
            data=lambda w, t: {"person": _objects(w, t)["adult"].pk},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:agreement-list",
            api_object(t),
            target=t,
            data=lambda w, t: {"moede": _objects(w, t)["moede"].pk},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:agreement-list",
            api_change(t, ok=201),
            target=t,
            method="post",
            data=lambda w, t: {
                "moede": _objects(w, t)["moede"].pk,
                "hvad": "Ringe",
                "hvem": "Mor",
                "frist": "2026-12-24",
            },
            api=True,
        )
        for t in TARGETS
    ),
    Row(
        "api:partner-list",
        _api_catalogue(),
        data=lambda w, t: {"projekt": _project(w)},
        api=True,
    ),
    Row(
        "api:partner-detail",
        _api_catalogue(),
        kwargs=_own_partner,
        data=lambda w, t: {"projekt": _project(w)},
        api=True,
    ),
    Row(
        "api:partner-list",
        _api_catalogue(ok=201, keepers_only=True),
        method="post",
        data=lambda w, t: {"projekt": _project(w), "navn": "Ny klub", "art": "forening"},
        api=True,
    ),
    Row(
        "api:offer-list",
        _api_catalogue(),
        data=lambda w, t: {"projekt": _project(w)},
        api=True,
    ),
    Row(
        "api:offer-list",
        _api_catalogue(ok=201, keepers_only=True),
        method="post",
        data=lambda w, t: {
            "projekt": _project(w),
            "partner": _objects(w, "own")["partner"].pk,
            "titel": "Svømning",
            "art": "fritidsaktivitet",
        },
        api=True,
    ),
]
