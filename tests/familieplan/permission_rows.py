"""Permission-matrix rows for the familieplan app (run by tests/test_permission_matrix.py).

In the matrix's world no sharing rule is set, so sector data (activities, sector plans,
follow-ups) is seen only by the job centre's case worker (change) and department leader
(view) on the family "own"; family-level parts (versions, goals, stafetlog) follow the family
grant. The citizen reaches only the portal of "own".
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from familieplan import services
from familieplan.models import Aftale, Aktoer, Indsats, Maal, Planversion, Sektorplan
from kerne import adgang
from kerne.models import Sektor
from tests.matrix import (
    ACTORS,
    SEES,
    STAFF_PAGE_REFUSED,
    TARGETS,
    Row,
    World,
    api_change,
    api_object,
    change_page,
    everyone,
    family_kwargs,
    family_page,
    only,
    signed_in,
)

SECTOR_SEES = {"own": {"sagsbehandler", "afdelingsleder"}, "other": set(), "foreign": set()}
SECTOR_CHANGES = {"own": {"sagsbehandler"}, "other": set(), "foreign": set()}


def _plan(world: World, target: str) -> dict:
    """The target family's plan: version 1 agreed (a goal, a job-centre activity and sector plan,
    an actor, an agreement), version 2 a draft copied from it. Made once per world."""
    cache = world.__dict__.setdefault("_familieplan", {})
    if target in cache:
        return cache[target]
    familie = world.families[target]
    koordinator = familie.koordinator
    today = timezone.localdate()
    sagsdel = adgang.ensure_sagsdele(familie)[Sektor.BESKAEFTIGELSE]
    v1 = Planversion.objects.create(familie=familie, nummer=1, oprettet_af=koordinator)
    maal = Maal.objects.create(version=v1, familie=familie, titel="Arbejde", maalopfyldelse="Job")
    indsats = Indsats.objects.create(
        version=v1,
        sagsdel=sagsdel,
        titel="Praktik",
        art="praktik",
        faelles_maal=maal,
        maal="Job",
        maalopfyldelse="Ansat",
        tilbud="Praktik",
        leverandoer="Netto",
        startdato=today - datetime.timedelta(days=30),
        slutdato=today + datetime.timedelta(days=60),
        timer_pr_uge=Decimal(20),
        kadence="maanedlig",
        opfoelgningsform="Samtale",
        konsekvens_ved_udeblivelse="Sanktion",
        ansvarlig="Jonas",
    )
    indsats.personer.set([familie.medlemskaber.first().person])
    Sektorplan.objects.create(
        version=v1, sagsdel=sagsdel, type="jobplan", dato=today, ejer="Jobcenter", reference="JC-1"
    )
    v1.status = Planversion.Status.AFTALT
    v1.aftalt_dato = today
    v1.aftalt_form = "moede"
    v1.aftalt_registreret = timezone.now()
    v1.save()
    v2 = Planversion.objects.create(familie=familie, nummer=2, oprettet_af=koordinator)
    services._copy_contents(v1, v2)
    cache[target] = {
        "agreed": v1,
        "draft": v2,
        "goal": maal,
        "draft_goal": v2.maal.get(),
        "activity": indsats,
        "draft_activity": v2.indsatser.get(),
        "draft_sector_plan": v2.sektorplaner.get(),
        "actor": Aktoer.objects.create(familie=familie, navn="Maja", rolle="Mentor", kontakt="tlf"),
        "agreement": Aftale.objects.create(familie=familie, hvad="Ringe", hvem="Mor", frist=today),
    }
    return cache[target]


def _pk(key: str):
    return lambda w, t: {"pk": _plan(w, t)[key].pk}


def _plan_family(w: World, t: str) -> dict:
    _plan(w, t)
    return family_kwargs(w, t)


def _adds_sector_data(target: str) -> dict[str, int]:
    """Adding an activity or sector plan needs change on some sector of the family."""
    expect = family_page(target)
    for actor in SEES[target]:
        expect[actor] = 200 if actor in SECTOR_CHANGES[target] else 403
    return expect


def _api_sector(target: str, *, ok: int = 200, who: dict | None = None) -> dict[str, int]:
    return api_object(target, ok=ok, who=who or SECTOR_SEES)


ROWS: list[Row] = [
    Row("familieplan:planer", signed_in(200, **STAFF_PAGE_REFUSED)),
    Row("familieplan:opfoelgninger", signed_in(200, **STAFF_PAGE_REFUSED)),
    Row("familieplan:indstillinger", only("projektleder", "projektleder_fremmed")),
    Row("familieplan:mine_stafetlogs", only(), note="Fagperson only; none in the matrix"),
    *(
        Row(
            "familieplan:portal_familie",
            {**only(), "borger": 200 if t == "own" else 404},
            target=t,
            kwargs=_plan_family,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:portal_pdf",
            {**only(), "borger": 302 if t == "own" else 404},
            target=t,
            kwargs=_plan_family,
            method="post",
        )
        for t in TARGETS
    ),
    *(
        Row("familieplan:plan", family_page(t, ok=302), target=t, kwargs=_plan_family)
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:plan_opret",
            change_page(t, ok=302),
            target=t,
            kwargs=_plan_family,
            method="post",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:kladde_opret",
            change_page(t, ok=302),
            target=t,
            kwargs=_plan_family,
            method="post",
        )
        for t in TARGETS
    ),
    *(Row("familieplan:version", family_page(t), target=t, kwargs=_pk("agreed")) for t in TARGETS),
    *(
        Row("familieplan:version_aftal", change_page(t), target=t, kwargs=_pk("draft"))
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:version_forskel",
            family_page(t),
            target=t,
            kwargs=lambda w, t: {"pk": _plan(w, t)["draft"].pk, "andet": _plan(w, t)["agreed"].pk},
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:version_pdf",
            family_page(t, ok=302),
            target=t,
            kwargs=_pk("agreed"),
            method="post",
        )
        for t in TARGETS
    ),
    *(Row("familieplan:maal_ny", change_page(t), target=t, kwargs=_pk("draft")) for t in TARGETS),
    *(
        Row("familieplan:indsats_ny", _adds_sector_data(t), target=t, kwargs=_pk("draft"))
        for t in TARGETS
    ),
    *(
        Row("familieplan:sektorplan_ny", _adds_sector_data(t), target=t, kwargs=_pk("draft"))
        for t in TARGETS
    ),
    *(
        Row("familieplan:kollisioner", family_page(t), target=t, kwargs=_pk("draft"), method="post")
        for t in TARGETS
    ),
    *(
        Row("familieplan:maal_opfoelgning", family_page(t), target=t, kwargs=_pk("goal"))
        for t in TARGETS
    ),
    *(
        Row("familieplan:maal_ret", change_page(t), target=t, kwargs=_pk("draft_goal"))
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:maal_slet",
            change_page(t, ok=302),
            target=t,
            kwargs=_pk("draft_goal"),
            method="post",
            data=lambda w, t: {"revision": "-1"},
            note="A stale revision: refused with a message, nothing deleted",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:indsats", family_page(t, who=SECTOR_SEES), target=t, kwargs=_pk("activity")
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:indsats_ret",
            family_page(t, who=SECTOR_CHANGES),
            target=t,
            kwargs=_pk("draft_activity"),
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:indsats_slet",
            family_page(t, ok=302, who=SECTOR_CHANGES),
            target=t,
            kwargs=_pk("draft_activity"),
            method="post",
            data=lambda w, t: {"revision": "-1"},
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:indsats_opfoelgning",
            family_page(t, ok=400, who=SECTOR_CHANGES),
            target=t,
            kwargs=_pk("activity"),
            method="post",
            data=lambda w, t: {},
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:sektorplan_ret",
            family_page(t, who=SECTOR_CHANGES),
            target=t,
            kwargs=_pk("draft_sector_plan"),
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:sektorplan_slet",
            family_page(t, ok=302, who=SECTOR_CHANGES),
            target=t,
            kwargs=_pk("draft_sector_plan"),
            method="post",
            data=lambda w, t: {"revision": "-1"},
        )
        for t in TARGETS
    ),
    *(Row("familieplan:stafetlog", family_page(t), target=t, kwargs=_plan_family) for t in TARGETS),
    *(Row("familieplan:aktoer_ny", change_page(t), target=t, kwargs=_plan_family) for t in TARGETS),
    *(Row("familieplan:moede_ny", change_page(t), target=t, kwargs=_plan_family) for t in TARGETS),
    *(Row("familieplan:aftale_ny", change_page(t), target=t, kwargs=_plan_family) for t in TARGETS),
    *(
        Row("familieplan:aktoer_ret", change_page(t), target=t, kwargs=_pk("actor"))
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:aktoer_ophoer",
            change_page(t, ok=302),
            target=t,
            kwargs=_pk("actor"),
            method="post",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "familieplan:aftale_status",
            change_page(t, ok=302),
            target=t,
            kwargs=_pk("agreement"),
            method="post",
            data=lambda w, t: {"status": "i_gang"},
        )
        for t in TARGETS
    ),
    # --- API v1 ---
    Row("api:plan-list", everyone(200, anonym=401), api=True),
    *(
        Row("api:plan-detail", api_object(t), target=t, kwargs=_plan_family, api=True)
        for t in TARGETS
    ),
    *(
        Row(
            "api:plan-version-list",
            api_object(t),
            target=t,
            data=lambda w, t: {"familie": _plan_family(w, t)["pk"]},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row("api:plan-version-detail", api_object(t), target=t, kwargs=_pk("agreed"), api=True)
        for t in TARGETS
    ),
    *(
        Row(
            "api:plan-version-agree",
            api_change(t, ok=400),
            target=t,
            kwargs=_pk("draft"),
            method="post",
            data=lambda w, t: {},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:activity-list",
            api_object(t),
            target=t,
            data=lambda w, t: {"version": _plan(w, t)["agreed"].pk},
            api=True,
        )
        for t in TARGETS
    ),
    Row(
        "api:activity-list",
        everyone(400, anonym=401),
        method="post",
        data=lambda w, t: {},
        api=True,
    ),
    *(
        Row("api:activity-detail", _api_sector(t), target=t, kwargs=_pk("activity"), api=True)
        for t in TARGETS
    ),
    *(
        Row(
            "api:activity-detail",
            _api_sector(t, ok=400, who=SECTOR_CHANGES),
            target=t,
            kwargs=_pk("draft_activity"),
            method="put",
            data=lambda w, t: {},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:activity-detail",
            _api_sector(t, ok=400, who=SECTOR_CHANGES),
            target=t,
            kwargs=_pk("draft_activity"),
            method="delete",
            api=True,
            note="Without ?revision= the delete is refused with 400",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:followup-list",
            _api_sector(t),
            target=t,
            data=lambda w, t: {"indsats": _plan(w, t)["activity"].pk},
            api=True,
        )
        for t in TARGETS
    ),
    Row(
        "api:followup-list",
        everyone(400, anonym=401),
        method="post",
        data=lambda w, t: {},
        api=True,
    ),
    *(
        Row("api:stafetlog-detail", api_object(t), target=t, kwargs=_plan_family, api=True)
        for t in TARGETS
    ),
]

assert all(set(row.expect) == set(ACTORS) for row in ROWS)
