"""The kernel's API: token and lockout, visibility, pagination, audit, CPR masking, writes."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kerne import adgang, api_errors, services
from kerne.models import (
    Adgangslog,
    Delingsregel,
    FamilieUserObjectPermission,
    Medarbejder,
    Person,
    Rolle,
    SagsdelUserObjectPermission,
    Samtykke,
    Sektor,
)
from tests.factories import (
    TEST_PASSWORD,
    ForvaltningFactory,
    PersonFactory,
    ProjektFactory,
    add_member,
    family_of,
    user_with_role,
)

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
FAMILIES = "/api/v1/families/"
PERSONS = "/api/v1/persons/"
CONSENTS = "/api/v1/consents/"
TODAY = timezone.localdate()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def adult_of(familie) -> Person:
    return familie.medlemskaber.get(rolle="voksen").person


@pytest.fixture
def koordinator(make_user):
    return make_user(Rolle.KOORDINATOR)


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt)


# --- Token ----------------------------------------------------------------------------------


def test_a_token_from_username_and_password_opens_the_api(koordinator, familie):
    client = APIClient()

    answer = client.post(
        TOKEN, {"username": koordinator.username, "password": TEST_PASSWORD}, format="json"
    )

    assert answer.status_code == 200
    token = answer.json()["token"]
    assert token == Token.objects.get(user=koordinator).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    families = client.get(FAMILIES)
    assert families.status_code == 200
    assert [f["id"] for f in families.json()["results"]] == [familie.pk]


def test_a_wrong_password_gives_400_in_the_field_format(koordinator):
    answer = APIClient().post(
        TOKEN, {"username": koordinator.username, "password": "forkert"}, format="json"
    )

    assert answer.status_code == 400
    assert list(answer.json()) == ["non_field_errors"]
    assert not Token.objects.filter(user=koordinator).exists()


def test_failures_count_and_three_lock_the_username_out_of_the_token_endpoint(koordinator):
    client = APIClient()
    wrong = {"username": koordinator.username, "password": "forkert"}

    assert client.post(TOKEN, wrong, format="json").status_code == 400
    assert client.post(TOKEN, wrong, format="json").status_code == 400
    assert AccessAttempt.objects.get(username=koordinator.username).failures_since_start == 2
    third = client.post(TOKEN, wrong, format="json")
    right = client.post(
        TOKEN, {"username": koordinator.username, "password": TEST_PASSWORD}, format="json"
    )

    assert third.status_code == 429
    assert right.status_code == 429
    assert right["Content-Type"] == "application/json"
    assert "spærret" in right.json()["detail"]
    assert "token" not in right.json()
    assert not Token.objects.filter(user=koordinator).exists()


def test_a_token_sign_in_resets_the_failure_count(koordinator):
    client = APIClient()
    wrong = {"username": koordinator.username, "password": "forkert"}
    client.post(TOKEN, wrong, format="json")
    client.post(TOKEN, wrong, format="json")

    right = client.post(
        TOKEN, {"username": koordinator.username, "password": TEST_PASSWORD}, format="json"
    )

    assert right.status_code == 200
    assert not AccessAttempt.objects.filter(username=koordinator.username).exists()


def test_without_credentials_the_api_answers_401_with_a_detail():
    answer = APIClient().get(FAMILIES)

    assert answer.status_code == 401
    assert set(answer.json()) == {"detail"}
    assert answer["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert client.get(FAMILIES).status_code == 401


# --- Families: visibility -------------------------------------------------------------------


@pytest.fixture
def matrix(projekt, koordinator, familie):
    """Who is who around one family; grants re-derived after everyone exists."""
    users = {
        "koordinator": koordinator,
        "projektleder": user_with_role(Rolle.PROJEKTLEDER, projekt),
        "other_koordinator": user_with_role(Rolle.KOORDINATOR, projekt),
        "leader_elsewhere": user_with_role(Rolle.PROJEKTLEDER, ProjektFactory()),
        "borger": user_with_role(Rolle.BORGER, projekt),
        "evaluator": user_with_role(Rolle.EVALUATOR, projekt),
    }
    adgang.sync_family_grants(familie, reason="test")
    return users


@pytest.mark.parametrize("who", ["koordinator", "projektleder"])
def test_the_family_is_listed_and_shown_to_those_with_a_grant(matrix, familie, who):
    client = api_as(matrix[who])

    listed = client.get(FAMILIES).json()
    shown = client.get(f"{FAMILIES}{familie.pk}/")

    assert [f["id"] for f in listed["results"]] == [familie.pk]
    assert shown.status_code == 200
    body = shown.json()
    assert body["betegnelse"] == familie.betegnelse
    assert body["projekt"] == familie.projekt.kode
    assert body["koordinator"]["id"] == matrix["koordinator"].pk
    assert {m["person"] for m in body["members"]} == set(
        familie.medlemskaber.values_list("person_id", flat=True)
    )


@pytest.mark.parametrize("who", ["other_koordinator", "leader_elsewhere", "borger", "evaluator"])
def test_the_family_is_neither_listed_nor_shown_to_others_404_not_403(matrix, familie, who):
    client = api_as(matrix[who])

    listed = client.get(FAMILIES)
    shown = client.get(f"{FAMILIES}{familie.pk}/")

    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert shown.status_code == 404
    assert shown.json() == {"detail": "Ikke fundet."}
    assert Adgangslog.objects.filter(
        handling=Adgangslog.Handling.DENIED, bruger_id=matrix[who].pk, familie_id=familie.pk
    ).exists()


@pytest.mark.parametrize("who", ["borger", "evaluator"])
def test_citizens_and_evaluators_hold_no_grants_at_all(matrix, who):
    user = matrix[who]

    assert not FamilieUserObjectPermission.objects.filter(user=user).exists()
    assert not SagsdelUserObjectPermission.objects.filter(user=user).exists()
    assert api_as(user).get(PERSONS).json()["count"] == 0
    assert api_as(user).get(CONSENTS).json()["count"] == 0


def test_a_family_that_does_not_exist_is_the_same_404(koordinator):
    answer = api_as(koordinator).get(f"{FAMILIES}999999/")

    assert answer.status_code == 404
    assert answer.json() == {"detail": "Ikke fundet."}


@pytest.mark.parametrize(
    "path", [f"{FAMILIES}abc/", f"{FAMILIES}{'9' * 30}/", "/api/v1/nothing/", "/api/v1/"]
)
def test_paths_that_name_nothing_answer_json_404(koordinator, path):
    answer = api_as(koordinator).get(path)

    assert answer.status_code == 404
    assert answer.json() == {"detail": "Ikke fundet."}


def test_the_list_filters_by_status_and_case_manager(koordinator, projekt, familie):
    other = user_with_role(Rolle.KOORDINATOR, projekt)
    family_of(koordinator, projekt, status="venteliste")
    leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    family_of(other, projekt)
    for f in projekt.familier.all():
        adgang.sync_family_grants(f, reason="test")
    client = api_as(leader)

    by_status = client.get(FAMILIES, {"status": "venteliste"}).json()
    by_manager = client.get(FAMILIES, {"koordinator": other.pk}).json()
    by_name = client.get(FAMILIES, {"q": familie.betegnelse}).json()

    assert [f["status"] for f in by_status["results"]] == ["venteliste"]
    assert [f["koordinator"]["id"] for f in by_manager["results"]] == [other.pk]
    assert [f["id"] for f in by_name["results"]] == [familie.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "ukendt"}, "status"), ({"koordinator": "x"}, "koordinator")],
)
def test_bad_list_filters_are_400_naming_the_parameter(koordinator, params, field):
    answer = api_as(koordinator).get(FAMILIES, params)

    assert answer.status_code == 400
    assert field in answer.json()


# --- Families: pagination, audit, queries ---------------------------------------------------


def test_the_list_pages_by_50_with_count_next_and_previous(koordinator, projekt):
    for _ in range(60):
        family_of(koordinator, projekt, members=1)
    client = api_as(koordinator)

    first = client.get(FAMILIES).json()
    second = client.get(first["next"]).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"].endswith(f"{FAMILIES}?page=2")
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert client.get(FAMILIES, {"page": 3}).status_code == 404


def test_the_list_logs_one_read_per_family_on_the_page(koordinator, projekt):
    for _ in range(60):
        family_of(koordinator, projekt, members=1)
    before = Adgangslog.objects.filter(handling=Adgangslog.Handling.READ).count()

    page = api_as(koordinator).get(FAMILIES).json()["results"]

    reads = Adgangslog.objects.filter(handling=Adgangslog.Handling.READ)
    assert reads.count() - before == 50
    assert sorted(reads.values_list("familie_id", flat=True)) == sorted(f["id"] for f in page)
    assert set(reads.values_list("bruger_id", flat=True)) == {koordinator.pk}
    assert set(reads.values_list("formaal", flat=True)) == {Adgangslog.Formaal.SAGSBEHANDLING}


def test_the_detail_logs_one_read(koordinator, familie):
    api_as(koordinator).get(f"{FAMILIES}{familie.pk}/")

    read = Adgangslog.objects.get(handling=Adgangslog.Handling.READ)
    assert (read.familie_id, read.bruger_id) == (familie.pk, koordinator.pk)


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(FAMILIES)
    assert answer.status_code == 200
    return len(captured)


def test_the_list_queries_the_same_number_of_times_for_10_and_60_families(koordinator, projekt):
    client = api_as(koordinator)
    for _ in range(10):
        family_of(koordinator, projekt, members=3)
    with_10 = _list_queries(client)
    for _ in range(50):
        family_of(koordinator, projekt, members=3)

    with_60 = _list_queries(client)

    assert with_10 == with_60
    assert with_60 <= 8


def test_the_detail_queries_a_bounded_number_of_times(
    koordinator, projekt, django_assert_max_num_queries
):
    familie = family_of(koordinator, projekt, members=8)
    client = api_as(koordinator)

    with django_assert_max_num_queries(8):
        assert client.get(f"{FAMILIES}{familie.pk}/").status_code == 200


# --- CPR ------------------------------------------------------------------------------------


def test_no_answer_carries_a_cpr_number_in_clear(koordinator, familie):
    client = api_as(koordinator)
    persons = [m.person for m in familie.medlemskaber.select_related("person")]
    created = client.post(
        PERSONS, {"cpr": "120370-4321", "fornavn": "Ny", "efternavn": "Person"}, format="json"
    )
    answers = [
        created,
        client.get(FAMILIES),
        client.get(f"{FAMILIES}{familie.pk}/"),
        client.get(PERSONS),
        *(client.get(f"{PERSONS}{p.pk}/") for p in persons),
    ]

    secrets = [p.cpr for p in persons] + ["1203704321"]
    for answer in answers:
        assert answer.status_code in (200, 201)
        body = answer.content.decode()
        for cpr in secrets:
            assert cpr not in body
            assert f"{cpr[:6]}-{cpr[6:]}" not in body
    assert f"{persons[0].cpr[:6]}-XXXX" in client.get(f"{FAMILIES}{familie.pk}/").content.decode()
    assert created.json()["cpr"] == "120370-XXXX"


# --- Persons --------------------------------------------------------------------------------


def test_persons_are_those_of_visible_families_only(koordinator, familie, projekt):
    stranger = PersonFactory(kommune=projekt.kommune)
    client = api_as(koordinator)

    listed = client.get(PERSONS).json()

    assert {p["id"] for p in listed["results"]} == set(
        familie.medlemskaber.values_list("person_id", flat=True)
    )
    assert client.get(f"{PERSONS}{stranger.pk}/").status_code == 404
    detail = client.get(f"{PERSONS}{adult_of(familie).pk}/").json()
    assert [m["familie"] for m in detail["familier"]] == [familie.pk]


def test_the_persons_list_logs_one_read_per_person_shown(koordinator, familie):
    page = api_as(koordinator).get(PERSONS).json()["results"]

    reads = Adgangslog.objects.filter(handling=Adgangslog.Handling.READ, objekt_type="kerne.person")
    assert sorted(reads.values_list("person_id", flat=True)) == sorted(p["id"] for p in page)


def test_posting_a_person_registers_once_and_then_finds_the_same(koordinator, projekt):
    client = api_as(koordinator)

    first = client.post(
        PERSONS,
        {"cpr": "1203704321", "fornavn": "Anna", "efternavn": "Berg", "postnummer": "8000"},
        format="json",
    )
    again = client.post(
        PERSONS, {"cpr": "120370-4321", "fornavn": "Anne", "efternavn": "Bergh"}, format="json"
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    person = Person.objects.with_cpr("1203704321").get()
    assert person.kommune == projekt.kommune
    assert (person.fornavn, person.foedselsdato) == ("Anna", datetime.date(1970, 3, 12))
    assert Adgangslog.objects.filter(
        handling=Adgangslog.Handling.CREATE, person_id=person.pk
    ).exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"cpr": "310285-1234"},
            "cpr",
            "Datoen 31.02.1985 i CPR-nummeret findes ikke.",
        ),
        ({"cpr": "31028a-12b4"}, "cpr", None),
        ({"cpr": "010130-4000"}, "cpr", None),  # born 2030: in the future
        ({"cpr": "0101851234567"}, "cpr", None),
        ({"cpr": 1203704321}, "cpr", None),  # a number loses leading zeros: text only
        ({"fornavn": ""}, "fornavn", None),
        ({"fornavn": "   "}, "fornavn", None),
        ({"efternavn": None}, "efternavn", None),
        ({"postnummer": "80"}, "postnummer", None),
    ],
)
def test_bad_person_input_is_400_naming_the_field_and_stores_nothing(
    koordinator, body, field, message
):
    before = Person.objects.count()

    answer = api_as(koordinator).post(
        PERSONS, {"fornavn": "Anna", "efternavn": "Berg", **body}, format="json"
    )

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    if message:
        assert answer.json() == {field: [message]}
    assert Person.objects.count() == before


@pytest.mark.parametrize("rolle", [Rolle.BORGER, Rolle.EVALUATOR])
def test_citizens_and_evaluators_may_not_register_persons(make_user, rolle):
    answer = api_as(make_user(rolle)).post(
        PERSONS, {"cpr": "1203704321", "fornavn": "A", "efternavn": "B"}, format="json"
    )

    assert answer.status_code == 403
    assert set(answer.json()) == {"detail"}
    assert not Person.objects.with_cpr("1203704321").exists()


# --- Consents -------------------------------------------------------------------------------


@pytest.fixture
def department(projekt, koordinator, familie):
    """A job centre case worker with an open case on the family; consent needed for the rest."""
    leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    case_worker = user_with_role(Rolle.SAGSBEHANDLER, projekt)
    Medarbejder.objects.filter(bruger=case_worker).update(forvaltning=jobcenter)
    Delingsregel.objects.create(
        projekt=projekt,
        rolle=Rolle.SAGSBEHANDLER,
        sektor=Sektor.BOERN_FAMILIE,
        regel=Delingsregel.Regel.WITH_CONSENT,
    )
    services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=case_worker
    )
    return {"leader": leader, "jobcenter": jobcenter, "case_worker": case_worker}


def _consent_body(for_family, dept, **changes):
    return {
        "familie": for_family.pk,
        "person": adult_of(for_family).pk,
        "sektorer": [Sektor.BOERN_FAMILIE],
        "modtagere": [dept["jobcenter"].pk],
        "formaal": "Koordinering af indsatsen",
        "gyldig_fra": TODAY.isoformat(),
        **changes,
    }


def test_withdrawn_consent_hides_the_sector_at_once(koordinator, familie, department):
    case_worker = api_as(department["case_worker"])
    detail = f"{FAMILIES}{familie.pk}/"
    assert case_worker.get(detail).json()["sectors"] == [Sektor.BESKAEFTIGELSE]

    given = api_as(koordinator).post(CONSENTS, _consent_body(familie, department), format="json")

    assert given.status_code == 201
    consent = given.json()
    assert consent["aktiv"] is True
    assert consent["sektorer"] == [Sektor.BOERN_FAMILIE]
    assert case_worker.get(detail).json()["sectors"] == [
        Sektor.BESKAEFTIGELSE,
        Sektor.BOERN_FAMILIE,
    ]
    assert case_worker.get(FAMILIES).json()["results"][0]["sectors"] == [
        Sektor.BESKAEFTIGELSE,
        Sektor.BOERN_FAMILIE,
    ]

    withdrawn = api_as(koordinator).post(
        f"{CONSENTS}{consent['id']}/withdraw/", {"note": "Borgeren ønsker det"}, format="json"
    )

    assert withdrawn.status_code == 200
    assert withdrawn.json()["aktiv"] is False
    assert withdrawn.json()["tilbagekaldelse_note"] == "Borgeren ønsker det"
    assert case_worker.get(detail).json()["sectors"] == [Sektor.BESKAEFTIGELSE]
    again = api_as(koordinator).post(f"{CONSENTS}{consent['id']}/withdraw/", {}, format="json")
    assert again.status_code == 400
    assert list(again.json()) == ["non_field_errors"]


def test_consents_are_listed_filtered_and_shown_to_those_who_see_the_family(
    koordinator, familie, department, projekt
):
    other_family = family_of(koordinator, projekt)
    api_as(koordinator).post(CONSENTS, _consent_body(familie, department), format="json")
    samtykke = Samtykke.objects.get()
    outsider = api_as(user_with_role(Rolle.KOORDINATOR, projekt))
    client = api_as(koordinator)

    assert [c["id"] for c in client.get(CONSENTS).json()["results"]] == [samtykke.pk]
    assert client.get(CONSENTS, {"familie": other_family.pk}).json()["count"] == 0
    assert client.get(CONSENTS, {"familie": "x"}).status_code == 400
    shown = client.get(f"{CONSENTS}{samtykke.pk}/").json()
    assert shown["person"]["id"] == adult_of(familie).pk
    assert shown["modtagere"][0]["id"] == department["jobcenter"].pk
    assert outsider.get(CONSENTS).json()["count"] == 0
    assert outsider.get(f"{CONSENTS}{samtykke.pk}/").status_code == 404
    assert outsider.post(f"{CONSENTS}{samtykke.pk}/withdraw/", {}).status_code == 404
    samtykke.refresh_from_db()
    assert samtykke.tilbagekaldt is None


@pytest.fixture
def young_child(familie):
    """A child of 11: too young to consent."""
    child = PersonFactory(kommune=familie.projekt.kommune, cpr="0101154123")
    add_member(familie, child, rolle="barn", relation="barn")
    return child


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sektorer": []}, "sektorer"),
        ({"sektorer": ["rumfart"]}, "sektorer"),
        ({"sektorer": "boern_familie"}, "sektorer"),
        ({"modtagere": []}, "modtagere"),
        ({"modtagere": [999999]}, "modtagere"),
        ({"modtagere": ["x"]}, "modtagere"),
        ({"formaal": ""}, "formaal"),
        ({"formaal": "x" * 501}, "formaal"),
        ({"gyldig_fra": "2026-02-30"}, "gyldig_fra"),
        ({"gyldig_fra": None}, "gyldig_fra"),
        ({"gyldig_til": "2000-01-01"}, "gyldig_til"),
        ({"person": 999999}, "person"),
        ({"person": "x"}, "person"),
        ({"familie": "x"}, "familie"),
        ({"familie": 2**70}, "familie"),
        ("foreign_department", "modtagere"),
        ("young_child", "person"),
        ("stranger", "person"),
        ("member_elsewhere", "person"),
    ],
)
def test_bad_consent_input_is_400_naming_the_field_and_stores_nothing(
    request, koordinator, familie, department, changes, field
):
    if changes == "foreign_department":
        changes = {"modtagere": [ForvaltningFactory().pk]}  # another municipality
    elif changes == "young_child":
        changes = {"person": request.getfixturevalue("young_child").pk}
    elif changes == "stranger":
        changes = {"person": PersonFactory(kommune=familie.projekt.kommune).pk}
    elif changes == "member_elsewhere":  # visible to the user, but in another family
        changes = {"person": adult_of(family_of(koordinator, familie.projekt)).pk}
    grants_before = SagsdelUserObjectPermission.objects.count()

    answer = api_as(koordinator).post(
        CONSENTS, _consent_body(familie, department, **changes), format="json"
    )

    assert answer.status_code == 400, answer.content
    assert list(answer.json()) == [field]
    assert all(isinstance(m, str) for m in answer.json()[field])
    assert not Samtykke.objects.exists()
    assert SagsdelUserObjectPermission.objects.count() == grants_before


def test_consent_on_an_invisible_family_is_404_and_on_a_read_only_one_403(
    koordinator, familie, department, projekt
):
    outsider = api_as(user_with_role(Rolle.KOORDINATOR, projekt))
    reader = api_as(department["case_worker"])  # sees the family, may not change it
    body = _consent_body(familie, department)

    assert outsider.post(CONSENTS, body, format="json").status_code == 404
    refused = reader.post(CONSENTS, body, format="json")
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}
    assert not Samtykke.objects.exists()


# --- The error format -----------------------------------------------------------------------


def test_a_services_validation_error_becomes_400_by_field_with_non_field_errors():
    error = DjangoValidationError({NON_FIELD_ERRORS: ["Hele formen"], "cpr": ["Forkert"]})

    answer = api_errors.exception_handler(error, {})

    assert answer.status_code == 400
    assert answer.data == {"non_field_errors": ["Hele formen"], "cpr": ["Forkert"]}
    plain = api_errors.exception_handler(DjangoValidationError("Allerede gjort"), {})
    assert plain.data == {"non_field_errors": ["Allerede gjort"]}


def test_404_and_403_never_carry_the_exceptions_own_message():
    not_found = api_errors.exception_handler(Http404("Familie 12 findes ikke for dig"), {})
    denied = api_errors.exception_handler(PermissionDenied("Kun projektlederen"), {})

    assert (not_found.status_code, not_found.data) == (404, {"detail": "Ikke fundet."})
    assert denied.status_code == 403
    assert "projektlederen" not in str(denied.data["detail"])


def test_a_bare_list_validation_error_is_keyed_as_non_field_errors():
    answer = api_errors.exception_handler(serializers.ValidationError("Forkert"), {})

    assert answer.data == {"non_field_errors": ["Forkert"]}
