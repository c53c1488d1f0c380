"""The project leader's merge of duplicate persons: the candidate list and the merge page."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kerne import adgang, selectors, services
from kerne.models import (
    Adgangslog,
    Familie,
    Familiemedlemskab,
    Person,
    Rolle,
    Samtykke,
    Sektor,
)
from tests.factories import (
    ForvaltningFactory,
    PersonFactory,
    ProjektFactory,
    add_member,
    family_of,
    user_with_role,
)

pytestmark = pytest.mark.django_db
LIST = reverse("kerne:person_dubletter")
DIFFERENT_CPR = "Personerne har forskellige CPR-numre og kan ikke være den samme person."


def merge_url(behold: Person, dublet: Person) -> str:
    return reverse("kerne:person_flet", kwargs={"behold": behold.pk, "dublet": dublet.pk})


def family_with(koordinator, projekt, *persons: Person, betegnelse: str = "") -> Familie:
    """A family of the given persons (adults), its grants derived."""
    familie = family_of(koordinator, projekt, members=0, sync=False)
    if betegnelse:
        familie.betegnelse = betegnelse
        familie.save(update_fields=["betegnelse"])
    for person in persons:
        add_member(familie, person, rolle="voksen", relation="mor")
    adgang.sync_family_grants(familie, reason="test")
    return familie


@pytest.fixture
def leader(make_user):
    return make_user(Rolle.PROJEKTLEDER)


@pytest.fixture
def koordinator(make_user):
    return make_user(Rolle.KOORDINATOR)


@pytest.fixture
def anna(projekt):
    """Anna Hansen as first registered: with her CPR number."""
    return PersonFactory(kommune=projekt.kommune, fornavn="Anna", efternavn="Hansen")


@pytest.fixture
def anna_uden_cpr(projekt):
    """Anna registered again, without a CPR number and with her name typed in capitals."""
    return PersonFactory(
        kommune=projekt.kommune,
        fornavn="ANNA",
        efternavn="hansen",
        cpr=None,
        adresse="Storegade 1",
        postnummer="8000",
        by="Aarhus C",
    )


@pytest.fixture
def families(koordinator, projekt, anna, anna_uden_cpr):
    """Anna in one family, her duplicate in another of the same project."""
    return {
        "anna": family_with(koordinator, projekt, anna, betegnelse="Familien Hansen"),
        "dublet": family_with(koordinator, projekt, anna_uden_cpr, betegnelse="Familien Holm"),
    }


def consent_by(person: Person, familie: Familie, koordinator) -> Samtykke:
    return services.samtykke_registrer(
        acting_user=koordinator,
        familie=familie,
        person=person,
        sektorer=[Sektor.SUNDHED],
        modtagere=[ForvaltningFactory(kommune=familie.projekt.kommune)],
        formaal="Koordinering",
        gyldig_fra=datetime.date(2026, 1, 1),
    )


# --- The list of candidates -----------------------------------------------------------------


def test_the_list_finds_a_person_registered_again_without_cpr_and_not_unrelated_persons(
    client, leader, koordinator, projekt, anna, anna_uden_cpr, families
):
    kommune = projekt.kommune
    family_with(
        koordinator,
        projekt,
        # Another name, without CPR number.
        PersonFactory(kommune=kommune, fornavn="Anna", efternavn="Jensen", cpr=None),
        # Same surname, another first name.
        PersonFactory(kommune=kommune, fornavn="Bo", efternavn="Hansen", cpr=None),
    )
    # Same name without CPR, but in another municipality's project.
    fremmed = ProjektFactory()
    family_with(
        user_with_role(Rolle.KOORDINATOR, fremmed),
        fremmed,
        PersonFactory(kommune=fremmed.kommune, fornavn="Anna", efternavn="Hansen", cpr=None),
    )
    client.force_login(leader)

    response = client.get(LIST)

    assert response.status_code == 200
    pairs = [(b["person"].pk, d["person"].pk) for b, d in response.context["par"]]
    assert pairs == [(anna.pk, anna_uden_cpr.pk)]
    page = response.content.decode()
    assert merge_url(anna, anna_uden_cpr) in page
    assert selectors.masked_cpr(anna) in page
    assert anna.cpr not in page


def test_two_cpr_numbers_are_two_people_and_never_a_candidate(leader, koordinator, projekt, anna):
    samme_dag_anden_cpr = PersonFactory(
        kommune=projekt.kommune, fornavn="Anna", efternavn="Hansen", foedselsdato=anna.foedselsdato
    )
    uden_cpr_anden_dag = PersonFactory(
        kommune=projekt.kommune,
        fornavn="Anna",
        efternavn="Hansen",
        cpr=None,
        foedselsdato=datetime.date(1990, 1, 1),
    )
    uden_cpr_samme_dag = PersonFactory(
        kommune=projekt.kommune,
        fornavn="Anna",
        efternavn="Hansen",
        cpr=None,
        foedselsdato=anna.foedselsdato,
    )
    family_with(
        koordinator, projekt, anna, samme_dag_anden_cpr, uden_cpr_anden_dag, uden_cpr_samme_dag
    )

    pairs = {(a.pk, b.pk) for a, b in selectors.duplicate_candidates(leader, projekt)}

    assert (anna.pk, uden_cpr_samme_dag.pk) in pairs
    assert (samme_dag_anden_cpr.pk, uden_cpr_samme_dag.pk) in pairs
    assert all(samme_dag_anden_cpr.pk not in pair or anna.pk not in pair for pair in pairs)
    assert all(uden_cpr_anden_dag.pk not in pair for pair in pairs)


def test_the_candidates_are_only_among_persons_the_user_may_see(
    make_user, projekt, leader, families
):
    outsider = make_user(Rolle.KOORDINATOR)

    assert selectors.duplicate_candidates(outsider, projekt) == []
    assert len(selectors.duplicate_candidates(leader, projekt)) == 1


def test_without_candidates_the_list_says_so(client, leader, koordinator, projekt):
    family_of(koordinator, projekt)
    client.force_login(leader)

    response = client.get(LIST)

    assert response.status_code == 200
    assert "Der er ingen mulige dubletter." in response.content.decode()


def test_the_list_takes_a_bounded_number_of_queries(
    client, leader, koordinator, projekt, families, django_assert_max_num_queries
):
    for number in range(5):
        family_with(
            koordinator,
            projekt,
            PersonFactory(kommune=projekt.kommune, fornavn=f"Navn{number}", efternavn="Ens"),
            PersonFactory(
                kommune=projekt.kommune, fornavn=f"navn{number}", efternavn="ens", cpr=None
            ),
        )
    client.force_login(leader)

    with django_assert_max_num_queries(15):
        response = client.get(LIST)

    assert len(response.context["par"]) == 6


def test_the_list_is_in_the_project_leaders_menu(client, leader):
    client.force_login(leader)

    response = client.get(LIST)

    assert f'href="{LIST}"' in response.content.decode()


# --- The merge page ---------------------------------------------------------------------------


def test_the_merge_page_shows_both_persons_and_asks_first(
    client, leader, anna, anna_uden_cpr, families, django_assert_max_num_queries
):
    client.force_login(leader)

    with django_assert_max_num_queries(20):
        response = client.get(merge_url(anna, anna_uden_cpr))

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Alle oplysninger om dubletten flyttes til den person, der beholdes. "
        "Handlingen kan ikke fortrydes."
    ) in page
    assert "Flet personerne" in page
    assert "Familien Hansen" in page
    assert "Familien Holm" in page
    assert "Storegade 1" in page
    assert selectors.masked_cpr(anna) in page
    assert anna.cpr not in page
    assert merge_url(anna_uden_cpr, anna) in page  # swap which one is kept
    assert Person.objects.filter(pk__in=[anna.pk, anna_uden_cpr.pk]).count() == 2


def test_merging_moves_memberships_and_consents_to_the_person_kept(
    client, leader, koordinator, anna, anna_uden_cpr, families
):
    samtykke = consent_by(anna_uden_cpr, families["dublet"], koordinator)
    client.force_login(leader)

    response = client.post(merge_url(anna, anna_uden_cpr))

    assert response.status_code == 302
    assert response["Location"] == reverse("kerne:person_detalje", args=[anna.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Personerne er flettet."]
    assert not Person.objects.filter(pk=anna_uden_cpr.pk).exists()
    assert set(
        Familiemedlemskab.objects.filter(person=anna).values_list("familie_id", flat=True)
    ) == {families["anna"].pk, families["dublet"].pk}
    samtykke.refresh_from_db()
    assert samtykke.person_id == anna.pk
    anna.refresh_from_db()
    assert anna.adresse == "Storegade 1"  # filled in from the duplicate, where empty


def test_the_person_kept_gets_the_cpr_number_only_the_duplicate_had(
    client, leader, anna, anna_uden_cpr, families
):
    cpr, foedselsdato = anna.cpr, anna.foedselsdato
    client.force_login(leader)

    response = client.post(merge_url(anna_uden_cpr, anna))

    assert response["Location"] == reverse("kerne:person_detalje", args=[anna_uden_cpr.pk])
    anna_uden_cpr.refresh_from_db()
    assert anna_uden_cpr.cpr == cpr
    assert anna_uden_cpr.foedselsdato == foedselsdato
    assert not Person.objects.filter(pk=anna.pk).exists()


def test_duplicates_in_the_same_family_leave_one_membership(
    client, leader, koordinator, projekt, anna, anna_uden_cpr
):
    familie = family_with(koordinator, projekt, anna, anna_uden_cpr)
    client.force_login(leader)

    client.post(merge_url(anna, anna_uden_cpr))

    assert list(familie.medlemskaber.values_list("person_id", flat=True)) == [anna.pk]


def test_persons_with_different_cpr_numbers_are_not_merged(
    client, leader, koordinator, projekt, anna
):
    anden_anna = PersonFactory(kommune=projekt.kommune, fornavn="Anna", efternavn="Hansen")
    familie = family_with(koordinator, projekt, anna, anden_anna)
    before = list(familie.medlemskaber.order_by("pk").values_list("pk", "person_id"))
    client.force_login(leader)

    response = client.post(merge_url(anna, anden_anna))

    assert response.status_code == 400
    assert DIFFERENT_CPR in response.content.decode()
    assert Person.objects.filter(pk__in=[anna.pk, anden_anna.pk]).count() == 2
    assert list(familie.medlemskaber.order_by("pk").values_list("pk", "person_id")) == before
    assert not Adgangslog.objects.filter(handling=Adgangslog.Handling.CHANGE).exists()


def test_a_person_is_not_merged_with_itself(client, leader, anna, families):
    client.force_login(leader)

    response = client.post(merge_url(anna, anna))

    assert response.status_code == 400
    assert "Vælg to forskellige personer." in response.content.decode()
    assert Person.objects.filter(pk=anna.pk).exists()


def test_a_case_manager_may_not_merge(client, koordinator, anna, anna_uden_cpr, families):
    client.force_login(koordinator)

    assert client.get(LIST).status_code == 403
    assert client.get(merge_url(anna, anna_uden_cpr)).status_code == 403
    assert client.post(merge_url(anna, anna_uden_cpr)).status_code == 403
    assert Person.objects.filter(pk=anna_uden_cpr.pk).exists()


def test_a_project_leader_of_another_municipality_finds_neither_person(
    client, anna, anna_uden_cpr, families
):
    client.force_login(user_with_role(Rolle.PROJEKTLEDER, ProjektFactory()))

    assert client.get(merge_url(anna, anna_uden_cpr)).status_code == 404
    assert client.post(merge_url(anna, anna_uden_cpr)).status_code == 404
    assert Person.objects.filter(pk=anna_uden_cpr.pk).exists()
    assert Adgangslog.objects.filter(
        handling=Adgangslog.Handling.DENIED, person_id=anna.pk
    ).exists()


def test_the_merge_is_in_the_audit_log(client, leader, anna, anna_uden_cpr, families):
    dublet_id = anna_uden_cpr.pk
    client.force_login(leader)

    client.post(merge_url(anna, anna_uden_cpr))

    row = Adgangslog.objects.get(handling=Adgangslog.Handling.CHANGE, person_id=anna.pk)
    assert row.detaljer["merged_person_id"] == dublet_id
    assert row.bruger_id == leader.pk


def test_the_families_grants_still_follow_the_facts_after_a_merge(
    client, leader, koordinator, anna, anna_uden_cpr, families
):
    consent_by(anna_uden_cpr, families["dublet"], koordinator)
    client.force_login(leader)

    client.post(merge_url(anna, anna_uden_cpr))

    for familie in Familie.objects.filter(medlemskaber__person=anna).distinct():
        assert adgang.current_grants(familie) == adgang.derive_grants(familie)
    assert adgang.current_grants(families["dublet"]) == adgang.derive_grants(families["dublet"])


def test_a_current_membership_survives_when_the_kept_person_had_left_the_family(
    leader, koordinator, projekt, anna, anna_uden_cpr
):
    familie = family_of(koordinator, projekt, members=0, sync=False)
    add_member(
        familie,
        anna,
        fra=datetime.date(2020, 1, 1),
        til=datetime.date(2021, 1, 1),
    )
    add_member(familie, anna_uden_cpr, foraeldremyndighed=True)
    adgang.sync_family_grants(familie, reason="test")

    services.person_flet(acting_user=leader, behold=anna, dublet=anna_uden_cpr)

    current = familie.medlemskaber.get(til__isnull=True)
    assert current.person == anna
    assert current.foraeldremyndighed is True
    assert familie.medlemskaber.count() == 2


def test_custody_is_kept_when_only_the_duplicate_held_it(
    leader, koordinator, projekt, anna, anna_uden_cpr
):
    familie = family_of(koordinator, projekt, members=0, sync=False)
    add_member(familie, anna, foraeldremyndighed=False, fra=datetime.date(2026, 3, 1))
    add_member(familie, anna_uden_cpr, foraeldremyndighed=True, fra=datetime.date(2026, 1, 1))
    adgang.sync_family_grants(familie, reason="test")

    services.person_flet(acting_user=leader, behold=anna, dublet=anna_uden_cpr)

    membership = familie.medlemskaber.get()
    assert membership.foraeldremyndighed is True
    assert membership.fra == datetime.date(2026, 1, 1)
    row = Adgangslog.objects.get(detaljer__has_key="merged_person_id")
    assert row.detaljer["merged_memberships"][0]["foraeldremyndighed"] is True


def test_an_address_is_taken_whole_never_mixed(leader, koordinator, projekt, anna, anna_uden_cpr):
    Person.objects.filter(pk=anna.pk).update(adresse="", postnummer="9999", by="")
    anna.refresh_from_db()
    family_with(koordinator, projekt, anna, anna_uden_cpr)

    merged = services.person_flet(acting_user=leader, behold=anna, dublet=anna_uden_cpr)

    assert (merged.adresse, merged.postnummer, merged.by) == ("", "9999", "")


def test_two_citizen_logins_are_not_merged_silently(
    leader, koordinator, projekt, anna, anna_uden_cpr
):
    family_with(koordinator, projekt, anna, anna_uden_cpr)
    Person.objects.filter(pk=anna.pk).update(bruger=user_with_role(Rolle.BORGER, projekt))
    Person.objects.filter(pk=anna_uden_cpr.pk).update(bruger=user_with_role(Rolle.BORGER, projekt))

    with pytest.raises(ValidationError, match="borgerlogin"):
        services.person_flet(acting_user=leader, behold=anna, dublet=anna_uden_cpr)
    assert Person.objects.filter(pk=anna_uden_cpr.pk).exists()


def test_the_right_of_access_report_follows_a_merge(
    client, leader, koordinator, projekt, anna, anna_uden_cpr
):
    family_with(koordinator, projekt, anna, anna_uden_cpr)
    client.force_login(koordinator)
    client.get(reverse("kerne:person_detalje", kwargs={"pk": anna_uden_cpr.pk}))
    duplicate_id = anna_uden_cpr.pk

    services.person_flet(acting_user=leader, behold=anna, dublet=anna_uden_cpr)

    rows = selectors.accesses_to_person(anna)
    assert rows.filter(person_id=duplicate_id, handling=Adgangslog.Handling.READ).exists()


def test_a_leader_of_another_project_in_the_municipality_may_not_merge(
    koordinator, projekt, anna, anna_uden_cpr
):
    family_with(koordinator, projekt, anna, anna_uden_cpr)
    neighbour = user_with_role(Rolle.PROJEKTLEDER, ProjektFactory(kommune=projekt.kommune))

    with pytest.raises(PermissionDenied):
        services.person_flet(acting_user=neighbour, behold=anna, dublet=anna_uden_cpr)
    assert Person.objects.filter(pk=anna_uden_cpr.pk).exists()
