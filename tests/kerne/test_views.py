"""The kernel's pages: family list and overview, person page, CPR reveal, consent."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kerne import adgang, services
from kerne.models import (
    Adgangslog,
    Delingsregel,
    Familie,
    Medarbejder,
    Rolle,
    Samtykke,
    Sektor,
)
from tests.factories import ForvaltningFactory, PersonFactory, add_member, family_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LIST = reverse("kerne:familie_liste")


def overview(familie) -> str:
    return reverse("kerne:familie_detalje", args=[familie.pk])


def hyphenated(cpr: str) -> str:
    return f"{cpr[:6]}-{cpr[6:]}"


def listed(response) -> list[int]:
    return [familie.pk for familie in response.context["page_obj"].object_list]


@pytest.fixture
def koordinator(make_user):
    return make_user(Rolle.KOORDINATOR, first_name="Karin", last_name="Koordinator")


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt, betegnelse="Familien Østergaard")


@pytest.fixture
def departments(projekt, make_user, familie):
    """A job centre with a case worker and an open case on the family, and a family department.

    The project lets case workers see the child-and-family sector with consent.
    """
    leader = make_user(Rolle.PROJEKTLEDER)
    jobcenter = ForvaltningFactory(
        kommune=projekt.kommune, navn="Jobcenter", sektor=Sektor.BESKAEFTIGELSE
    )
    familieafdeling = ForvaltningFactory(
        kommune=projekt.kommune, navn="Familieafdelingen", sektor=Sektor.BOERN_FAMILIE
    )
    worker = make_user(Rolle.SAGSBEHANDLER)
    Medarbejder.objects.filter(bruger=worker).update(forvaltning=jobcenter)
    services.delingsregel_saet(
        acting_user=leader,
        projekt=projekt,
        rolle=Rolle.SAGSBEHANDLER,
        sektor=Sektor.BOERN_FAMILIE,
        regel=Delingsregel.Regel.WITH_CONSENT,
    )
    services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=worker
    )
    return {"worker": worker, "jobcenter": jobcenter, "familieafdeling": familieafdeling}


def consent_data(familie, modtager, **overrides) -> dict:
    adult = familie.medlemskaber.get(rolle="voksen").person
    data = {
        "person": adult.pk,
        "sektorer": [Sektor.BOERN_FAMILIE],
        "modtagere": [modtager.pk],
        "formaal": "Koordinering af familiens plan",
        "gyldig_fra": TODAY.isoformat(),
        "gyldig_til": "",
    }
    data.update(overrides)
    return data


# --- Family list -------------------------------------------------------------------------------


def test_the_assigned_case_manager_sees_the_family_in_the_list_and_overview(
    client, koordinator, familie
):
    client.force_login(koordinator)

    listing = client.get(LIST)
    page = client.get(overview(familie))

    assert listed(listing) == [familie.pk]
    assert "Familien Østergaard" in listing.content.decode()
    assert page.status_code == 200
    assert "Karin Koordinator" in page.content.decode()


def test_an_unassigned_case_manager_neither_lists_nor_opens_the_family(client, make_user, familie):
    client.force_login(make_user(Rolle.KOORDINATOR))

    listing = client.get(LIST)
    page = client.get(overview(familie))

    assert listed(listing) == []
    assert "Ingen familier matcher søgningen." in listing.content.decode()
    assert page.status_code == 404
    assert Adgangslog.objects.filter(
        handling=Adgangslog.Handling.DENIED, familie_id=familie.pk
    ).exists()


def test_families_and_evaluators_are_refused_the_staff_pages(client, make_user, familie):
    for rolle in (Rolle.BORGER, Rolle.EVALUATOR):
        client.force_login(make_user(rolle))
        assert client.get(LIST).status_code == 403
        assert client.get(overview(familie)).status_code == 403


def test_the_list_logs_a_read_of_each_family_shown(client, koordinator, familie, projekt):
    other = family_of(koordinator, projekt)
    client.force_login(koordinator)

    client.get(LIST)

    reads = Adgangslog.objects.filter(handling=Adgangslog.Handling.READ, bruger_id=koordinator.pk)
    assert sorted(reads.values_list("familie_id", flat=True)) == sorted([familie.pk, other.pk])
    assert set(reads.values_list("formaal", flat=True)) == {Adgangslog.Formaal.SAGSBEHANDLING}


def test_searching_by_a_members_name_finds_the_family(client, koordinator, familie, projekt):
    family_of(koordinator, projekt)
    add_member(familie, PersonFactory(kommune=projekt.kommune, efternavn="Kjærsgaard"))
    client.force_login(koordinator)

    response = client.get(LIST, {"q": "kjærsgaard"})

    assert response.status_code == 200
    assert listed(response) == [familie.pk]


@pytest.mark.parametrize("with_hyphen", [True, False])
def test_searching_by_cpr_finds_the_family_without_the_number_in_any_url(
    client, koordinator, familie, projekt, with_hyphen
):
    family_of(koordinator, projekt)
    cpr = familie.medlemskaber.first().person.cpr
    query = hyphenated(cpr) if with_hyphen else cpr
    client.force_login(koordinator)

    response = client.get(LIST, {"q": query, "status": "aktiv"}, follow=True)

    assert listed(response) == [familie.pk]
    assert response.redirect_chain
    for url, _status in response.redirect_chain:
        assert cpr[:6] not in url
        assert "soeg=" in url
        assert "status=aktiv" in url
    assert cpr[:6] not in response.request["QUERY_STRING"]


def test_a_posted_cpr_search_is_held_in_the_session_too(client, koordinator, familie):
    cpr = familie.medlemskaber.first().person.cpr
    client.force_login(koordinator)

    response = client.post(LIST, {"q": hyphenated(cpr)})
    assert response.status_code == 302
    assert cpr[:6] not in response["Location"]

    followed = client.get(response["Location"])
    assert listed(followed) == [familie.pk]


def test_an_unknown_search_token_lists_everything_and_says_the_search_expired(
    client, koordinator, familie
):
    client.force_login(koordinator)

    response = client.get(LIST, {"soeg": "ukendt"})

    assert listed(response) == [familie.pk]
    assert "Søgningen er udløbet" in response.content.decode()


def test_filters_by_status_and_case_manager(client, make_user, projekt, koordinator, familie):
    leader = make_user(Rolle.PROJEKTLEDER)
    other_manager = make_user(Rolle.KOORDINATOR)
    closed = family_of(koordinator, projekt, status=Familie.Status.AFSLUTTET)
    others = family_of(other_manager, projekt)
    adgang.sync_project_grants(projekt, reason="test")  # the leader came after the family
    client.force_login(leader)

    everything = client.get(LIST)
    active = client.get(LIST, {"status": Familie.Status.AKTIV})
    by_manager = client.get(LIST, {"koordinator": other_manager.pk})
    page = everything.content.decode()

    assert sorted(listed(everything)) == sorted([familie.pk, closed.pk, others.pk])
    assert sorted(listed(active)) == sorted([familie.pk, others.pk])
    assert listed(by_manager) == [others.pk]
    assert f'value="{koordinator.pk}"' in page  # the project's case managers are the choices


def test_the_list_shows_only_the_active_project(client, koordinator, familie):
    from kerne.models import Projektrolle
    from tests.factories import ProjektFactory

    elsewhere = ProjektFactory()
    Projektrolle.objects.create(bruger=koordinator, projekt=elsewhere, rolle=Rolle.KOORDINATOR)
    abroad = family_of(koordinator, elsewhere)
    client.force_login(koordinator)

    assert listed(client.get(LIST)) == [familie.pk]
    client.post(reverse("kerne:projekt_vaelg"), {"projekt": elsewhere.pk})
    assert listed(client.get(LIST)) == [abroad.pk]


def test_thirty_families_make_two_pages_and_the_links_keep_the_filters(
    client, koordinator, projekt
):
    for _ in range(30):
        family_of(koordinator, projekt, members=1)
    client.force_login(koordinator)

    first = client.get(LIST, {"status": "aktiv"})
    second = client.get(LIST, {"status": "aktiv", "side": 2})

    assert len(listed(first)) == 25
    assert len(listed(second)) == 5
    assert set(listed(first)).isdisjoint(listed(second))
    assert "?status=aktiv&amp;side=2" in first.content.decode()
    assert 'aria-current="page"' in second.content.decode()


def test_the_navigation_leads_staff_to_the_families(client, koordinator, make_user):
    client.force_login(koordinator)
    page = client.get(reverse("rapporter:start_koordinator")).content.decode()
    assert f'href="{LIST}"' in page
    assert f'href="{reverse("rapporter:start_koordinator")}"' in page

    client.force_login(make_user(Rolle.PROJEKTLEDER))
    page = client.get(reverse("rapporter:start_projektleder")).content.decode()
    assert f'href="{reverse("kerne:adgangslog")}"' in page


# --- Overview --------------------------------------------------------------------------------


def test_the_overview_logs_a_read_of_the_family(client, koordinator, familie):
    client.force_login(koordinator)

    client.get(overview(familie))

    row = Adgangslog.objects.get(handling=Adgangslog.Handling.READ, familie_id=familie.pk)
    assert row.bruger_id == koordinator.pk
    assert row.projekt_id == familie.projekt_id


def test_the_overview_shows_members_with_masked_cpr_numbers(client, koordinator, familie):
    client.force_login(koordinator)

    page = client.get(overview(familie)).content.decode()

    for medlemskab in familie.medlemskaber.select_related("person"):
        cpr = medlemskab.person.cpr
        assert medlemskab.person.fulde_navn in page
        assert f"{cpr[:6]}-XXXX" in page
        # Never the whole number (four digits alone could be any id on the page).
        assert f"{cpr[:6]}-{cpr[6:]}" not in page
        assert cpr not in page
        assert reverse("kerne:person_detalje", args=[medlemskab.person_id]) in page


def test_a_department_case_worker_sees_only_their_sector_until_consent_and_after_withdrawal(
    client, koordinator, familie, departments
):
    worker, jobcenter = departments["worker"], departments["jobcenter"]

    def sectors_seen() -> list[str]:
        client.force_login(worker)
        response = client.get(overview(familie))
        assert response.status_code == 200
        return [kode for kode, _label in response.context["sektorer"]]

    assert sectors_seen() == [Sektor.BESKAEFTIGELSE]
    page = client.get(overview(familie)).content.decode()
    assert "Beskæftigelse" in page
    assert "Børn og familie" not in page

    client.force_login(koordinator)
    created = client.post(
        reverse("kerne:samtykke_ny", args=[familie.pk]), consent_data(familie, jobcenter)
    )
    assert created.status_code == 302
    assert sectors_seen() == [Sektor.BESKAEFTIGELSE, Sektor.BOERN_FAMILIE]

    client.force_login(koordinator)
    samtykke = Samtykke.objects.get()
    withdrawn = client.post(
        reverse("kerne:samtykke_tilbagekald", args=[samtykke.pk]), {"note": "Ringede"}
    )
    assert withdrawn.status_code == 302
    assert sectors_seen() == [Sektor.BESKAEFTIGELSE]


def test_a_department_case_is_shown_only_to_those_who_see_its_sector(
    client, make_user, familie, departments, projekt
):
    services.afdelingssag_aabn(
        acting_user=make_user(Rolle.PROJEKTLEDER),
        familie=familie,
        forvaltning=departments["familieafdeling"],
    )
    client.force_login(departments["worker"])

    cases = client.get(overview(familie)).context["afdelingssager"]

    assert [sag.forvaltning.navn for sag in cases] == ["Jobcenter"]


def test_only_those_who_may_change_the_family_get_the_consent_buttons(
    client, koordinator, familie, departments
):
    client.force_login(koordinator)
    assert "Registrér samtykke" in client.get(overview(familie)).content.decode()

    client.force_login(departments["worker"])
    assert "Registrér samtykke" not in client.get(overview(familie)).content.decode()
    assert client.get(reverse("kerne:samtykke_ny", args=[familie.pk])).status_code == 403


# --- Person page and CPR reveal --------------------------------------------------------------


def test_the_person_page_shows_the_masked_number_and_the_visible_families(
    client, koordinator, familie, projekt, make_user
):
    person = familie.medlemskaber.first().person
    hidden = family_of(make_user(Rolle.KOORDINATOR), projekt, betegnelse="Familien Skjult")
    add_member(hidden, person, relation="far")
    client.force_login(koordinator)

    response = client.get(reverse("kerne:person_detalje", args=[person.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert person.fulde_navn in page
    assert f"{person.cpr[:6]}-XXXX" in page
    assert "Familien Østergaard" in page
    assert "Familien Skjult" not in page
    assert Adgangslog.objects.filter(
        handling=Adgangslog.Handling.READ, person_id=person.pk
    ).exists()


def test_a_person_outside_the_users_families_is_not_found(client, make_user, familie):
    person = familie.medlemskaber.first().person
    client.force_login(make_user(Rolle.KOORDINATOR))

    response = client.get(reverse("kerne:person_detalje", args=[person.pk]))

    assert response.status_code == 404
    assert Adgangslog.objects.filter(
        handling=Adgangslog.Handling.DENIED, person_id=person.pk
    ).exists()


def test_revealing_the_cpr_number_shows_it_once_and_logs_it(client, koordinator, familie):
    person = familie.medlemskaber.first().person
    client.force_login(koordinator)

    response = client.post(reverse("kerne:person_cpr", args=[person.pk]), {"familie": familie.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert hyphenated(person.cpr) in page
    assert "no-store" in response["Cache-Control"]
    row = Adgangslog.objects.get(handling=Adgangslog.Handling.CPR_REVEAL)
    assert (row.person_id, row.familie_id, row.bruger_id) == (
        person.pk,
        familie.pk,
        koordinator.pk,
    )
    assert person.cpr not in str(row.detaljer)

    again = client.get(reverse("kerne:person_detalje", args=[person.pk])).content.decode()
    assert hyphenated(person.cpr) not in again
    assert f"{person.cpr[:6]}-XXXX" in again


def test_the_cpr_reveal_refuses_a_family_the_user_cannot_see(
    client, koordinator, familie, projekt, make_user
):
    person = familie.medlemskaber.first().person
    foreign = family_of(make_user(Rolle.KOORDINATOR), projekt)
    client.force_login(koordinator)

    response = client.post(reverse("kerne:person_cpr", args=[person.pk]), {"familie": foreign.pk})
    get = client.get(reverse("kerne:person_cpr", args=[person.pk]))

    assert response.status_code == 404
    assert get.status_code == 405
    assert not Adgangslog.objects.filter(handling=Adgangslog.Handling.CPR_REVEAL).exists()


# --- Consent ---------------------------------------------------------------------------------


def test_recording_a_consent_lists_it_as_valid(client, koordinator, familie, departments):
    client.force_login(koordinator)
    url = reverse("kerne:samtykke_ny", args=[familie.pk])

    form = client.get(url)
    response = client.post(url, consent_data(familie, departments["jobcenter"]), follow=True)

    assert form.status_code == 200
    assert form.context["form"]["gyldig_fra"].value() == TODAY
    page = response.content.decode()
    assert "Samtykket er registreret." in page
    assert "Gyldig" in page
    assert "Koordinering af familiens plan" in page
    samtykke = Samtykke.objects.get()
    assert samtykke.sektorer == [Sektor.BOERN_FAMILIE]
    assert list(samtykke.modtagere.all()) == [departments["jobcenter"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sektorer": []}, "sektorer"),
        ({"modtagere": []}, "modtagere"),
        ({"formaal": ""}, "formaal"),
        ({"gyldig_fra": "31.02.2026"}, "gyldig_fra"),
        (
            {
                "gyldig_fra": TODAY.isoformat(),
                "gyldig_til": (TODAY - datetime.timedelta(days=1)).isoformat(),
            },
            "gyldig_til",
        ),
    ],
)
def test_consent_form_errors_name_the_field_and_store_nothing(
    client, koordinator, familie, departments, change, field
):
    client.force_login(koordinator)

    response = client.post(
        reverse("kerne:samtykke_ny", args=[familie.pk]),
        consent_data(familie, departments["jobcenter"], **change),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error_1"' in response.content.decode()
    assert not Samtykke.objects.exists()


def test_a_refusal_from_the_service_is_shown_under_its_field(
    client, koordinator, familie, departments
):
    child = PersonFactory(
        kommune=familie.projekt.kommune, cpr=None, foedselsdato=datetime.date(2020, 5, 1)
    )
    add_member(familie, child, rolle="barn", relation="barn")
    client.force_login(koordinator)

    response = client.post(
        reverse("kerne:samtykke_ny", args=[familie.pk]),
        consent_data(familie, departments["jobcenter"], person=child.pk),
    )

    assert response.status_code == 200
    assert "voksen i familien" in " ".join(response.context["form"].errors["person"])
    assert not Samtykke.objects.exists()


def test_the_consent_form_offers_only_current_members_and_the_municipalitys_departments(
    client, koordinator, familie, departments
):
    former = add_member(familie, til=datetime.date(2026, 2, 1)).person
    foreign_department = ForvaltningFactory()
    client.force_login(koordinator)

    form = client.get(reverse("kerne:samtykke_ny", args=[familie.pk])).context["form"]

    people = set(form.fields["person"].queryset)
    assert former not in people
    assert people == {m.person for m in familie.medlemskaber.filter(til__isnull=True)}
    assert foreign_department not in set(form.fields["modtagere"].queryset)


def test_withdrawing_asks_first_then_marks_the_consent_withdrawn(
    client, koordinator, familie, departments
):
    client.force_login(koordinator)
    client.post(
        reverse("kerne:samtykke_ny", args=[familie.pk]),
        consent_data(familie, departments["jobcenter"]),
    )
    samtykke = Samtykke.objects.get()
    url = reverse("kerne:samtykke_tilbagekald", args=[samtykke.pk])

    question = client.get(url)
    assert "Vil du tilbagekalde samtykket?" in question.content.decode()
    samtykke.refresh_from_db()
    assert samtykke.tilbagekaldt is None

    response = client.post(url, {"note": "Borgeren ringede"}, follow=True)

    page = response.content.decode()
    samtykke.refresh_from_db()
    assert "Samtykket er tilbagekaldt." in page
    assert f"Tilbagekaldt {TODAY:%d.%m.%Y} af Karin Koordinator" in page
    assert samtykke.tilbagekaldelse_note == "Borgeren ringede"
    assert client.post(url, follow=True).redirect_chain[-1][0] == overview(familie)


def test_withdrawing_is_refused_to_those_who_may_only_see_the_family(
    client, koordinator, familie, departments, make_user
):
    samtykke = services.samtykke_registrer(
        acting_user=koordinator,
        familie=familie,
        person=familie.medlemskaber.get(rolle="voksen").person,
        sektorer=[Sektor.BOERN_FAMILIE],
        modtagere=[departments["jobcenter"]],
        formaal="Plan",
        gyldig_fra=TODAY,
    )
    url = reverse("kerne:samtykke_tilbagekald", args=[samtykke.pk])

    client.force_login(departments["worker"])
    assert client.post(url).status_code == 403
    client.force_login(make_user(Rolle.KOORDINATOR))
    assert client.post(url).status_code == 404
    samtykke.refresh_from_db()
    assert samtykke.tilbagekaldt is None


# --- Bounded queries --------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("few", "many"), [(10, 200)])
def test_the_family_list_queries_the_same_whatever_the_number_of_families(
    client, koordinator, projekt, django_assert_max_num_queries, few, many
):
    for _ in range(few):
        family_of(koordinator, projekt, members=1)
    client.force_login(koordinator)
    client.get(LIST)  # warm the per-process caches (permission ids, content types)

    with django_assert_max_num_queries(15):
        with_few = _queries(client, LIST)
    for _ in range(many - few):
        family_of(koordinator, projekt, members=1)
    with django_assert_max_num_queries(15):
        with_many = _queries(client, LIST)

    assert with_few == with_many


@pytest.mark.parametrize(("few", "many"), [(2, 12)])
def test_the_overview_queries_the_same_whatever_the_number_of_members(
    client, koordinator, projekt, departments, familie, django_assert_max_num_queries, few, many
):
    services.samtykke_registrer(
        acting_user=koordinator,
        familie=familie,
        person=familie.medlemskaber.get(rolle="voksen").person,
        sektorer=[Sektor.BOERN_FAMILIE],
        modtagere=[departments["jobcenter"]],
        formaal="Plan",
        gyldig_fra=TODAY,
    )
    assert familie.medlemskaber.count() == few
    client.force_login(koordinator)
    client.get(overview(familie))

    with django_assert_max_num_queries(20):
        with_few = _queries(client, overview(familie))
    for _ in range(many - few):
        add_member(familie, rolle="barn", relation="barn")
    with django_assert_max_num_queries(20):
        with_many = _queries(client, overview(familie))

    assert with_few == with_many
