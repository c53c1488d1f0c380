"""The visitation's pages: forms and their validation, the board, access, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kerne import adgang
from kerne.models import Adgangslog, Familie, FamilieUserObjectPermission
from tests.factories import FamilieFactory, family_of
from tests.visitation.factories import TODAY, draft, meeting, submitted
from visitation import services
from visitation.models import Dagsordenspunkt, Indstilling, Tildeling

pytestmark = pytest.mark.django_db
S = Familie.Status


def person_form(prefix_rows: list[dict]) -> dict:
    data = {
        "person-TOTAL_FORMS": "4",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "0",
        "person-MAX_NUM_FORMS": "10",
    }
    for index, row in enumerate(prefix_rows):
        data.update({f"person-{index}-{key}": value for key, value in row.items()})
    return data


MOTHER = {
    "cpr": "120385-4000",
    "fornavn": "Hanne",
    "efternavn": "Holm",
    "rolle": "voksen",
    "relation": "mor",
    "foraeldremyndighed": "on",
}


# --- Referral form -------------------------------------------------------------------------------


def test_the_referral_form_names_the_fields_in_error(client, org):
    client.force_login(org.sagsbehandler)

    response = client.post(
        reverse("visitation:indstilling_ny"),
        {**person_form([{**MOTHER, "cpr": "320185-4000", "fornavn": ""}]), "betegnelse": "X"},
    )

    assert response.status_code == 200
    row = response.context["personer"].forms[0]
    assert row.errors["fornavn"] == ["Skriv personens fornavn."]
    assert "cpr" in row.errors
    assert not Familie.objects.filter(betegnelse="X").exists()


def test_a_new_family_needs_its_name(client, org):
    client.force_login(org.sagsbehandler)

    response = client.post(reverse("visitation:indstilling_ny"), person_form([MOTHER]))

    assert response.status_code == 200
    assert response.context["valg"].errors["betegnelse"] == [
        "Skriv den nye families betegnelse, eller vælg en eksisterende familie."
    ]


def test_a_referral_is_drafted_completed_and_submitted_through_the_pages(client, org):
    client.force_login(org.sagsbehandler)
    answers = dict.fromkeys(("kendt_begge", "ydelse", "genovervejes", "tvaerfaglig"), "ja")

    response = client.post(
        reverse("visitation:indstilling_ny"),
        {
            **person_form([MOTHER]),
            "betegnelse": "Familien Holm",
            "begrundelse": "Familien har sager i fire afdelinger.",
            **answers,
            "motivation": "nej",
            "motivation_note": "Faren er usikker",
        },
    )
    indstilling = Indstilling.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visitation:indstilling_rediger", args=[indstilling.pk])
    assert indstilling.motivation is False

    edit = reverse("visitation:indstilling_rediger", args=[indstilling.pk])
    form = client.get(edit).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v not in (None, "")}, "indsend": "1"}
    response = client.post(edit, data)
    assert response.status_code == 200
    assert response.context["form"].errors["samtykke_givet_af"]

    mother = indstilling.familie.personer.get()
    data.update(
        samtykke_givet_af=mother.pk, samtykke_dato=TODAY.isoformat(), samtykke_form="skriftligt"
    )
    response = client.post(edit, data)

    assert response.status_code == 302
    indstilling.refresh_from_db()
    assert indstilling.indsendt is not None
    assert indstilling.familie.status == S.INDSTILLET
    page = client.get(reverse("visitation:indstilling_detalje", args=[indstilling.pk]))
    assert "Faren er usikker" in page.content.decode()
    assert "120385-XXXX" in page.content.decode()


def test_a_duplicate_referral_is_refused_on_the_page(client, org):
    familie = family_of(org.koordinator, org.projekt, status=S.AFVIST)
    submitted_one = submitted(org)
    client.force_login(org.projektleder)

    response = client.post(
        reverse("visitation:indstilling_ny"),
        {**person_form([]), "familie": submitted_one.familie.pk},
    )

    assert response.status_code == 200
    assert "familie" in response.context["valg"].errors, "not offered: not referable"
    assert familie in response.context["valg"].fields["familie"].queryset


# --- The board and its access ---------------------------------------------------------------


def test_the_agenda_lists_only_submitted_referrals(client, org):
    draft(org, betegnelse="Familien Kladde", start=5)
    submitted(org, betegnelse="Familien Indsendt", start=6)
    moede = meeting(org)
    client.force_login(org.leder_familie)

    response = client.get(reverse("visitation:moede_detalje", args=[moede.pk]))

    body = response.content.decode()
    assert "Familien Indsendt" in body
    assert "Familien Kladde" not in body
    assert [row.punkt.familie.betegnelse for row in response.context["punkter"]] == [
        "Familien Indsendt"
    ]


def test_a_board_member_loses_the_referral_after_the_decision_html_and_api(client, org):
    indstilling = submitted(org)
    moede = meeting(org, members=[org.projektleder, org.leder_familie])
    punkt = moede.punkter.get()
    detail = reverse("visitation:indstilling_detalje", args=[indstilling.pk])
    api_detail = reverse("api:referral-detail", args=[indstilling.pk])
    api = APIClient()
    api.force_authenticate(org.leder_familie)
    client.force_login(org.leder_familie)
    assert client.get(detail).status_code == 200
    assert api.get(api_detail).status_code == 200

    response = client.post(
        reverse("visitation:punkt_beslut", args=[punkt.pk]),
        {f"punkt{punkt.pk}-beslutning": "optag"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Beslutningen er registreret." in response.content.decode()
    assert "Familien Holm" not in response.content.decode(), "the name goes with the access"
    assert client.get(detail).status_code == 404
    assert api.get(api_detail).status_code == 404
    assert (
        client.get(reverse("kerne:familie_detalje", args=[indstilling.familie_id])).status_code
        == 404
    )
    assert Adgangslog.objects.filter(
        bruger_id=org.leder_familie.pk, handling="denied", familie_id=indstilling.familie_id
    ).exists()


def test_a_rejection_without_a_reason_shows_the_error_at_the_field(client, org):
    submitted(org)
    moede = meeting(org)
    punkt = moede.punkter.get()
    client.force_login(org.projektleder)

    response = client.post(
        reverse("visitation:punkt_beslut", args=[punkt.pk]),
        {f"punkt{punkt.pk}-beslutning": "afvis"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Skriv begrundelsen for afvisningen." in response.content.decode()
    punkt.refresh_from_db()
    assert punkt.beslutning == ""


def test_the_board_page_uses_the_same_queries_for_10_and_200_referrals(client, org):
    client.force_login(org.projektleder)
    url = reverse("visitation:oversigt")
    statuses = [S.INDSTILLET, S.PAA_DAGSORDEN, S.VENTELISTE, S.AKTIV, S.AFSLUTTET]
    view_id = adgang._permission_id("familie", "view")

    def add(count: int) -> None:
        familier = Familie.objects.bulk_create(
            FamilieFactory.build(projekt=org.projekt, status=statuses[i % 5], koordinator=None)
            for i in range(count)
        )
        now = timezone.now()
        Indstilling.objects.bulk_create(
            Indstilling(familie=f, oprettet_af=org.sagsbehandler, indsendt=now) for f in familier
        )
        FamilieUserObjectPermission.objects.bulk_create(
            FamilieUserObjectPermission(
                user_id=org.projektleder.pk, permission_id=view_id, content_object=f
            )
            for f in familier
        )

    add(10)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    add(190)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    assert len(small) == len(large), (len(small), len(large))
    columns = {c["status"]: c["antal"] for c in response.context["kolonner"]}
    assert columns == dict.fromkeys(statuses, 40)
    assert all(len(c["familier"]) == 10 for c in response.context["kolonner"])


def test_the_meeting_page_uses_the_same_queries_for_few_and_many_items(client, org):
    client.force_login(org.projektleder)
    moede = meeting(org, dato=TODAY + datetime.timedelta(days=7))
    url = reverse("visitation:moede_detalje", args=[moede.pk])
    view_id = adgang._permission_id("familie", "view")

    def add(count: int, offset: int) -> None:
        familier = Familie.objects.bulk_create(
            FamilieFactory.build(projekt=org.projekt, status=S.PAA_DAGSORDEN) for _ in range(count)
        )
        referrals = Indstilling.objects.bulk_create(
            Indstilling(familie=f, oprettet_af=org.sagsbehandler, indsendt=timezone.now())
            for f in familier
        )
        Dagsordenspunkt.objects.bulk_create(
            Dagsordenspunkt(
                moede=moede,
                indstilling=i,
                familie=i.familie,
                raekkefoelge=offset + n,
                forrige_status=S.INDSTILLET,
            )
            for n, i in enumerate(referrals)
        )
        FamilieUserObjectPermission.objects.bulk_create(
            FamilieUserObjectPermission(
                user_id=org.projektleder.pk, permission_id=view_id, content_object=f
            )
            for f in familier
        )

    add(3, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(40, 3)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    assert len(small) == len(large)
    assert len(response.context["punkter"]) == 43


# --- Capacity and assignment --------------------------------------------------------------------


def test_the_capacity_page_shows_load_target_and_the_waiting_list_in_order(client, org):
    org.projekt.kapacitet_pr_koordinator = 1
    org.projekt.maal_antal_familier = 5
    org.projekt.save()
    family_of(org.koordinator, org.projekt)
    family_of(org.koordinator, org.projekt)
    first = submitted(org, betegnelse="Familien Først", start=1)
    second = submitted(org, betegnelse="Familien Anden", start=2)
    moede = meeting(org)
    for punkt in moede.punkter.order_by("-raekkefoelge"):
        services.beslutning_registrer(
            acting_user=org.projektleder, punkt=punkt, beslutning="venteliste"
        )
    Indstilling.objects.filter(pk=first.pk).update(
        indsendt=timezone.now() - datetime.timedelta(days=30)
    )
    client.force_login(org.projektleder)

    response = client.get(reverse("visitation:kapacitet"))

    body = response.content.decode()
    assert "Aktive familier: 2 af målet på 5." in body
    rows = {r.koordinator.username: r.belastning for r in response.context["raekker"]}
    assert (rows["koordinator1"].aktive, rows["koordinator1"].over) == (2, 1)
    assert "1 over kapacitet" in body
    venteliste = response.context["venteliste"]
    assert [r["familie"].pk for r in venteliste] == [first.familie_id, second.familie_id]
    assert venteliste[0]["dage"] == 30


def test_assigning_beyond_capacity_asks_for_confirmation_on_the_page(client, org):
    org.projekt.kapacitet_pr_koordinator = 1
    org.projekt.save()
    family_of(org.koordinator, org.projekt)
    indstilling = submitted(org)
    services.beslutning_registrer(
        acting_user=org.projektleder, punkt=meeting(org).punkter.get(), beslutning="optag"
    )
    client.force_login(org.projektleder)
    url = reverse("visitation:tildel", args=[indstilling.familie_id])

    response = client.post(url, {"koordinator": org.koordinator.pk})

    assert response.status_code == 200
    assert response.context["over"]
    assert "Bekræft, at familien skal tildeles ud over kapaciteten." in response.content.decode()
    assert not Tildeling.objects.exists()

    response = client.post(
        url,
        {"koordinator": org.koordinator.pk, "bekraeft_over_kapacitet": "on", "begrundelse": "Ok"},
    )

    assert response.status_code == 302
    assert Tildeling.objects.get().over_kapacitet


def test_the_case_manager_sees_their_deadlines_only(client, org):
    mine = family_of(org.koordinator, org.projekt)
    theirs = family_of(org.koordinator2, org.projekt)
    for familie in (mine, theirs):
        services._open_stay(familie, optaget=TODAY - datetime.timedelta(days=100))
    client.force_login(org.koordinator)

    response = client.get(reverse("visitation:frister"))

    rows = response.context["raekker"]
    assert [r["forloeb"].familie_id for r in rows] == [mine.pk]
    assert rows[0]["tilstand"] == "overskredet"
    assert "Overskredet" in response.content.decode()


# --- Discharge and timeline -----------------------------------------------------------------------


def test_discharge_through_the_page_and_the_timeline_shows_it(client, org):
    familie = family_of(org.koordinator, org.projekt)
    client.force_login(org.koordinator)
    url = reverse("visitation:udslus", args=[familie.pk])

    response = client.post(url, {"aarsag": "andet", "dato": TODAY.isoformat()})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["aarsag_tekst"] == ["Beskriv årsagen, når du vælger »Andet«."]
    assert "overdragelsesnote" in errors

    response = client.post(
        url,
        {
            "aarsag": "flyttet",
            "dato": TODAY.isoformat(),
            "overdragelsesnote": "Familieafdelingen overtager opfølgningen.",
        },
    )

    assert response.status_code == 302
    timeline = client.get(reverse("visitation:forloeb", args=[familie.pk]))
    body = timeline.content.decode()
    assert "Aktiv → Afsluttet" in body
    assert "Familieafdelingen overtager opfølgningen." in body
    assert "Familien er flyttet" in body
    assert client.get(url).status_code == 302, "no second discharge"
