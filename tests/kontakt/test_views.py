"""The secure messages' pages: isolation (HTML and attachments), availability, refusals,
bounded queries, and the start-page panels."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kerne.dashboard import Scope
from kerne.models import Adgangslog, Fravaer, Medarbejder, Rolle
from kontakt import panels, services
from kontakt.models import Besked, Traad
from tests.factories import user_with_role
from tests.kontakt.factories import PDF_BYTES, family_with_citizen, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(projekt):
    s = family_with_citizen(projekt)
    s.koordinator.first_name = "Karen"
    s.koordinator.email = "karen@example.dk"
    s.koordinator.save()
    Medarbejder.objects.filter(bruger=s.koordinator).update(
        telefon="12345678", traeffetid="Mandag kl. 9–12"
    )
    return s


def _as(client, user):
    client.force_login(user)
    return client


def test_the_family_writes_with_an_attachment_and_sees_the_availability(client, s):
    _as(client, s.borger)
    url = reverse("kontakt:portal_traad", args=[s.familie.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "12345678" in html
    assert "Mandag kl. 9–12" in html
    assert "karen@example.dk" in html
    answer = client.post(
        url, {"tekst": "Hej Karen", "vedhaeftninger": [upload("brev.pdf", PDF_BYTES)]}
    )
    assert answer.status_code == 302
    besked = Besked.objects.get()
    assert besked.tekst == "Hej Karen"
    assert besked.vedhaeftninger.count() == 1
    assert "Hej Karen" in client.get(url).content.decode()


def test_a_refused_attachment_answers_400_with_the_rule_and_stores_nothing(client, s):
    _as(client, s.borger)
    response = client.post(
        reverse("kontakt:portal_traad", args=[s.familie.pk]),
        {"tekst": "Se her", "vedhaeftninger": [upload("program.pdf", b"MZ" + b"\0" * 50)]},
    )
    assert response.status_code == 400
    assert "Filen “program.pdf” kan ikke sendes" in response.content.decode()
    assert Besked.objects.count() == 0


def test_another_familys_thread_and_attachment_are_404(client, s, projekt):
    other = family_with_citizen(projekt)
    besked = services.besked_send(
        acting_user=other.borger,
        familie=other.familie,
        tekst="Privat",
        filer=[upload("foto.png", png_bytes())],
    )
    fil = besked.vedhaeftninger.get()
    _as(client, s.borger)
    assert client.get(reverse("kontakt:portal_traad", args=[other.familie.pk])).status_code == 404
    assert client.get(reverse("kontakt:vedhaeftning", args=[fil.pk])).status_code == 404
    _as(client, s.koordinator)
    assert client.get(reverse("kontakt:traad", args=[other.familie.pk])).status_code == 404
    assert client.get(reverse("kontakt:vedhaeftning", args=[fil.pk])).status_code == 404
    assert Adgangslog.objects.filter(handling="denied", familie_id=other.familie.pk).count() == 4
    _as(client, other.borger)
    download = client.get(reverse("kontakt:vedhaeftning", args=[fil.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == png_bytes()


def test_departments_see_the_thread_only_through_the_family_sector(client, s, projekt):
    from kerne import services as kerne_services
    from tests.factories import ForvaltningFactory

    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    workers = {}
    for sektor in ("beskaeftigelse", "boern_familie"):
        afdeling = ForvaltningFactory(kommune=projekt.kommune, sektor=sektor)
        workers[sektor] = user_with_role(Rolle.SAGSBEHANDLER, projekt)
        Medarbejder.objects.filter(bruger=workers[sektor]).update(forvaltning=afdeling)
        kerne_services.afdelingssag_aabn(
            acting_user=projektleder,
            familie=s.familie,
            forvaltning=afdeling,
            sagsbehandler=workers[sektor],
        )
    url = reverse("kontakt:traad", args=[s.familie.pk])
    _as(client, workers["beskaeftigelse"])
    assert client.get(url).status_code == 404
    _as(client, workers["boern_familie"])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"] is None
    assert client.post(url, {"tekst": "Hej"}).status_code == 403


def test_the_case_manager_answers_and_the_message_is_marked_read(client, s):
    services.besked_send(acting_user=s.borger, familie=s.familie, tekst="Hjælp")
    _as(client, s.koordinator)
    url = reverse("kontakt:traad", args=[s.familie.pk])
    page = client.get(url)
    assert "Gør til opfølgning" in page.content.decode()
    assert Besked.objects.get().laest is not None
    assert client.post(url, {"tekst": "Jeg ringer i morgen"}).status_code == 302
    assert Traad.objects.get().ubesvaret_siden is None
    _as(client, s.borger)
    html = client.get(reverse("kontakt:portal_traad", args=[s.familie.pk])).content.decode()
    assert "Jeg ringer i morgen" in html
    assert "Læst" in html


def test_the_portal_shows_the_substitute_during_an_absence(client, s, projekt):
    vikar = user_with_role(Rolle.KOORDINATOR, projekt, first_name="Vera", last_name="Vikar")
    Medarbejder.objects.filter(bruger=vikar).update(telefon="87654321")
    today = timezone.localdate()
    Fravaer.objects.create(
        projekt=projekt,
        bruger=s.koordinator,
        stedfortraeder=vikar,
        fra=today,
        til=today + datetime.timedelta(days=3),
        registreret_af=vikar,
    )
    _as(client, s.borger)
    html = client.get(reverse("familieplan:portal_familie", args=[s.familie.pk])).content.decode()
    assert "Vera Vikar" in html
    assert "87654321" in html
    assert "er væk til og med" in html
    assert reverse("kontakt:portal_traad", args=[s.familie.pk]) in html


def test_the_inbox_lists_the_longest_wait_first_in_bounded_queries(
    client, s, projekt, django_assert_max_num_queries
):
    now = timezone.now()
    families = [s.familie]
    for _ in range(2):
        families.append(family_with_citizen(projekt, s.koordinator).familie)
    for age, familie in zip((1, 30, 5), families, strict=True):
        Traad.objects.create(familie=familie, ubesvaret_siden=now - datetime.timedelta(hours=age))
    _as(client, s.koordinator)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("kontakt:indbakke"))
    rows = page.context["page_obj"].object_list
    assert [t.familie_id for t in rows] == [families[1].pk, families[2].pk, families[0].pk]
    for _ in range(10):
        familie = family_with_citizen(projekt, s.koordinator).familie
        Traad.objects.create(familie=familie, ubesvaret_siden=now)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("kontakt:indbakke")).status_code == 200


def test_the_thread_page_runs_a_bounded_number_of_queries(client, s, django_assert_max_num_queries):
    for n in range(3):
        services.besked_send(acting_user=s.borger, familie=s.familie, tekst=f"Besked {n}")
    _as(client, s.koordinator)
    url = reverse("kontakt:traad", args=[s.familie.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(25):
        services.besked_send(
            acting_user=s.borger,
            familie=s.familie,
            tekst=f"Mere {n}",
            filer=[upload("a.png", png_bytes())] if n % 5 == 0 else None,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_panels_show_waiting_families_and_response_times(s, projekt):
    services.besked_send(acting_user=s.borger, familie=s.familie, tekst="Hej")
    context = panels.inbox_context(Scope(user=s.koordinator, projekt=projekt))
    assert context["antal"] == 1
    assert context["ventende"][0].familie_id == s.familie.pk
    services.besked_send(acting_user=s.koordinator, familie=s.familie, tekst="Svar")
    figures = panels.response_time_context(Scope(user=s.koordinator, projekt=projekt))
    row = figures["svartider"][0]
    assert row["navn"] == s.koordinator.get_full_name()
    assert row["tal"].besvarede == 1
    assert row["tal"].median_timer is not None


def test_absence_pages_for_the_project_leader(client, s, projekt):
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    vikar = user_with_role(Rolle.KOORDINATOR, projekt)
    _as(client, projektleder)
    today = timezone.localdate()
    bad = client.post(
        reverse("kontakt:fravaer"),
        {
            "bruger": s.koordinator.pk,
            "stedfortraeder": s.koordinator.pk,
            "fra": today,
            "til": today,
        },
    )
    assert bad.status_code == 400
    assert "Stedfortræderen skal være en anden" in bad.content.decode()
    ok = client.post(
        reverse("kontakt:fravaer"),
        {"bruger": s.koordinator.pk, "stedfortraeder": vikar.pk, "fra": today, "til": today},
    )
    assert ok.status_code == 302
    fravaer = Fravaer.objects.get()
    assert services.may_answer(vikar, s.familie)
    url = reverse("kontakt:fravaer_afslut", args=[fravaer.pk])
    assert "Ja, afslut fraværet" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Fravaer.objects.exists()  # it began today: removed
    assert not services.may_answer(vikar, s.familie)


def test_notification_page_lists_and_marks_seen_and_saves_choices(client, s):
    services.besked_send(acting_user=s.borger, familie=s.familie, tekst="Hej")
    _as(client, s.koordinator)
    page = client.get(reverse("kontakt:notifikationer"))
    assert "Du har en ny besked fra Helhedsindsats" in page.content.decode()
    assert s.koordinator.notifikationer.filter(set__isnull=True).count() == 0
    refused = client.post(reverse("kontakt:notifikationer"), {"sms": "on", "mobil": ""})
    assert refused.status_code == 400
    assert "mobilnummer" in refused.content.decode()
    saved = client.post(reverse("kontakt:notifikationer"), {"sms": "on", "mobil": "12345678"})
    assert saved.status_code == 302
    valg = s.koordinator.notifikationsvalg
    assert valg.sms
    assert not valg.email
    assert valg.mobil == "12345678"


def test_own_contact_details_are_saved(client, s):
    _as(client, s.koordinator)
    response = client.post(
        reverse("kontakt:kontaktinfo"), {"telefon": "11223344", "traeffetid": "Tirsdag 10–12"}
    )
    assert response.status_code == 302
    medarbejder = Medarbejder.objects.get(bruger=s.koordinator)
    assert (medarbejder.telefon, medarbejder.traeffetid) == ("11223344", "Tirsdag 10–12")


def test_the_start_pages_render_the_panels(client, s, projekt):
    services.besked_send(acting_user=s.borger, familie=s.familie, tekst="Hej")
    _as(client, s.koordinator)
    start = client.get(reverse("rapporter:start_koordinator"))
    panel = start.content.decode()
    assert 'data-testid="panel-inbox"' in panel
    assert "1 familie venter på svar." in panel
    services.besked_send(acting_user=s.koordinator, familie=s.familie, tekst="Svar")
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt, first_name="Pia")
    _as(client, projektleder)
    html = client.get(reverse("rapporter:start_projektleder")).content.decode()
    assert 'data-testid="response-time-row"' in html
    assert s.koordinator.get_full_name() in html
