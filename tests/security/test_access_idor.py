"""ASVS V4.2.1: no insecure direct object references, in URLs or in request bodies.

Ids in URLs: the permission matrix requests every URL with an id for the actor's own family,
another family of the same project and a family of another municipality, and expects 404
where the object is not visible (tests/test_permission_matrix.py). What it does not prove is
that a refused write writes nothing, and that ids inside a body are checked. This module:

* Forms: every ModelChoiceField of every form is introspected. A form field validates a
  submitted id against its queryset, so the queryset the view gives it is the protection.
  Walking the whole URLconf as a user who may use each page, every such queryset is recorded
  and every choice in it must be in the user's reach: personal data visible to the user and of
  the page's family, staff and departments of the user's own projects and municipality. A form
  field no page showed fails the test, so a new field is covered or noticed.
* API bodies: every id field of every input serializer is introspected. Every API write of the
  matrix is replayed with each id in its body swapped for the id of the same kind of object
  in the other municipality's project: it must be refused (400/403/404) with nothing written.
  The matrix carries few valid API bodies, so WRITES below adds one valid write per input
  serializer: it must succeed, and each of its ids swapped for another family's or another
  municipality's object must be refused with nothing written. An id field that neither
  reaches fails the test.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework import relations, serializers
from rest_framework.test import APIClient

from familieplan.models import Stafetmoede
from kerne import adgang
from kerne import services as kerne_services
from kerne.api import MAX_ID
from kerne.models import (
    Delingsregel,
    EksplicitAdgang,
    Familie,
    Forvaltning,
    Medarbejder,
    Person,
    Projekt,
    Rolle,
    Sektor,
)
from tests.familieplan import permission_rows as familieplan_rows
from tests.investering import permission_rows as investering_rows
from tests.matrix import ACTORS, World
from tests.netvaerk import permission_rows as netvaerk_rows
from tests.registrering import permission_rows as registrering_rows
from tests.security.urlconf import each_url
from tests.test_permission_matrix import MATRIX
from tests.visitation import permission_rows as visitation_rows

APPS = ("kerne", "visitation", "familieplan", "registrering", "investering", "netvaerk", "kontakt")
REACHES = {200, 201, 204, 302, 400, 409}


# --- Introspection -----------------------------------------------------------------------------


def form_fk_fields() -> set[tuple[str, str]]:
    """(form class, field) for every choice-of-objects field of every form of the project."""
    found = set()
    for app in (*APPS, "rapporter"):
        module = importlib.import_module(f"{app}.forms")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                for name, field in cls.base_fields.items():
                    if isinstance(field, forms.ModelChoiceField):
                        found.add((cls.__qualname__, name))
    return found


def _is_id(field) -> bool:
    if isinstance(field, relations.RelatedField | relations.ManyRelatedField):
        return True
    if isinstance(field, serializers.ListField):
        return _is_id(field.child)
    return isinstance(field, serializers.IntegerField) and field.max_value == MAX_ID


def api_id_fields() -> set[tuple[str, str]]:
    """(input serializer, field) for every writable id of every API input serializer."""
    found = set()
    for app in APPS:
        module = importlib.import_module(f"{app}.api")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, serializers.Serializer):
                continue
            if not cls.__name__.endswith(("InSerializer", "AgreeSerializer")):
                continue  # output and query-filter serializers write nothing
            for name, field in cls().fields.items():
                if not field.read_only and _is_id(field):
                    found.add((cls.__name__, name))
    return found


# --- What a user may reach ----------------------------------------------------------------------


def _familie_id(obj) -> int | None:
    if isinstance(obj, Familie):
        return obj.pk
    for path in (
        "familie_id",
        "sagsdel.familie_id",
        "version.familie_id",
        "indstilling.familie_id",
    ):
        target = obj
        for part in path.split("."):
            target = getattr(target, part, None)
        if target is not None:
            return target
    return None


def _kommune_id(obj) -> int | None:
    for path in ("kommune_id", "projekt.kommune_id", "partner.kommune_id"):
        target = obj
        for part in path.split("."):
            target = getattr(target, part, None)
        if target is not None:
            return target
    return None


def out_of_reach(user, obj, familie: Familie | None) -> str | None:
    """Why offering this object to the user on a page about `familie` is wrong (None: fine)."""
    projekter = adgang.projects_for(user)
    kommuner = {p.kommune_id for p in projekter}
    if isinstance(obj, Person):
        if not adgang.can(user, adgang.VIEW, obj):
            return "a person the user may not see"
        if familie is not None and not familie.medlemskaber.filter(person=obj).exists():
            return "a person of another family"
        return None
    if isinstance(obj, get_user_model()):
        if not obj.projektroller.filter(projekt__in=projekter).exists():
            return "a user of another project"
        return None
    if isinstance(obj, Projekt):
        return None if obj in projekter else "another project"
    familie_id = _familie_id(obj)
    if familie_id is not None:
        if not adgang.can(user, adgang.VIEW, Familie(pk=familie_id)):
            return "an object of a family the user may not see"
        if familie is not None and familie_id != familie.pk:
            return "an object of another family"
        return None
    kommune_id = _kommune_id(obj)
    if kommune_id is not None:
        return None if kommune_id in kommuner else "an object of another municipality"
    return f"no rule for {type(obj).__name__}: add one here"


# --- Forms ---------------------------------------------------------------------------------------


class FormRecorder:
    """Records the choices every form offers (and would accept) while pages are requested."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], list] = defaultdict(list)
        self.user = None
        self.familie = None

    def record(self, form: forms.BaseForm, names) -> None:
        done = form.__dict__.setdefault("_idor_recorded", set())
        for name in names:
            field = form.fields.get(name)
            # A form's __init__ may touch its fields before the view's queryset is set.
            if name in done or not isinstance(field, forms.ModelChoiceField):
                continue
            if field.queryset is not None:
                done.add(name)
                key = (type(form).__qualname__, name)
                self.seen[key].append((self.user, self.familie, list(field.queryset[:200])))


@pytest.fixture
def recorder(monkeypatch) -> FormRecorder:
    """Records each choice field as a page renders it (or validates a POST with it)."""
    recorder = FormRecorder()
    original_getitem = forms.BaseForm.__getitem__
    original_full_clean = forms.BaseForm.full_clean

    def getitem(form, name):
        recorder.record(form, [name])
        return original_getitem(form, name)

    def full_clean(form):
        recorder.record(form, list(form.fields))
        return original_full_clean(form)

    monkeypatch.setattr(forms.BaseForm, "__getitem__", getitem)
    monkeypatch.setattr(forms.BaseForm, "full_clean", full_clean)
    return recorder


def _actors_for(row) -> list[str]:
    if row is None:
        return ["projektleder", "koordinator"]
    # The first three who reach the page: the case manager, the case worker and the leader
    # are offered different choices.
    return [a for a in ACTORS if a != "anonym" and row.expect[a] in REACHES][:3]


@pytest.mark.django_db
def test_every_form_offers_and_accepts_only_objects_in_reach(world, recorder):
    # The case worker sees two families, so a choice list not narrowed to the page's family
    # shows (the leader sees both as well, but may change neither).
    _case_worker_of_both_families(world)
    clients = {}
    for actor in ACTORS[1:]:
        clients[actor] = Client()
        clients[actor].force_login(world.users[actor])
    for pattern, url, row in each_url(world, MATRIX):
        if pattern.is_api or pattern.is_admin or pattern.name in ("logout", "password_change"):
            continue
        recorder.familie = world.families.get(row.target) if row and row.target else None
        for actor in _actors_for(row):
            recorder.user = world.users[actor]
            with transaction.atomic():
                clients[actor].get(url)
                if row is not None and row.method == "post" and row.data:
                    clients[actor].post(url, row.data(world, row.target))
                transaction.set_rollback(True)
    for actor, url, target in _questionnaire_pages_opened_by_grants(world):
        recorder.user, recorder.familie = world.users[actor], world.families[target]
        response = clients[actor].get(url)
        assert response.status_code == 200, url

    wrong = []
    for (form, field), observations in sorted(recorder.seen.items()):
        for user, familie, choices in observations:
            for obj in choices:
                problem = out_of_reach(user, obj, familie)
                if problem:
                    wrong.append(f"{form}.{field} offers {user} {problem}: {obj!r}")
                    break
    assert not wrong, "forms accept ids out of reach:\n" + "\n".join(sorted(set(wrong)))

    unseen = sorted(form_fk_fields() - set(recorder.seen) - FORM_FIELDS_CHECKED_ELSEWHERE.keys())
    assert not unseen, f"form fields no page of the walk showed (give them a matrix row): {unseen}"


# Form fields whose page the walk cannot open, and the test that proves their queryset instead.
FORM_FIELDS_CHECKED_ELSEWHERE: dict[tuple[str, str], str] = {}


def _questionnaire_pages_opened_by_grants(w: World) -> list[tuple[str, str, str]]:
    """(actor, url, target family) of the questionnaire form pages, which no matrix actor may
    open as the world stands: the grants that open them are given here.

    Questionnaires are registered in the health and child-and-family sectors, where nobody of
    the world may change data: the job centre's case worker is given change on both sectors of
    the own family by hand (an explicit grant), and still sees the other family's persons
    through the job-centre case the walk's set-up opened, so a list not narrowed to the page's
    family shows.
    """
    familie = w.families["own"]
    pages = []
    for sektor, skematype in ((Sektor.SUNDHED, "who5"), (Sektor.BOERN_FAMILIE, "sdq")):
        kerne_services.eksplicit_adgang_giv(
            acting_user=w.users["projektleder"],
            familie=familie,
            bruger=w.users["sagsbehandler"],
            tilladelse=EksplicitAdgang.Tilladelse.CHANGE,
            begrundelse="Spørgeskema",
            gyldig_til=timezone.localdate() + datetime.timedelta(days=30),
            sektor=sektor,
        )
        url = reverse(
            "registrering:spoergeskema_ny", kwargs={"pk": familie.pk, "skematype": skematype}
        )
        pages.append(("sagsbehandler", url, "own"))
    return pages


# --- API bodies ----------------------------------------------------------------------------------

# Which model an id field names, by its name.
ID_MODELS = {
    "familie": "kerne.Familie",
    "person": "kerne.Person",
    "personer": "kerne.Person",
    "aftalt_med": "kerne.Person",
    "samtykke_givet_af": "kerne.Person",
    "modtagere": "kerne.Forvaltning",
    "forvaltning": "kerne.Forvaltning",
    "projekt": "kerne.Projekt",
    "koordinator": "auth.User",
    "medlemmer": "auth.User",
    "version": "familieplan.Planversion",
    "faelles_maal": "familieplan.Maal",
    "indsats": "familieplan.Indsats",
    "omkostningstype": "investering.Omkostningstype",
    "partner": "netvaerk.Partner",
    "moede": "familieplan.Stafetmoede",
    "aktoer": "familieplan.Aktoer",
    "punkt": "visitation.Dagsordenspunkt",
}


def foreign_object(world, field: str):
    """An object of the kind the field names, in the other municipality's project."""
    fremmed = world.families["foreign"]
    model = apps.get_model(ID_MODELS[field])
    if model is Familie:
        return fremmed
    if model is Person:
        return fremmed.medlemskaber.first().person
    if model is Projekt:
        return fremmed.projekt
    if model is Forvaltning:
        return Forvaltning.objects.filter(kommune=fremmed.projekt.kommune).first()
    if model is get_user_model():
        return fremmed.koordinator
    names = {f.name for f in model._meta.get_fields()}
    for lookup in ("familie", "sagsdel__familie", "version__familie", "indstilling__familie"):
        if lookup.split("__")[0] in names:
            return model.objects.filter(**{lookup: fremmed}).first()
    for lookup in ("kommune", "projekt__kommune"):
        if lookup.split("__")[0] in names:
            return model.objects.filter(**{lookup: fremmed.projekt.kommune}).first()
    return None


def _row_counts() -> dict[str, int]:
    """Rows per table of the domain apps, the audit log left out (refusals are logged)."""
    counts = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__ != "Adgangslog":
                counts[model._meta.label] = model.objects.count()
    return counts


class SerializerRecorder:
    def __init__(self) -> None:
        self.reached: set[tuple[str, str]] = set()
        self.swapped: dict[str, object] = {}


@pytest.fixture
def api_recorder(monkeypatch) -> SerializerRecorder:
    recorder = SerializerRecorder()
    original = serializers.Serializer.run_validation

    def run_validation(self, data=serializers.empty):
        if isinstance(data, dict):
            for name, value in recorder.swapped.items():
                if name in self.fields and data.get(name) == value:
                    recorder.reached.add((type(self).__name__, name))
        return original(self, data)

    monkeypatch.setattr(serializers.Serializer, "run_validation", run_validation)
    return recorder


def _build_foreign_objects(world, row) -> None:
    """Let the row's builders make their objects in the other municipality's project too, so
    there is a foreign object of each kind to swap in (a builder that cannot is skipped)."""
    for build in (row.kwargs, row.data):
        if build is None:
            continue
        try:
            with transaction.atomic():
                build(world, "foreign")
        except Exception:  # noqa: S112 - some builders only make sense for "own"
            continue


def _swap(value, foreign_pk: int):
    return [foreign_pk] if isinstance(value, list) else foreign_pk


@pytest.mark.django_db
def test_a_foreign_id_in_an_api_body_is_refused_and_nothing_is_written(world, api_recorder):
    wrong = []
    for row in MATRIX:
        if not (row.api and row.method != "get" and row.data and row.target in ("own", "")):
            continue
        actors = [a for a in ACTORS if a != "anonym" and row.expect[a] in {200, 201, 204}]
        if not actors:
            continue
        with transaction.atomic():
            _build_foreign_objects(world, row)
            kwargs = row.kwargs(world, row.target) if row.kwargs else {}
            body = row.data(world, row.target or "own")
            url = reverse(row.url_name, kwargs=kwargs)
            for field in [f for f in body if f in ID_MODELS]:
                foreign = foreign_object(world, field)
                if foreign is None:
                    continue
                swapped = {**body, field: _swap(body[field], foreign.pk)}
                api_recorder.swapped = {field: swapped[field]}
                for actor in actors:
                    http = APIClient()
                    http.force_authenticate(world.users[actor])
                    with transaction.atomic():
                        before = _row_counts()
                        response = getattr(http, row.method)(url, swapped, format="json")
                        after = _row_counts()
                        transaction.set_rollback(True)
                    if response.status_code not in (400, 403, 404):
                        wrong.append(f"{row.id} {field}→foreign as {actor}: {response.status_code}")
                    elif before != after:
                        changed = {k for k in after if after[k] != before[k]}
                        wrong.append(f"{row.id} {field}→foreign as {actor}: wrote {changed}")
            transaction.set_rollback(True)
    assert not wrong, "API bodies with foreign ids:\n" + "\n".join(wrong)

    written_out = {(write.serializer, field) for write in WRITES for field in write.swaps}
    unreached = sorted(api_id_fields() - api_recorder.reached - written_out)
    assert not unreached, f"API id fields no replay reaches (add a Write below): {unreached}"


# --- API writes with a valid body, one id at a time pointed elsewhere -----------------------------
#
# The matrix carries few valid API bodies, so these writes are written out: each body first
# succeeds as it stands (so the refusal below is the swapped id's doing), then each id is
# pointed at an object of another family of the same project (which the actor may not see, or
# which belongs to another family than the one written to) or of another municipality. A body
# with a single id and no family (a follow-up names only its activity) is only checked for
# visibility: a case worker of both families may follow up on either.


@dataclass(frozen=True)
class Write:
    id: str
    serializer: str  # the input serializer the body goes through
    actor: str
    url: Callable[[World], str]
    body: Callable[[World], dict]
    swaps: dict[str, Callable[[World], int]]
    method: str = "post"
    setup: Callable[[World], None] | None = None  # facts the valid write needs
    state: Callable[[World], object] | None = None  # what a write changes besides new rows


def _fp(world: World, target: str) -> dict:
    return familieplan_rows._plan(world, target)


def _nv(world: World, target: str) -> dict:
    return netvaerk_rows._objects(world, target)


def _adult(world: World, target: str) -> Person:
    return world.families[target].medlemskaber.filter(rolle="voksen").first().person


def _activity_body(w: World) -> dict:
    today = timezone.localdate()
    return {
        "version": _fp(w, "own")["draft"].pk,
        "sektor": Sektor.BESKAEFTIGELSE,
        "titel": "Praktik",
        "art": "praktik",
        "personer": [_adult(w, "own").pk],
        "faelles_maal": _fp(w, "own")["draft_goal"].pk,
        "maal": "Job",
        "maalopfyldelse": "Ansat",
        "tilbud": "Praktik",
        "leverandoer": "Netto",
        "startdato": str(today),
        "slutdato": str(today + datetime.timedelta(days=30)),
        "timer_pr_uge": "5",
        "kadence": "maanedlig",
        "opfoelgningsform": "Samtale",
        "konsekvens_ved_udeblivelse": "Ingen",
        "ansvarlig": "Jonas",
    }


def _today(w: World) -> str:
    return str(timezone.localdate())


def _case_managers_keep_health_data(w: World) -> None:
    """WHO-5 answers are health data: let the project's case managers hold the sector."""
    projekt = w.families["own"].projekt
    Delingsregel.objects.create(
        projekt=projekt, rolle=Rolle.KOORDINATOR, sektor=Sektor.SUNDHED, regel="always"
    )
    adgang.sync_project_grants(projekt, reason="test")


def _families_may_be_referred_again(w: World) -> None:
    """Rejected once, so a new referral is allowed; the status is not why a swap is refused."""
    Familie.objects.filter(pk__in=[w.families["own"].pk, w.families["other"].pk]).update(
        status=Familie.Status.AFVIST
    )


def _case_worker_of_both_families(w: World) -> None:
    """The job centre's case worker gets a case on the other family too: its persons and
    activities are now visible to them, so only the same-family rule can refuse the swap."""
    sagsbehandler = w.users["sagsbehandler"]
    kerne_services.afdelingssag_aabn(
        acting_user=w.users["projektleder"],
        familie=w.families["other"],
        forvaltning=Medarbejder.objects.get(bruger=sagsbehandler).forvaltning,
        sagsbehandler=sagsbehandler,
    )
    assert adgang.can(sagsbehandler, adgang.VIEW, _adult(w, "other"))


WRITES = [
    Write(
        "activity",
        "ActivityInSerializer",
        "sagsbehandler",
        lambda w: reverse("api:activity-list"),
        _activity_body,
        {
            "personer": lambda w: _adult(w, "other").pk,
            "version": lambda w: _fp(w, "other")["draft"].pk,
            "faelles_maal": lambda w: _fp(w, "other")["draft_goal"].pk,
        },
    ),
    Write(
        "follow-up",
        "FollowUpInSerializer",
        "sagsbehandler",
        lambda w: reverse("api:followup-list"),
        lambda w: {
            "indsats": _fp(w, "own")["activity"].pk,
            "dato": _today(w),
            "form": "Samtale",
            "vurdering": "paa_sporet",
        },
        {"indsats": lambda w: _fp(w, "other")["activity"].pk},
    ),
    Write(
        "agree",
        "AgreeSerializer",
        "koordinator",
        lambda w: reverse("api:plan-version-agree", kwargs={"pk": _fp(w, "own")["draft"].pk}),
        lambda w: {
            "revision": _fp(w, "own")["draft"].revision,
            "aftalt_dato": _today(w),
            "aftalt_form": "moede",
            "aftalt_med": [_adult(w, "own").pk],
        },
        {"aftalt_med": lambda w: _adult(w, "other").pk},
    ),
    Write(
        "cost line",
        "CostLineInSerializer",
        "sagsbehandler",
        lambda w: reverse("api:cost-line-list"),
        lambda w: {
            "familie": w.families["own"].pk,
            "omkostningstype": investering_rows._cost_type(w).pk,
            "person": _adult(w, "own").pk,
            "antal": "1",
            "fra": _today(w),
        },
        {
            "familie": lambda w: w.families["other"].pk,
            "person": lambda w: _adult(w, "other").pk,
            "omkostningstype": lambda w: investering_rows._cost_type(w, "foreign").pk,
        },
    ),
    Write(
        "cost type",
        "CostTypeInSerializer",
        "projektleder",
        lambda w: reverse("api:cost-type-list"),
        lambda w: {
            "navn": "Mentor",
            "enhed": "maaned",
            "sektor": Sektor.BESKAEFTIGELSE,
            "forvaltning": investering_rows._cost_type(w).forvaltning_id,
        },
        {"forvaltning": lambda w: investering_rows._cost_type(w, "foreign").forvaltning_id},
    ),
    Write(
        "price",
        "PriceInSerializer",
        "projektleder",
        lambda w: reverse("api:price-list"),
        lambda w: {
            "omkostningstype": investering_rows._cost_type(w).pk,
            "gyldig_fra": _today(w),
            "beloeb": "100",
        },
        {"omkostningstype": lambda w: investering_rows._cost_type(w, "foreign").pk},
    ),
    Write(
        "questionnaire",
        "QuestionnaireInSerializer",
        "koordinator",
        lambda w: reverse("api:questionnaire-list"),
        lambda w: registrering_rows.questionnaire_body(w, "own"),
        {
            "familie": lambda w: w.families["other"].pk,
            "person": lambda w: _adult(w, "other").pk,
        },
        setup=_case_managers_keep_health_data,
    ),
    Write(
        "referral",
        "ReferralInSerializer",
        "sagsbehandler",
        lambda w: reverse("api:referral-list"),
        lambda w: {
            "familie": w.families["own"].pk,
            "begrundelse": "Familien har brug for hjælp",
            "samtykke_givet_af": _adult(w, "own").pk,
        },
        {
            "familie": lambda w: w.families["other"].pk,
            "samtykke_givet_af": lambda w: _adult(w, "other").pk,
        },
        setup=_families_may_be_referred_again,
    ),
    Write(
        "stafet agreement",
        "AgreementInSerializer",
        "koordinator",
        lambda w: reverse("api:agreement-list"),
        lambda w: (
            {"moede": _nv(w, "own")["moede"].pk, "hvad": "Ringe", "hvem": "Mor"}
            | {"frist": _today(w)}
        ),
        {"moede": lambda w: _nv(w, "other")["moede"].pk},
    ),
    Write(
        "meeting confirm",
        "ConfirmInSerializer",
        "koordinator",
        lambda w: reverse("api:family-meeting-confirm", kwargs={"pk": _nv(w, "own")["moede"].pk}),
        lambda w: {"person": _nv(w, "own")["adult"].pk},
        {"person": lambda w: _nv(w, "other")["adult"].pk},
        state=lambda w: Stafetmoede.objects.filter(bekraeftet_af__isnull=False).count(),
    ),
    Write(
        "offer",
        "OfferInSerializer",
        "projektleder",
        lambda w: reverse("api:offer-list"),
        lambda w: {
            "projekt": w.families["own"].projekt_id,
            "partner": _nv(w, "own")["partner"].pk,
            "titel": "Svømning",
            "art": "fritidsaktivitet",
        },
        {"partner": lambda w: _nv(w, "foreign")["partner"].pk},
    ),
    Write(
        "board decision",
        "DecisionInSerializer",
        "projektleder",
        lambda w: reverse("api:decision-list"),
        lambda w: {"punkt": visitation_rows._item(w, "own").pk, "beslutning": "venteliste"},
        {"punkt": lambda w: visitation_rows._item(w, "foreign").pk},
    ),
    Write(
        "activity, case worker of both families",
        "ActivityInSerializer",
        "sagsbehandler",
        lambda w: reverse("api:activity-list"),
        _activity_body,
        {
            "personer": lambda w: _adult(w, "other").pk,
            "faelles_maal": lambda w: _fp(w, "other")["draft_goal"].pk,
        },
        setup=_case_worker_of_both_families,
    ),
    Write(
        "cost line, case worker of both families",
        "CostLineInSerializer",
        "sagsbehandler",
        lambda w: reverse("api:cost-line-list"),
        lambda w: {
            "familie": w.families["own"].pk,
            "omkostningstype": investering_rows._cost_type(w).pk,
            "person": _adult(w, "own").pk,
            "antal": "1",
            "fra": _today(w),
        },
        {"person": lambda w: _adult(w, "other").pk},
        setup=_case_worker_of_both_families,
    ),
]


def _write(world: World, write: Write, body: dict):
    """Send the write, roll it back; the answer and what it changed."""
    http = APIClient()
    http.force_authenticate(world.users[write.actor])

    def snapshot() -> dict:
        return {**_row_counts(), "state": write.state(world) if write.state else None}

    with transaction.atomic():
        before = snapshot()
        response = getattr(http, write.method)(write.url(world), body, format="json")
        after = snapshot()
        transaction.set_rollback(True)
    return response, {label for label in after if after[label] != before[label]}


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=[w.id for w in WRITES])
def test_an_api_write_refuses_each_id_pointed_elsewhere_and_writes_nothing(world, write):
    if write.setup:
        write.setup(world)
    body = write.body(world)
    response, written = _write(world, write, body)
    assert response.status_code in (200, 201), (write.id, response.status_code, response.content)
    assert written, f"{write.id}: the valid write wrote nothing, so the check below proves nothing"

    wrong = []
    for field, elsewhere in write.swaps.items():
        swapped = {**body, field: _swap(body[field], elsewhere(world))}
        response, written = _write(world, write, swapped)
        if response.status_code not in (400, 403, 404):
            wrong.append(f"{field}: {response.status_code} {response.content[:200]!r}")
        elif written:
            wrong.append(f"{field}: refused ({response.status_code}) but wrote {sorted(written)}")
    assert not wrong, f"{write.id} accepted an id out of reach: " + "; ".join(wrong)
