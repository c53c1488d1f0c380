"""Permission-matrix rows for the visitation app (run by tests/test_permission_matrix.py).

The world has no visitation data; the kwargs and data functions below add what a row needs
(a referral, a meeting, an agenda item) to the world of that one test, through the ORM.
"""

from __future__ import annotations

from django.utils import timezone

from kerne.models import Familie
from tests.matrix import (
    ACTORS,
    TARGETS,
    Row,
    World,
    api_object,
    everyone,
    family_kwargs,
    family_page,
    only,
)
from visitation.models import Dagsordenspunkt, Indstilling, Visitationsmoede

LEADERS = ("projektleder", "projektleder_fremmed")
AUTHOR = {"own": "sagsbehandler", "other": "projektleder", "foreign": "projektleder_fremmed"}
LEADER_OF = {"own": "projektleder", "other": "projektleder", "foreign": "projektleder_fremmed"}


def _referral(world: World, target: str) -> Indstilling:
    """A submitted, decided referral of the target family (it is active now)."""
    existing = Indstilling.objects.filter(familie=world.families[target]).first()
    if existing is not None:
        return existing
    now = timezone.now()
    return Indstilling.objects.create(
        familie=world.families[target],
        oprettet_af=world.users[AUTHOR[target]],
        begrundelse="Matrix",
        indsendt=now,
        lukket=now,
    )


def referral_kwargs(world: World, target: str) -> dict:
    return {"pk": _referral(world, target).pk}


def draft_referral_kwargs(world: World, target: str) -> dict:
    """An open, unsubmitted referral of the target family: its edit page shows the form."""
    draft = Indstilling.objects.create(
        familie=world.families[target],
        oprettet_af=world.users[AUTHOR[target]],
        begrundelse="Matrix",
    )
    return {"pk": draft.pk}


def _meeting(world: World, target: str) -> Visitationsmoede:
    familie = world.families[target]
    existing = Visitationsmoede.objects.filter(projekt=familie.projekt).first()
    if existing is not None:
        return existing
    moede = Visitationsmoede.objects.create(
        projekt=familie.projekt,
        dato=timezone.localdate(),
        sted="Rådhuset",
        oprettet_af=world.users[LEADER_OF[target]],
    )
    members = [world.users[LEADER_OF[target]]]
    if target != "foreign":
        members.append(world.users["afdelingsleder"])
    moede.medlemmer.set(members)
    return moede


def meeting_kwargs(world: World, target: str) -> dict:
    return {"pk": _meeting(world, target).pk}


def _item(world: World, target: str) -> Dagsordenspunkt:
    """An undecided item: the target family's open referral on its project's meeting."""
    familie = world.families[target]
    existing = Dagsordenspunkt.objects.filter(familie=familie).first()
    if existing is not None:
        return existing
    # Test set-up: the family is on the agenda (the app moves status only through its service).
    Familie.objects.filter(pk=familie.pk).update(status=Familie.Status.PAA_DAGSORDEN)
    indstilling = Indstilling.objects.create(
        familie=familie,
        oprettet_af=world.users[AUTHOR[target]],
        begrundelse="Matrix",
        indsendt=timezone.now(),
    )
    return Dagsordenspunkt.objects.create(
        moede=_meeting(world, target),
        indstilling=indstilling,
        familie=familie,
        raekkefoelge=1,
        forrige_status=Familie.Status.INDSTILLET,
    )


def item_kwargs(world: World, target: str) -> dict:
    return {"pk": _item(world, target).pk}


def leader_of_target(target: str, *, ok: int, fallback: int = 403, hidden: int = 404) -> dict:
    """Project-leader-only pages about one object: the other project's leader gets 404."""
    expect = only(denied=fallback)
    expect["projektleder"] = ok if target != "foreign" else hidden
    expect["projektleder_fremmed"] = ok if target == "foreign" else hidden
    return expect


def board_of_own(*, ok: int) -> dict:
    """A page of the own project's meeting: its leader and member; the other leader: 404."""
    expect = only("projektleder", "afdelingsleder", ok=ok)
    expect["projektleder_fremmed"] = 404
    return expect


def api_status(default: int, **overrides: int) -> dict:
    return {actor: 401 if actor == "anonym" else overrides.get(actor, default) for actor in ACTORS}


def _referral_edit(target: str, *, ok: int = 302) -> dict:
    """Editing a referral: referrers only; hidden is 404; a submitted one redirects (302),
    a draft shows its form (200)."""
    expect = only("projektleder", "projektleder_fremmed", "sagsbehandler", ok=ok)
    sees = {"own": {"sagsbehandler", "projektleder"}, "other": {"projektleder"}}
    sees["foreign"] = {"projektleder_fremmed"}
    for actor in ("projektleder", "projektleder_fremmed", "sagsbehandler"):
        if actor not in sees[target]:
            expect[actor] = 404
    return expect


def _udredning(target: str) -> dict:
    expect = only("projektleder", "projektleder_fremmed", "koordinator", "koordinator_anden")
    manager = {"own": "koordinator", "other": "koordinator_anden", "foreign": None}[target]
    for actor in ("projektleder", "projektleder_fremmed", "koordinator", "koordinator_anden"):
        leads = (actor == "projektleder" and target != "foreign") or (
            actor == "projektleder_fremmed" and target == "foreign"
        )
        expect[actor] = 302 if leads or actor == manager else 404
    return expect


def _discharge_page(target: str) -> dict:
    expect = _udredning(target)
    return {
        actor: 200 if status == 302 and actor != "anonym" else status
        for actor, status in expect.items()
    }


def _api_submit(target: str) -> dict:
    sees = {
        "own": {"koordinator", "sagsbehandler", "afdelingsleder", "projektleder"},
        "other": {"koordinator_anden", "projektleder"},
        "foreign": {"projektleder_fremmed"},
    }[target]
    allowed = {AUTHOR[target], LEADER_OF[target]}
    return api_status(404, **{actor: (400 if actor in allowed else 403) for actor in sees})


def _new_family_body(world: World, target: str) -> dict:
    return {
        "betegnelse": "Familien Matrix",
        "personer": [
            {
                "cpr": "",
                "fornavn": "Mia",
                "efternavn": "Matrix",
                "rolle": "voksen",
                "relation": "mor",
            }
        ],
        "begrundelse": "Matrix",
    }


ROWS: list[Row] = [
    Row("visitation:oversigt", only("projektleder", "projektleder_fremmed", "afdelingsleder")),
    Row(
        "visitation:indstilling_liste",
        only("projektleder", "projektleder_fremmed", "sagsbehandler", "afdelingsleder"),
    ),
    Row(
        "visitation:indstilling_ny",
        only("projektleder", "projektleder_fremmed", "sagsbehandler"),
    ),
    *(
        Row(
            "visitation:indstilling_detalje",
            family_page(t),
            target=t,
            kwargs=referral_kwargs,
        )
        for t in TARGETS
    ),
    # The draft comes first: the URLconf walks (tests/security) take the first row of a name,
    # and the form IDOR walk needs the page that shows the form.
    *(
        Row(
            "visitation:indstilling_rediger",
            _referral_edit(t, ok=200),
            target=t,
            kwargs=draft_referral_kwargs,
            note="a draft: the consent-giver choice lists the family's adults",
        )
        for t in TARGETS
    ),
    *(
        Row("visitation:indstilling_rediger", _referral_edit(t), target=t, kwargs=referral_kwargs)
        for t in TARGETS
    ),
    Row("visitation:moede_liste", only("projektleder", "projektleder_fremmed", "afdelingsleder")),
    Row("visitation:moede_ny", only(*LEADERS)),
    Row("visitation:moede_detalje", board_of_own(ok=200), target="own", kwargs=meeting_kwargs),
    Row(
        "visitation:moede_detalje",
        {**only("projektleder_fremmed"), "projektleder": 404, "afdelingsleder": 404},
        target="foreign",
        kwargs=meeting_kwargs,
    ),
    Row("visitation:referat", board_of_own(ok=200), target="own", kwargs=meeting_kwargs),
    Row(
        "visitation:moede_tilfoej",
        leader_of_target("own", ok=302),
        target="own",
        kwargs=meeting_kwargs,
        method="post",
        data=lambda w, t: {"indstilling": "0"},
    ),
    Row(
        "visitation:moede_afslut",
        leader_of_target("own", ok=302),
        target="own",
        kwargs=meeting_kwargs,
        method="post",
        data=lambda w, t: {"referat": "Matrix"},
    ),
    Row(
        "visitation:referat_pdf",
        leader_of_target("own", ok=302),
        target="own",
        kwargs=meeting_kwargs,
        method="post",
        note="302 with the kernel's PDF pipeline; see test_pdf for the document",
    ),
    *(
        Row(
            name,
            leader_of_target(t, ok=302),
            target=t,
            kwargs=item_kwargs,
            method="post",
            data=lambda w, t: {"retning": "ned"},
        )
        for name in ("visitation:punkt_flyt", "visitation:punkt_fjern")
        for t in ("own", "foreign")
    ),
    Row(
        "visitation:punkt_beslut",
        board_of_own(ok=302),
        target="own",
        kwargs=item_kwargs,
        method="post",
        data=lambda w, t: {f"punkt{_item(w, t).pk}-beslutning": "venteliste"},
    ),
    Row("visitation:kapacitet", only(*LEADERS)),
    Row(
        "visitation:frister",
        only("projektleder", "projektleder_fremmed", "koordinator", "koordinator_anden"),
    ),
    *(Row("visitation:forloeb", family_page(t), target=t, kwargs=family_kwargs) for t in TARGETS),
    *(
        Row("visitation:tildel", leader_of_target(t, ok=200), target=t, kwargs=family_kwargs)
        for t in TARGETS
    ),
    *(
        Row(
            "visitation:venteliste_optag",
            leader_of_target(t, ok=302),
            target=t,
            kwargs=family_kwargs,
            method="post",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "visitation:udredning",
            _udredning(t),
            target=t,
            kwargs=family_kwargs,
            method="post",
            data=lambda w, t: {"dato": timezone.localdate().isoformat()},
        )
        for t in TARGETS
    ),
    *(
        Row("visitation:udslus", _discharge_page(t), target=t, kwargs=family_kwargs)
        for t in TARGETS
    ),
    # --- API v1 ---
    Row("api:referral-list", everyone(200, anonym=401), api=True),
    Row(
        "api:referral-list",
        api_status(403, sagsbehandler=201, projektleder=201, projektleder_fremmed=201),
        method="post",
        data=_new_family_body,
        api=True,
    ),
    *(
        Row("api:referral-detail", api_object(t), target=t, kwargs=referral_kwargs, api=True)
        for t in TARGETS
    ),
    *(
        Row(
            "api:referral-submit",
            _api_submit(t),
            target=t,
            kwargs=referral_kwargs,
            method="post",
            data=lambda w, t: {},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:referral-detail",
            _api_submit(t),
            target=t,
            kwargs=referral_kwargs,
            method="patch",
            data=lambda w, t: {"begrundelse": "Ny"},
            api=True,
            note="a submitted referral cannot change: 400 for its author and the leader",
        )
        for t in TARGETS
    ),
    Row("api:meeting-list", everyone(200, anonym=401), api=True),
    Row(
        "api:meeting-list",
        api_status(403, projektleder=201, projektleder_fremmed=400),
        method="post",
        data=lambda w, t: {
            "dato": timezone.localdate().isoformat(),
            "sted": "Rådhuset",
            "medlemmer": [w.users["projektleder"].pk, w.users["afdelingsleder"].pk],
        },
        api=True,
        note="the other project's leader names members of another project: 400",
    ),
    Row(
        "api:meeting-detail",
        api_status(404, projektleder=200, afdelingsleder=200),
        target="own",
        kwargs=meeting_kwargs,
        api=True,
    ),
    Row("api:decision-list", everyone(200, anonym=401), api=True),
    Row(
        "api:decision-list",
        api_status(404, projektleder=201, afdelingsleder=201),
        target="own",
        method="post",
        data=lambda w, t: {"punkt": _item(w, t).pk, "beslutning": "venteliste"},
        api=True,
    ),
    Row("api:assignment-list", everyone(200, anonym=401), api=True),
    Row(
        "api:assignment-list",
        api_status(404, projektleder=201, koordinator=403, sagsbehandler=403, afdelingsleder=403),
        target="own",
        method="post",
        data=lambda w, t: {
            "familie": w.families[t].pk,
            "koordinator": w.users["koordinator_anden"].pk,
        },
        api=True,
    ),
    Row("api:discharge-list", everyone(200, anonym=401), api=True),
    Row(
        "api:discharge-list",
        api_status(404, projektleder=201, koordinator=201, sagsbehandler=403, afdelingsleder=403),
        target="own",
        method="post",
        data=lambda w, t: {
            "familie": w.families[t].pk,
            "aarsag": "maal_naaet",
            "dato": timezone.localdate().isoformat(),
            "overdragelsesnote": "Matrix",
        },
        api=True,
    ),
]
