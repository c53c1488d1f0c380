"""The permission matrix: every URL of the project × every kind of user → the expected answer.

Each row names a URL, the object it targets (the actor's own family, another family of the
same project, a family of another municipality) and the status each actor must get. A URL
pattern missing from the table fails `test_every_url_pattern_is_in_the_matrix`, so a new page
cannot ship without deciding who may reach it. Apps add rows in tests/<app>/permission_rows.py.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from kerne import adgang, services
from kerne.models import Medarbejder, Rolle, Sektor
from tests.factories import (
    ForvaltningFactory,
    ProjektFactory,
    UserFactory,
    family_of,
    user_with_role,
)
from tests.matrix import (
    ACTORS,
    EXEMPT,
    EXEMPT_NAMESPACES,
    REGISTERS_PERSONS,
    SEES,
    STAFF_PAGE_REFUSED,
    TARGETS,
    Row,
    World,
    api_change,
    api_object,
    change_page,
    consent_body,
    consent_kwargs,
    everyone,
    family_kwargs,
    family_page,
    only,
    person_kwargs,
    signed_in,
)

APPS_WITH_ROWS = (
    "visitation",
    "familieplan",
    "registrering",
    "investering",
    "netvaerk",
    "kontakt",
    "rapporter",
)


@pytest.fixture
def world(db) -> World:
    projekt = ProjektFactory()
    fremmed_projekt = ProjektFactory()
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    users = {
        "borger": user_with_role(Rolle.BORGER, projekt),
        "evaluator": user_with_role(Rolle.EVALUATOR, projekt),
        "koordinator": user_with_role(Rolle.KOORDINATOR, projekt),
        "koordinator_anden": user_with_role(Rolle.KOORDINATOR, projekt),
        "sagsbehandler": user_with_role(Rolle.SAGSBEHANDLER, projekt),
        "afdelingsleder": user_with_role(Rolle.AFDELINGSLEDER, projekt),
        "projektleder": user_with_role(Rolle.PROJEKTLEDER, projekt),
        "projektleder_fremmed": user_with_role(Rolle.PROJEKTLEDER, fremmed_projekt),
        "databeskyttelse": user_with_role(Rolle.DATABESKYTTELSE, projekt),
    }
    for name in ("sagsbehandler", "afdelingsleder"):
        Medarbejder.objects.filter(bruger=users[name]).update(forvaltning=jobcenter)
    own = family_of(users["koordinator"], projekt)
    other = family_of(users["koordinator_anden"], projekt)
    foreign = family_of(user_with_role(Rolle.KOORDINATOR, fremmed_projekt), fremmed_projekt)
    services.afdelingssag_aabn(
        acting_user=users["projektleder"],
        familie=own,
        forvaltning=jobcenter,
        sagsbehandler=users["sagsbehandler"],
    )
    borger_person = own.medlemskaber.filter(rolle="voksen").first().person
    borger_person.bruger = users["borger"]
    borger_person.save(update_fields=["bruger"])
    families = {"own": own, "other": other, "foreign": foreign}
    persons = {key: f.medlemskaber.first().person for key, f in families.items()}
    consents = {}
    for key, familie in families.items():
        koordinator = familie.koordinator
        modtager = ForvaltningFactory(kommune=familie.projekt.kommune)
        consents[key] = services.samtykke_registrer(
            acting_user=koordinator,
            familie=familie,
            person=familie.medlemskaber.filter(rolle="voksen").first().person,
            sektorer=[Sektor.SUNDHED],
            modtagere=[modtager],
            formaal="Matrix",
            gyldig_fra=familie.medlemskaber.first().fra,
        )
    assert adgang.can(users["koordinator"], adgang.CHANGE, own)
    return World(users=users, families=families, persons=persons, consents=consents)


MATRIX: list[Row] = [
    Row("start", signed_in(302, borger=302, databeskyttelse=302, evaluator=302)),
    Row("rapporter:start_projektleder", only("projektleder", "projektleder_fremmed")),
    Row("rapporter:start_koordinator", only("koordinator", "koordinator_anden")),
    Row("rapporter:start_afdeling", only("sagsbehandler", "afdelingsleder")),
    Row("rapporter:start_administration", only("databeskyttelse")),
    Row("rapporter:start_fagperson", only()),
    Row("rapporter:start_evaluator", only("evaluator")),
    Row("familieplan:portal", only("borger")),
    Row("kerne:laaste_konti", only("projektleder", "projektleder_fremmed")),
    Row(
        "kerne:laas_op",
        only("projektleder", "projektleder_fremmed", ok=302),
        method="post",
        data=lambda w, t: {"attempt": "0"},
    ),
    Row(
        "kerne:projekt_vaelg",
        signed_in(302),
        method="post",
        data=lambda w, t: {"projekt": "0"},
    ),
    # --- Sign-in steps and accounts ---
    # The code step and enrolment answer only a pending password sign-in; nobody here has one.
    Row("login_kode", everyone(302)),
    Row("totp_opsaet", everyone(302)),
    # OpenID Connect is off unless configured (tests/kerne/test_oidc.py turns it on).
    *(
        Row(name, everyone(404))
        for name in ("oidc_login", "oidc_callback", "mitid_login", "mitid_callback")
    ),
    Row("kerne:konti", only("projektleder", "projektleder_fremmed")),
    *(
        Row(
            name,
            {**only("projektleder", ok=302), "projektleder_fremmed": 404},
            kwargs=lambda w, t: {"bruger_id": w.users["koordinator"].pk},
            method="post",
            note="a user outside the leader's project is not found",
        )
        for name in ("kerne:totp_nulstil", "kerne:api_noegle_tilbagekald")
    ),
    Row(
        "api:user-token-revoke",
        {**everyone(404, anonym=401), "projektleder": 204},
        kwargs=lambda w, t: {"user_id": w.users["koordinator"].pk},
        method="delete",
        api=True,
    ),
    Row("kerne:familie_liste", signed_in(200, **STAFF_PAGE_REFUSED)),
    Row("kerne:adgangslog", only("projektleder", "projektleder_fremmed", "databeskyttelse")),
    Row("kerne:adgangslog_csv", only("projektleder", "projektleder_fremmed", "databeskyttelse")),
    *(
        Row("kerne:familie_detalje", family_page(t), target=t, kwargs=family_kwargs)
        for t in TARGETS
    ),
    *(Row("kerne:samtykke_ny", change_page(t), target=t, kwargs=family_kwargs) for t in TARGETS),
    *(
        Row("kerne:samtykke_tilbagekald", change_page(t), target=t, kwargs=consent_kwargs)
        for t in TARGETS
    ),
    *(Row("kerne:person_detalje", family_page(t), target=t, kwargs=person_kwargs) for t in TARGETS),
    *(
        Row(
            "kerne:person_cpr",
            family_page(t),
            target=t,
            kwargs=person_kwargs,
            method="post",
            data=lambda w, t: {"familie": w.families[t].pk},
        )
        for t in TARGETS
    ),
    *(
        Row(
            "kerne:person_indsigt",
            {
                **only(),
                "projektleder": 200 if t != "foreign" else 404,
                "projektleder_fremmed": 200 if t == "foreign" else 404,
            },
            target=t,
            kwargs=person_kwargs,
        )
        for t in TARGETS
    ),
    # --- API v1 ---
    Row("api:family-list", everyone(200, anonym=401), api=True),
    Row("api:person-list", everyone(200, anonym=401), api=True),
    Row("api:consent-list", everyone(200, anonym=401), api=True),
    Row("api:not-found", everyone(404), api=True, kwargs=None, note="JSON 404 catch-all"),
    *(
        Row("api:family-detail", api_object(t), target=t, kwargs=family_kwargs, api=True)
        for t in TARGETS
    ),
    *(
        Row("api:person-detail", api_object(t), target=t, kwargs=person_kwargs, api=True)
        for t in TARGETS
    ),
    *(
        Row("api:consent-detail", api_object(t), target=t, kwargs=consent_kwargs, api=True)
        for t in TARGETS
    ),
    *(
        Row(
            "api:consent-withdraw",
            api_change(t),
            target=t,
            kwargs=consent_kwargs,
            method="post",
            data=lambda w, t: {},
            api=True,
        )
        for t in TARGETS
    ),
    *(
        Row(
            "api:consent-list",
            api_change(t, ok=201),
            target=t,
            method="post",
            data=consent_body,
            api=True,
        )
        for t in TARGETS
    ),
    Row(
        "api:person-list",
        {
            actor: 401
            if actor == "anonym"
            else 201
            if actor in REGISTERS_PERSONS | {"projektleder_fremmed"}
            else 403
            for actor in ACTORS
        },
        method="post",
        data=lambda w, t: {"cpr": "120370-4321", "fornavn": "Ny", "efternavn": "Person"},
        api=True,
    ),
    # --- Duplicate persons ---
    Row("kerne:person_dubletter", only("projektleder", "projektleder_fremmed")),
    Row(
        "kerne:person_flet",
        {**only("projektleder"), "projektleder_fremmed": 404},
        target="own",
        kwargs=lambda w, t: dict(
            zip(
                ("behold", "dublet"),
                w.families[t].medlemskaber.order_by("pk").values_list("person_id", flat=True),
                strict=True,
            )
        ),
        note="GET only: the confirmation page; the merge itself is tested in test_person_flet",
    ),
]


def ready_document_kwargs(world: World, target: str) -> dict:
    """A built family document (a test kind whose readers are the family's viewers)."""
    from django.core.files.base import ContentFile

    from kerne.models import Dokument
    from tests.kerne import pdf_kinds  # noqa: F401 - registers the "test-familie" kind

    familie = world.families[target]
    # Idempotent: the URLconf walk builds every row's URL in one world.
    existing = Dokument.objects.filter(kind="test-familie", noegle=f"matrix-{target}").first()
    if existing is not None:
        return {"pk": existing.pk}
    dokument = Dokument.objects.create(
        kind="test-familie",
        noegle=f"matrix-{target}",
        titel="Matrix",
        projekt=familie.projekt,
        familie=familie,
        bestilt_af=familie.koordinator,
        tilstand=Dokument.Tilstand.FAERDIG,
        fremdrift=100,
    )
    dokument.fil.save("matrix.pdf", ContentFile(b"%PDF-1.7 matrix"))
    return {"pk": dokument.pk}


def document_reader(target: str) -> dict[str, int]:
    """Any signed-in user may ask; only the family's viewers get an answer (else 404)."""
    return {
        actor: 302 if actor == "anonym" else (200 if actor in SEES[target] else 404)
        for actor in ACTORS
    }


MATRIX += [
    *(
        Row("kerne:dokument_status", document_reader(t), target=t, kwargs=ready_document_kwargs)
        for t in TARGETS
    ),
    *(
        Row("kerne:dokument_hent", document_reader(t), target=t, kwargs=ready_document_kwargs)
        for t in TARGETS
    ),
]

for _app in APPS_WITH_ROWS:
    MATRIX += importlib.import_module(f"tests.{_app}.permission_rows").ROWS


def _request(row: Row, actor: str, world: World, url: str, data):
    if row.api:
        http = APIClient()
        if actor != "anonym":
            http.force_authenticate(world.users[actor])
    else:
        http = Client()
        if actor != "anonym":
            http.force_login(world.users[actor])
    if row.method == "get":
        return http.get(url, data)
    return getattr(http, row.method)(url, data, **({"format": "json"} if row.api else {}))


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_permission_matrix(row: Row, world: World):
    """One world per row; each actor's request runs in a savepoint that is rolled back, so a
    write by one actor never changes what the next one meets."""
    # Objects a row's kwargs or data create are made once, outside the actors' savepoints.
    kwargs = row.kwargs(world, row.target) if row.kwargs else {}
    data = row.data(world, row.target) if row.data else None
    url = reverse(row.url_name, kwargs=kwargs)
    wrong = []
    for actor in ACTORS:
        with transaction.atomic():
            response = _request(row, actor, world, url, data)
            expected = row.expect[actor]
            if response.status_code != expected:
                wrong.append(f"{actor}: expected {expected}, got {response.status_code}")
            elif (
                expected == 302
                and actor == "anonym"
                and not row.api
                and not response["Location"].startswith(reverse("login"))
            ):
                wrong.append(f"{actor}: redirected to {response['Location']}, not sign-in")
            elif (
                actor != "anonym"
                and response.status_code in (200, 201, 400, 409)
                and "no-store" not in response.get("Cache-Control", "")
            ):
                # ASVS V8.2.1: no page or answer shown to a signed-in user may be cached.
                wrong.append(f"{actor}: answered without Cache-Control: no-store")
            transaction.set_rollback(True)
    assert not wrong, f"{row.id}: " + "; ".join(wrong)


def _all_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            names |= _all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern}>")
    return names


def test_every_url_pattern_is_in_the_matrix():
    covered = {row.url_name for row in MATRIX} | {n for row in MATRIX for n in row.extra_names}
    missing = sorted(_all_url_names() - covered - EXEMPT)
    assert not missing, f"URL patterns with no row in the permission matrix: {missing}"


def test_every_row_names_every_actor():
    for row in MATRIX:
        assert set(row.expect) == set(ACTORS), row.id


def test_a_superuser_without_roles_reaches_no_personal_data(client, world):
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)

    assert client.get(reverse("start")).status_code == 403
    assert not adgang.families_for(root).exists()
