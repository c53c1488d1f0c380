"""Pages of the family plan: sector partition, query counts, htmx editing, conflicts, portal."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familieplan import services
from familieplan.models import Indsats, Planversion
from kerne import adgang
from kerne import services as kerne_services
from kerne.models import Adgangslog, Delingsregel, Familie, Medarbejder, Rolle, Sektor
from tests.factories import ForvaltningFactory, add_member, family_of
from tests.familieplan.factories import (
    TODAY,
    activity_data,
    agree,
    bulk_activities,
    draft_with,
    integrated,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(
        Rolle.KOORDINATOR,
        first_name="Karin",
        last_name="Koordinator",
        email="karin@example.invalid",
    )
    Medarbejder.objects.filter(bruger=user).update(telefon="70 11 22 33")
    integrated(projekt)
    return user


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt, betegnelse="Familien Holm")


@pytest.fixture
def jobcenter_worker(make_user, projekt, familie):
    """A job-centre case worker with a case on the family; no consent to the family sector."""
    leader = make_user(Rolle.PROJEKTLEDER)
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    worker = make_user(Rolle.SAGSBEHANDLER)
    Medarbejder.objects.filter(bruger=worker).update(forvaltning=jobcenter)
    kerne_services.delingsregel_saet(
        acting_user=leader,
        projekt=projekt,
        rolle=Rolle.SAGSBEHANDLER,
        sektor=Sektor.BOERN_FAMILIE,
        regel=Delingsregel.Regel.WITH_CONSENT,
    )
    kerne_services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=worker
    )
    return worker


@pytest.fixture
def plan(koordinator, familie):
    version = draft_with(
        koordinator,
        familie,
        {"titel": "Praktik i Netto"},
        {
            "titel": "Familiebehandling i Familiehuset",
            "sektor": Sektor.BOERN_FAMILIE,
            "art": "familiebehandling",
        },
    )
    agree(koordinator, version)
    return version


def url(name, *args):
    return reverse(f"familieplan:{name}", args=args)


def test_the_case_worker_without_consent_sees_only_the_job_centres_activities(
    client, plan, jobcenter_worker, koordinator
):
    client.force_login(jobcenter_worker)
    page = client.get(url("version", plan.pk))
    assert page.status_code == 200
    assert "Praktik i Netto" in page.content.decode()
    assert "Familiebehandling" not in page.content.decode()

    hidden = plan.indsatser.get(sagsdel__sektor=Sektor.BOERN_FAMILIE)
    assert client.get(url("indsats", hidden.pk)).status_code == 404
    assert Adgangslog.objects.filter(
        bruger_id=jobcenter_worker.pk, handling="denied", objekt_id=str(hidden.pk)
    ).exists()

    client.force_login(koordinator)
    assert "Familiebehandling" in client.get(url("version", plan.pk)).content.decode()


def test_the_plan_page_sends_the_case_manager_to_the_draft_and_others_to_the_agreed_version(
    client, plan, koordinator, jobcenter_worker, familie
):
    draft = services.kladde_opret(acting_user=koordinator, familie=familie)
    client.force_login(koordinator)
    assert client.get(url("plan", familie.pk))["Location"] == url("version", draft.pk)
    client.force_login(jobcenter_worker)
    assert client.get(url("plan", familie.pk))["Location"] == url("version", plan.pk)


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_plan_page_query_count_does_not_grow_with_the_activities(
    client, koordinator, familie, projekt
):
    small = services.plan_opret(acting_user=koordinator, familie=familie)
    bulk_activities(small, 5)
    other = family_of(koordinator, projekt)
    large = services.plan_opret(acting_user=koordinator, familie=other)
    bulk_activities(large, 50)
    client.force_login(koordinator)

    assert _queries(client, url("version", small.pk)) == _queries(client, url("version", large.pk))


def test_the_to_do_list_query_count_does_not_grow(client, koordinator, familie, projekt):
    for target, count in ((familie, 2), (family_of(koordinator, projekt), 30)):
        version = services.plan_opret(acting_user=koordinator, familie=target)
        bulk_activities(version, count, startdato=TODAY - datetime.timedelta(days=90))
        agree(koordinator, version)
    client.force_login(koordinator)
    page = client.get(url("opfoelgninger"))
    assert len(page.context["page_obj"].object_list) == 32
    with CaptureQueriesContext(connection) as few:
        client.get(url("opfoelgninger"), {"side": 1})
    services.kladde_opret(acting_user=koordinator, familie=familie)
    with CaptureQueriesContext(connection) as again:
        client.get(url("opfoelgninger"))
    assert len(few) == len(again)


def test_adding_an_activity_inline_with_htmx(client, koordinator, familie):
    version = services.plan_opret(acting_user=koordinator, familie=familie)
    client.force_login(koordinator)

    form = client.get(url("indsats_ny", version.pk), headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert b"<html" not in form.content
    assert b'data-testid="indsats-form"' in form.content

    person = familie.medlemskaber.get(rolle="voksen").person
    data = {
        "titel": "Jobsøgning",
        "sektor": Sektor.BESKAEFTIGELSE,
        "art": "kursus",
        "personer": [person.pk],
        "maal": "Job",
        "maalopfyldelse": "Ansat",
        "tilbud": "Kursus",
        "leverandoer": "Jobcenter",
        "startdato": TODAY.isoformat(),
        "slutdato": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "timer_pr_uge": "10",
        "kadence": "maanedlig",
        "opfoelgningsform": "Samtale",
        "konsekvens_ved_udeblivelse": "Sanktion",
        "ansvarlig": "Jonas",
        "synlig_for_familien": "on",
    }
    saved = client.post(url("indsats_ny", version.pk), data, headers={"HX-Request": "true"})
    assert saved.status_code == 204
    assert saved["HX-Redirect"] == url("version", version.pk)
    assert version.indsatser.get().titel == "Jobsøgning"

    bad = client.post(
        url("indsats_ny", version.pk),
        {**data, "timer_pr_uge": "61", "slutdato": "2000-01-01"},
        headers={"HX-Request": "true"},
    )
    text = bad.content.decode()
    assert "Timer pr. uge skal være mellem 0 og 60." in text
    assert "Slutdatoen skal ligge på eller efter startdatoen." in text
    assert version.indsatser.count() == 1


def test_without_script_a_bad_form_is_a_400_page_with_the_fields_errors(
    client, koordinator, familie
):
    version = services.plan_opret(acting_user=koordinator, familie=familie)
    client.force_login(koordinator)
    page = client.post(url("indsats_ny", version.pk), {"titel": ""})
    assert page.status_code == 400
    text = page.content.decode()
    assert "Giv indsatsen et navn." in text
    assert "Vælg, hvor ofte der følges op på indsatsen." in text


def test_the_collision_check_while_editing_warns_before_saving(client, koordinator, familie):
    version = draft_with(koordinator, familie, {"timer_pr_uge": Decimal(30)})
    person = familie.medlemskaber.get(rolle="voksen").person
    client.force_login(koordinator)

    answer = client.post(
        url("kollisioner", version.pk),
        {
            "titel": "Kursus",
            "sektor": Sektor.BESKAEFTIGELSE,
            "art": "kursus",
            "personer": [person.pk],
            "startdato": TODAY.isoformat(),
            "slutdato": (TODAY + datetime.timedelta(days=10)).isoformat(),
            "timer_pr_uge": "10",
        },
        headers={"HX-Request": "true"},
    )

    text = answer.content.decode()
    assert "40" in text
    assert "Virksomhedspraktik" in text
    assert "Kursus" in text
    assert version.indsatser.count() == 1


def test_the_second_editor_sees_a_conflict_and_keeps_their_input(
    client, koordinator, familie, make_user, projekt
):
    version = draft_with(koordinator, familie, {})
    indsats = version.indsatser.get()
    other = make_user(Rolle.KOORDINATOR)
    Familie.objects.filter(pk=familie.pk).update(koordinator=other)
    adgang.sync_family_grants(familie, reason="test")
    client.force_login(other)
    form = client.get(url("indsats_ret", indsats.pk)).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["personer"] = [p.pk for p in data["personer"]]
    data["faelles_maal"] = ""
    data["synlig_for_familien"] = "on"
    services.indsats_gem(
        acting_user=other,
        version=version,
        indsats=indsats,
        data=activity_data(familie, titel="Gemt først"),
        revision=indsats.revision,
    )

    answer = client.post(url("indsats_ret", indsats.pk), {**data, "titel": "Mit udkast"})

    assert answer.status_code == 409
    text = answer.content.decode()
    assert "ændret af en anden" in text
    assert "Mit udkast" in text  # the editor's own input is still in the form
    assert "Gemt først" in text  # and the saved version is shown next to it
    assert Indsats.objects.get(pk=indsats.pk).titel == "Gemt først"
    assert answer.context["form"]["revision"].value() == str(
        Indsats.objects.get(pk=indsats.pk).revision
    )


def test_agreeing_through_the_page(client, koordinator, familie):
    version = draft_with(koordinator, familie, {})
    person = familie.medlemskaber.get(rolle="voksen").person
    client.force_login(koordinator)
    page = client.get(url("version_aftal", version.pk))
    assert page.status_code == 200

    answer = client.post(
        url("version_aftal", version.pk),
        {
            "revision": version.revision,
            "aftalt_med": [person.pk],
            "aftalt_dato": TODAY.isoformat(),
            "aftalt_form": "moede",
        },
    )

    assert answer.status_code == 302
    assert Planversion.objects.get(pk=version.pk).status == "aftalt"
    refused = client.post(url("indsats_ny", version.pk), {})
    assert refused.status_code == 403


def test_the_diff_page(client, koordinator, familie, plan):
    v2 = services.kladde_opret(acting_user=koordinator, familie=familie)
    services.indsats_gem(
        acting_user=koordinator,
        version=v2,
        data=activity_data(familie, titel="Ny mentor", art="mentor"),
    )
    client.force_login(koordinator)
    page = client.get(url("version_forskel", v2.pk, plan.pk))
    assert page.status_code == 200
    assert "Ny mentor" in page.content.decode()


# --- Portal -----------------------------------------------------------------------------------


@pytest.fixture
def borger(make_user, familie):
    user = make_user(Rolle.BORGER)
    person = familie.medlemskaber.get(rolle="voksen").person
    person.bruger = user
    person.save(update_fields=["bruger"])
    return user


def test_the_portal_shows_the_latest_agreed_plan_the_family_may_see(
    client, koordinator, familie, borger, plan
):
    services.kladde_opret(acting_user=koordinator, familie=familie)
    draft = familie.planversioner.get(status="kladde")
    services.indsats_gem(
        acting_user=koordinator, version=draft, data=activity_data(familie, titel="Kun i kladden")
    )
    intern = plan.indsatser.get(titel="Praktik i Netto")
    Indsats.objects.filter(pk=intern.pk).update(synlig_for_familien=False)
    services.moede_gem(
        acting_user=koordinator,
        familie=familie,
        tidspunkt=datetime.datetime(2099, 1, 5, 10, tzinfo=datetime.UTC),
        sted="Rådhuset",
    )
    client.force_login(borger)

    assert "Familiebehandling i Familiehuset" in client.get(url("portal")).content.decode()
    page = client.get(url("portal_familie", familie.pk))

    text = page.content.decode()
    assert "Familiebehandling i Familiehuset" in text
    assert "Praktik i Netto" not in text
    assert "Kun i kladden" not in text
    assert "Karin Koordinator" in text
    assert "70 11 22 33" in text
    assert "karin@example.invalid" in text
    assert "Rådhuset" in text
    assert Adgangslog.objects.filter(
        bruger_id=borger.pk, handling="read", familie_id=familie.pk
    ).exists()


def test_the_portal_answers_404_for_another_family_and_logs_the_attempt(
    client, koordinator, projekt, borger, plan
):
    other = family_of(koordinator, projekt)
    client.force_login(borger)
    assert client.get(url("portal_familie", other.pk)).status_code == 404
    assert client.get(url("portal_familie", 999_999)).status_code == 404
    assert Adgangslog.objects.filter(
        bruger_id=borger.pk, handling="denied", familie_id=other.pk
    ).exists()


def test_no_portal_once_the_family_is_discharged_or_the_membership_ended(
    client, familie, borger, plan
):
    client.force_login(borger)
    Familie.objects.filter(pk=familie.pk).update(status=Familie.Status.AFSLUTTET)
    assert client.get(url("portal_familie", familie.pk)).status_code == 404
    Familie.objects.filter(pk=familie.pk).update(status=Familie.Status.AKTIV)
    familie.medlemskaber.filter(person__bruger=borger).update(
        til=TODAY - datetime.timedelta(days=1)
    )
    assert client.get(url("portal_familie", familie.pk)).status_code == 404
    assert client.get(url("portal")).status_code == 200


def test_a_citizen_in_two_families_chooses(client, koordinator, projekt, familie, borger, plan):
    second = family_of(koordinator, projekt, members=0, betegnelse="Familien Berg")
    add_member(
        second, familie.medlemskaber.get(rolle="voksen").person, rolle="voksen", relation="mor"
    )
    client.force_login(borger)

    page = client.get(url("portal"))

    assert page.status_code == 200
    assert "Familien Holm" in page.content.decode()
    assert "Familien Berg" in page.content.decode()
    assert client.get(url("portal_familie", second.pk)).status_code == 200


def test_staff_pages_refuse_the_citizen(client, borger, plan):
    client.force_login(borger)
    assert client.get(url("version", plan.pk)).status_code == 403


# --- Stafetlog ------------------------------------------------------------------------------


def test_a_named_professional_sees_the_stafetlog_and_nothing_else(
    client, koordinator, familie, plan, make_user
):
    fagperson = make_user(Rolle.FAGPERSON)
    parent = familie.medlemskaber.get(rolle="voksen").person
    services.aktoer_gem(
        acting_user=koordinator,
        familie=familie,
        data=services.AktoerData(
            navn="Maja",
            rolle="Mentor",
            kontakt="tlf. 12",
            bruger=fagperson,
            maa_laese=True,
            laeseadgang_besluttet_af=parent,
        ),
    )
    services.aftale_opret(
        acting_user=koordinator, familie=familie, hvad="Ringe til lægen", hvem="Mor", frist=TODAY
    )
    client.force_login(fagperson)

    assert "Ringe til lægen" in client.get(url("stafetlog", familie.pk)).content.decode()
    assert client.get(url("mine_stafetlogs")).status_code == 200
    assert client.get(url("version", plan.pk)).status_code == 403
    assert client.get(reverse("kerne:familie_detalje", args=[familie.pk])).status_code == 404
    assert not adgang.can(fagperson, adgang.VIEW, familie)
