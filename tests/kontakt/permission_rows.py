"""Permission-matrix rows for the kontakt app (run by tests/test_permission_matrix.py).

In the matrix's world no sharing rule is set, so a family's thread is read by its case manager
(who also answers) and the project's leader (who only reads); the job centre's case worker
does not see the sector "børn og familie" and gets 404. The citizen reaches only "own".
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from kerne.models import Fravaer
from kontakt.models import Besked, Traad, Vedhaeftning
from tests.matrix import (
    ACTORS,
    STAFF_PAGE_REFUSED,
    TARGETS,
    Row,
    World,
    everyone,
    family_kwargs,
    family_page,
    only,
    signed_in,
)

READS = {
    "own": {"koordinator", "projektleder"},
    "other": {"koordinator_anden", "projektleder"},
    "foreign": {"projektleder_fremmed"},
}
ANSWERS = {"own": {"koordinator"}, "other": {"koordinator_anden"}, "foreign": set()}
FAMILY_READS = {t: READS[t] | ({"borger"} if t == "own" else set()) for t in TARGETS}
STAFF_WITH_PROFILE = (
    "koordinator",
    "koordinator_anden",
    "sagsbehandler",
    "afdelingsleder",
    "projektleder",
    "projektleder_fremmed",
    "databeskyttelse",
)


def _thread(world: World, target: str) -> dict:
    """A thread per target family with one message and a PDF attachment; made once a world."""
    cache = world.__dict__.setdefault("_kontakt", {})
    if target in cache:
        return cache[target]
    familie = world.families[target]
    traad = Traad.objects.create(familie=familie)
    besked = Besked.objects.create(
        traad=traad,
        familie=familie,
        afsender=familie.koordinator,
        fra_familien=True,
        modtager=familie.koordinator,
        tekst="Matrix",
    )
    vedhaeftning = Vedhaeftning(
        besked=besked, familie=familie, filnavn="m.pdf", mimetype="application/pdf", stoerrelse=9
    )
    vedhaeftning.fil.save("matrix.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    vedhaeftning.save()
    cache[target] = {"traad": traad, "besked": besked, "vedhaeftning": vedhaeftning}
    return cache[target]


def _pk(key: str):
    return lambda w, t: {"pk": _thread(w, t)[key].pk}


def _absence(world: World, target: str) -> dict:
    today = timezone.localdate()
    fravaer = Fravaer.objects.create(
        projekt=world.families["own"].projekt,
        bruger=world.users["koordinator"],
        stedfortraeder=world.users["koordinator_anden"],
        fra=today + datetime.timedelta(days=10),
        til=today + datetime.timedelta(days=20),
        registreret_af=world.users["projektleder"],
    )
    return {"pk": fravaer.pk}


def _answer_page(target: str, *, ok: int = 200) -> dict[str, int]:
    """A write on the thread: 404 where hidden, 403 where only readable."""
    expect = family_page(target, ok=ok, who=READS)
    for actor in READS[target] - ANSWERS[target]:
        expect[actor] = 403
    return expect


def _api(target: str, who: dict, *, ok: int = 200, readonly: set | None = None) -> dict:
    expect = {
        actor: 401 if actor == "anonym" else (ok if actor in who[target] else 404)
        for actor in ACTORS
    }
    for actor in readonly or set():
        expect[actor] = 403
    return expect


ROWS: list[Row] = [
    Row("kontakt:portal", only("borger", ok=302)),
    Row(
        "kontakt:indbakke",
        only("koordinator", "koordinator_anden", "projektleder", "projektleder_fremmed"),
    ),
    Row("kontakt:fravaer", only("projektleder", "projektleder_fremmed")),
    Row(
        "kontakt:fravaer_afslut",
        {**only("projektleder"), "projektleder_fremmed": 404},
        target="own",
        kwargs=_absence,
    ),
    Row("kontakt:notifikationer", signed_in(200)),
    Row("kontakt:kontaktinfo", only(*STAFF_WITH_PROFILE)),
    *(
        Row(
            "kontakt:portal_traad",
            {**only(), "borger": 200 if t == "own" else 404},
            target=t,
            kwargs=family_kwargs,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "kontakt:portal_traad",
            {**only(), "borger": 302 if t == "own" else 404},
            target=t,
            kwargs=family_kwargs,
            method="post",
            data=lambda w, t: {"tekst": "Hej"},
        )
        for t in TARGETS
    ),
    *(
        Row("kontakt:traad", family_page(t, who=READS), target=t, kwargs=family_kwargs)
        for t in TARGETS
    ),
    *(
        Row(
            "kontakt:traad",
            _answer_page(t, ok=302),
            target=t,
            kwargs=family_kwargs,
            method="post",
            data=lambda w, t: {"tekst": "Svar"},
        )
        for t in TARGETS
    ),
    *(
        Row("kontakt:besked_opfoelgning", _answer_page(t), target=t, kwargs=_pk("besked"))
        for t in TARGETS
    ),
    *(
        Row("kontakt:besked_aftale", _answer_page(t), target=t, kwargs=_pk("besked"))
        for t in TARGETS
    ),
    *(
        Row(
            "kontakt:vedhaeftning",
            {
                **everyone(404, anonym=302),
                **dict.fromkeys(FAMILY_READS[t], 200),
            },
            target=t,
            kwargs=_pk("vedhaeftning"),
        )
        for t in TARGETS
    ),
    # --- API v1 ---
    Row("api:thread-list", everyone(200, anonym=401), api=True),
    *(
        Row(
            "api:thread-detail",
            _api(t, FAMILY_READS),
            target=t,
            kwargs=_pk("traad"),
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:message-list",
            _api(t, FAMILY_READS),
            target=t,
            data=lambda w, t: {"familie": w.families[t].pk},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:message-list",
            _api(t, FAMILY_READS, ok=201, readonly=READS[t] - ANSWERS[t]),
            target=t,
            method="post",
            data=lambda w, t: {"familie": w.families[t].pk, "tekst": "Hej"},
            api=True,
        )
        for t in TARGETS
    ),
]

assert STAFF_PAGE_REFUSED  # the staff pages above refuse the citizen and the evaluator (403)
