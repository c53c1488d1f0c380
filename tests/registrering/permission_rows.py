"""Permission-matrix rows for the registrering app (run by tests/test_permission_matrix.py).

The matrix world has no sharing policy, so the case manager holds the family level but no
sector; the job centre's case worker holds the employment sector of family "own". A value,
questionnaire or registration write therefore reaches only those who hold its sector.
"""

import datetime

from kerne.models import Sektor
from tests.matrix import (
    ACTORS,
    SEES,
    TARGETS,
    Row,
    everyone,
    family_kwargs,
    family_page,
    only,
)
from tests.registrering.factories import (
    THIS_MONTH,
    TODAY,
    adult,
    an_import,
    milestone,
    months_ago,
    questionnaire,
    registration,
    risk,
)

REGISTRATION_ROLES = (
    "koordinator",
    "koordinator_anden",
    "sagsbehandler",
    "afdelingsleder",
    "projektleder",
    "projektleder_fremmed",
)
IMPORT_ROLES = (
    "koordinator",
    "koordinator_anden",
    "sagsbehandler",
    "projektleder",
    "projektleder_fremmed",
)
LEADERS = ("projektleder", "projektleder_fremmed")
# Who holds the employment sector of each family (view, and change).
SECTOR_VIEW = {"own": {"sagsbehandler", "afdelingsleder"}, "other": set(), "foreign": set()}
SECTOR_CHANGE = {"own": {"sagsbehandler"}, "other": set(), "foreign": set()}


def staff_family_page(target: str, **overrides: int) -> dict[str, int]:
    """A registration page about a family: role first (403), then the family (404)."""
    return {**family_page(target), "databeskyttelse": 403, **overrides}


def month_kwargs(maaned):
    return lambda w, t: {**family_kwargs(w, t), "aar": maaned.year, "md": maaned.month}


def seen_then(target: str, ok: dict[str, int], otherwise: int) -> dict[str, int]:
    """For actors who see the family: their status from `ok`, else `otherwise`."""
    return staff_family_page(target, **{actor: ok.get(actor, otherwise) for actor in SEES[target]})


def employment_questionnaire(w, t):
    # Stored in the employment sector on purpose: the row then proves the sector partition.
    familie = w.families[t]
    skema = questionnaire(
        familie, adult(familie), familie.koordinator, sektor=Sektor.BESKAEFTIGELSE
    )
    return {"pk": skema.pk}


def a_registration(w, t):
    familie = w.families[t]
    return {"pk": registration(familie, adult(familie), THIS_MONTH, familie.koordinator).pk}


def own_project_risk(w, t):
    return {"pk": risk(w.families["own"].projekt).pk}


def own_project_milestone(w, t):
    return {"pk": milestone(w.families["own"].projekt).pk}


def koordinator_import(w, t):
    return {"pk": an_import(w.families["own"].projekt, w.users["koordinator"]).pk}


def leader_only_in_own_project(ok: int = 200) -> dict[str, int]:
    return {**only("projektleder", ok=ok), "projektleder_fremmed": 404}


def api_sector(target: str, ok: int = 200) -> dict[str, int]:
    return {
        actor: 401 if actor == "anonym" else ok if actor in SECTOR_VIEW[target] else 404
        for actor in ACTORS
    }


def api_registration_write(target: str) -> dict[str, int]:
    expect = {}
    for actor in ACTORS:
        if actor == "anonym":
            expect[actor] = 401
        elif actor in SECTOR_CHANGE[target]:
            expect[actor] = 201
        elif actor in SEES[target]:
            expect[actor] = 403
        else:
            expect[actor] = 404
    return expect


def registration_body(w, t):
    familie = w.families[t]
    return {
        "familie": familie.pk,
        "person": adult(familie).pk,
        "maaned": f"{THIS_MONTH:%Y-%m}",
        "vaerdier": {"forsoergelse": "kontanthjaelp"},
    }


def questionnaire_body(w, t):
    familie = w.families[t]
    return {
        "familie": familie.pk,
        "person": adult(familie).pk,
        "type": "who5",
        "maalepunkt": "start",
        "dato": str(THIS_MONTH),
        "svar": {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3},
    }


def risk_body(w, t):
    return {"beskrivelse": "Frafald", "sandsynlighed": 2, "konsekvens": 3, "ejer": "Pia"}


def milestone_body(w, t):
    return {"titel": "Slutevaluering", "frist": str(THIS_MONTH)}


LOCKED_MONTH = months_ago(3)
REOPEN_UNTIL = TODAY + datetime.timedelta(days=7)

ROWS: list[Row] = [
    Row("registrering:oversigt", only(*REGISTRATION_ROLES)),
    Row("registrering:opgaver", only("koordinator", "koordinator_anden")),
    Row("registrering:min_udvikling", only("borger")),
    Row("registrering:risici_milepaele", only(*LEADERS)),
    Row("registrering:risiko_ny", only(*LEADERS)),
    Row("registrering:milepael_ny", only(*LEADERS)),
    Row("registrering:indlaesning_ny", only(*IMPORT_ROLES)),
    Row("registrering:risiko_rediger", leader_only_in_own_project(), kwargs=own_project_risk),
    Row(
        "registrering:milepael_rediger",
        leader_only_in_own_project(),
        kwargs=own_project_milestone,
    ),
    Row(
        "registrering:indlaesning_vis",
        {
            **only(*IMPORT_ROLES, ok=404),
            "koordinator": 200,
        },
        kwargs=koordinator_import,
        note="only the one who uploaded an import sees its checked rows",
    ),
    *(
        Row("registrering:familie", staff_family_page(t), target=t, kwargs=family_kwargs)
        for t in TARGETS
    ),
    *(
        Row(
            "registrering:familie_maaned",
            staff_family_page(t),
            target=t,
            kwargs=month_kwargs(THIS_MONTH),
        )
        for t in TARGETS
    ),
    *(
        Row(
            "registrering:familie_maaned",
            seen_then(t, dict.fromkeys(SECTOR_CHANGE[t], 302), 403),
            target=t,
            kwargs=month_kwargs(THIS_MONTH),
            method="post",
            data=lambda w, t: {},
            note="saving needs change on a sector: only the job centre's case worker has one",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "registrering:felt",
            seen_then(t, dict.fromkeys(SECTOR_VIEW[t], 200), 400),
            target=t,
            kwargs=month_kwargs(THIS_MONTH),
            method="post",
            data=lambda w, t: {f"p{adult(w.families[t]).pk}-forsoergelse": "andet"},
            note="a field of a sector the user cannot see is unknown to them (400)",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "registrering:genaabn",
            {
                **only(*LEADERS, ok=404),
                **{a: 200 for a in LEADERS if a in SEES[t]},
            },
            target=t,
            kwargs=month_kwargs(LOCKED_MONTH),
        )
        for t in TARGETS
    ),
    *(
        Row(
            "registrering:genaabn",
            {
                **only(*LEADERS, ok=404),
                **{a: 302 for a in LEADERS if a in SEES[t]},
            },
            target=t,
            kwargs=month_kwargs(LOCKED_MONTH),
            method="post",
            data=lambda w, t: {"begrundelse": "Rettelse", "aaben_til": str(REOPEN_UNTIL)},
        )
        for t in TARGETS
    ),
    *(
        Row(
            "registrering:spoergeskema_ny",
            seen_then(t, {}, 403),
            target=t,
            kwargs=lambda w, t: {**family_kwargs(w, t), "skematype": "sdq"},
            note="registering an SDQ needs change on the child-and-family sector",
        )
        for t in TARGETS
    ),
    *(
        Row(
            "registrering:spoergeskema",
            seen_then(t, dict.fromkeys(SECTOR_VIEW[t], 200), 404),
            target=t,
            kwargs=employment_questionnaire,
        )
        for t in TARGETS
    ),
    # --- API v1 ---
    Row("api:indicator-list", everyone(200, anonym=401), api=True),
    Row("api:registration-list", everyone(200, anonym=401), api=True),
    Row("api:questionnaire-list", everyone(200, anonym=401), api=True),
    Row("api:risk-list", everyone(200, anonym=401), api=True),
    Row("api:milestone-list", everyone(200, anonym=401), api=True),
    *(
        Row(
            "api:registration-detail",
            {a: 401 if a == "anonym" else 200 if a in SEES[t] else 404 for a in ACTORS},
            target=t,
            kwargs=a_registration,
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:registration-list",
            api_registration_write(t),
            target=t,
            method="post",
            data=registration_body,
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:questionnaire-detail",
            api_sector(t),
            target=t,
            kwargs=employment_questionnaire,
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:questionnaire-list",
            {a: 401 if a == "anonym" else 403 if a in SEES[t] else 404 for a in ACTORS},
            target=t,
            method="post",
            data=questionnaire_body,
            api=True,
            note="WHO-5 is health-sector data: nobody in the world holds that sector",
        )
        for t in TARGETS
    ),
    Row(
        "api:risk-detail",
        {a: 401 if a == "anonym" else 200 if a == "projektleder" else 404 for a in ACTORS},
        kwargs=own_project_risk,
        api=True,
    ),
    Row(
        "api:milestone-detail",
        {a: 401 if a == "anonym" else 200 if a == "projektleder" else 404 for a in ACTORS},
        kwargs=own_project_milestone,
        api=True,
    ),
    Row(
        "api:risk-list",
        {a: 401 if a == "anonym" else 201 if a in LEADERS else 403 for a in ACTORS},
        method="post",
        data=risk_body,
        api=True,
    ),
    Row(
        "api:milestone-list",
        {a: 401 if a == "anonym" else 201 if a in LEADERS else 403 for a in ACTORS},
        method="post",
        data=milestone_body,
        api=True,
    ),
    Row(
        "api:risk-detail",
        {a: 401 if a == "anonym" else 200 if a == "projektleder" else 404 for a in ACTORS},
        kwargs=own_project_risk,
        method="patch",
        data=lambda w, t: {"status": "lukket"},
        api=True,
    ),
    Row(
        "api:milestone-detail",
        {a: 401 if a == "anonym" else 200 if a == "projektleder" else 404 for a in ACTORS},
        kwargs=own_project_milestone,
        method="patch",
        data=lambda w, t: {"status": "naaet"},
        api=True,
    ),
]
