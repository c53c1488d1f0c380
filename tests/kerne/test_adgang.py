"""The access policy: who sees which family and which sector, derived from the facts."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kerne import adgang, services
from kerne.models import (
    Adgangslog,
    Delingsregel,
    Familie,
    Medarbejder,
    Projektrolle,
    Rolle,
    Sektor,
)
from tests.factories import (
    ForvaltningFactory,
    ProjektFactory,
    UserFactory,
    family_of,
    user_with_role,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setup(projekt):
    """A project with a case manager, a job centre case worker and a family."""
    leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    familieafdeling = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BOERN_FAMILIE)
    case_worker = user_with_role(Rolle.SAGSBEHANDLER, projekt)
    Medarbejder.objects.filter(bruger=case_worker).update(forvaltning=jobcenter)
    familie = family_of(koordinator, projekt)
    return {
        "leader": leader,
        "koordinator": koordinator,
        "case_worker": case_worker,
        "jobcenter": jobcenter,
        "familieafdeling": familieafdeling,
        "familie": familie,
        "projekt": projekt,
    }


def _policy(projekt, rolle, regel, sektorer=Sektor.values):
    for sektor in sektorer:
        Delingsregel.objects.update_or_create(
            projekt=projekt, rolle=rolle, sektor=sektor, defaults={"regel": regel}
        )


def _job_centre_case(setup, regel):
    """The job centre opens a case on the family, under the given policy for case workers."""
    _policy(setup["projekt"], Rolle.SAGSBEHANDLER, regel)
    services.afdelingssag_aabn(
        acting_user=setup["leader"], familie=setup["familie"], forvaltning=setup["jobcenter"]
    )
    return setup["case_worker"], setup["familie"]


def test_the_assigned_case_manager_sees_and_changes_the_family(setup):
    koordinator, familie = setup["koordinator"], setup["familie"]

    assert list(adgang.families_for(koordinator)) == [familie]
    assert adgang.can(koordinator, adgang.CHANGE, familie)


def test_an_unassigned_case_manager_sees_nothing_and_gets_404(setup, projekt):
    other = user_with_role(Rolle.KOORDINATOR, projekt)

    assert not adgang.families_for(other).exists()
    with pytest.raises(Http404):
        adgang.get_visible_or_404(other, Familie.objects.all(), pk=setup["familie"].pk)
    refused = Adgangslog.objects.get(handling=Adgangslog.Handling.DENIED)
    assert refused.bruger_id == other.pk
    assert refused.familie_id == setup["familie"].pk


def test_sectors_follow_the_projects_policy_for_the_case_manager(setup):
    koordinator, familie, projekt = setup["koordinator"], setup["familie"], setup["projekt"]
    assert adgang.sectors_for(koordinator, familie) == []

    _policy(projekt, Rolle.KOORDINATOR, Delingsregel.Regel.ALWAYS)
    adgang.sync_project_grants(projekt, reason="test")

    assert adgang.sectors_for(koordinator, familie) == Sektor.values
    assert adgang.sectors_for(koordinator, familie, adgang.CHANGE) == Sektor.values


def test_a_department_case_worker_sees_their_own_sector_only(setup):
    case_worker, familie = setup["case_worker"], setup["familie"]
    services.afdelingssag_aabn(
        acting_user=setup["leader"], familie=familie, forvaltning=setup["jobcenter"]
    )

    assert list(adgang.families_for(case_worker)) == [familie]
    assert adgang.sectors_for(case_worker, familie) == [Sektor.BESKAEFTIGELSE]
    assert not adgang.can(case_worker, adgang.CHANGE, familie)


def test_consent_adds_the_consented_sector_and_withdrawal_removes_it_at_once(setup):
    case_worker, familie = _job_centre_case(setup, Delingsregel.Regel.WITH_CONSENT)
    mother = familie.medlemskaber.get(rolle="voksen").person

    samtykke = services.samtykke_registrer(
        acting_user=setup["koordinator"],
        familie=familie,
        person=mother,
        sektorer=[Sektor.BOERN_FAMILIE],
        modtagere=[setup["jobcenter"]],
        formaal="Fælles plan",
        gyldig_fra=TODAY - datetime.timedelta(days=1),
    )
    assert adgang.sectors_for(case_worker, familie) == [
        Sektor.BESKAEFTIGELSE,
        Sektor.BOERN_FAMILIE,
    ]

    services.samtykke_tilbagekald(acting_user=setup["koordinator"], samtykke=samtykke)
    assert adgang.sectors_for(case_worker, familie) == [Sektor.BESKAEFTIGELSE]
    change = Adgangslog.objects.filter(handling=Adgangslog.Handling.GRANTS).first()
    assert change.detaljer["reason"] == "samtykke_tilbagekald"
    assert change.detaljer["removed"] == [[case_worker.pk, "view", Sektor.BOERN_FAMILIE]]


def test_consent_to_another_department_gives_this_one_nothing(setup):
    case_worker, familie = _job_centre_case(setup, Delingsregel.Regel.WITH_CONSENT)
    services.samtykke_registrer(
        acting_user=setup["koordinator"],
        familie=familie,
        person=familie.medlemskaber.get(rolle="voksen").person,
        sektorer=[Sektor.SUNDHED],
        modtagere=[setup["familieafdeling"]],
        formaal="Andet",
        gyldig_fra=TODAY,
    )

    assert adgang.sectors_for(case_worker, familie) == [Sektor.BESKAEFTIGELSE]


def test_never_policy_ignores_consent(setup):
    case_worker, familie = _job_centre_case(setup, Delingsregel.Regel.NEVER)
    services.samtykke_registrer(
        acting_user=setup["koordinator"],
        familie=familie,
        person=familie.medlemskaber.get(rolle="voksen").person,
        sektorer=[Sektor.SUNDHED],
        modtagere=[setup["jobcenter"]],
        formaal="Andet",
        gyldig_fra=TODAY,
    )

    assert adgang.sectors_for(case_worker, familie) == [Sektor.BESKAEFTIGELSE]


def test_a_legal_basis_works_like_consent(setup):
    case_worker, familie = _job_centre_case(setup, Delingsregel.Regel.WITH_CONSENT)

    services.hjemmel_registrer(
        acting_user=setup["leader"],
        familie=familie,
        sektor=Sektor.SKOLE_DAGTILBUD,
        modtager=setup["jobcenter"],
        paragraf="SEL § 49 b",
        gyldig_fra=TODAY - datetime.timedelta(days=3),
    )

    assert Sektor.SKOLE_DAGTILBUD in adgang.sectors_for(case_worker, familie)


def test_an_expired_or_future_consent_gives_nothing(setup):
    case_worker, familie = _job_centre_case(setup, Delingsregel.Regel.WITH_CONSENT)
    person = familie.medlemskaber.get(rolle="voksen").person
    for fra, til in [(TODAY - datetime.timedelta(days=30), TODAY - datetime.timedelta(days=1))]:
        services.samtykke_registrer(
            acting_user=setup["koordinator"],
            familie=familie,
            person=person,
            sektorer=[Sektor.SUNDHED],
            modtagere=[setup["jobcenter"]],
            formaal="Udløbet",
            gyldig_fra=fra,
            gyldig_til=til,
        )
    services.samtykke_registrer(
        acting_user=setup["koordinator"],
        familie=familie,
        person=person,
        sektorer=[Sektor.VOKSEN_SOCIAL],
        modtagere=[setup["jobcenter"]],
        formaal="Fremtidigt",
        gyldig_fra=datetime.date(2099, 1, 1),
    )

    assert adgang.sectors_for(case_worker, familie) == [Sektor.BESKAEFTIGELSE]


def test_the_project_leader_sees_every_family_of_the_project_but_no_other(setup):
    other_project = ProjektFactory()
    other_leader = user_with_role(Rolle.PROJEKTLEDER, other_project)
    foreign_family = family_of(user_with_role(Rolle.KOORDINATOR, other_project), other_project)

    assert list(adgang.families_for(setup["leader"])) == [setup["familie"]]
    assert list(adgang.families_for(other_leader)) == [foreign_family]
    assert not adgang.can(other_leader, adgang.VIEW, setup["familie"])


def test_superusers_get_no_implicit_access(setup):
    root = UserFactory(is_superuser=True, is_staff=True)

    assert not adgang.families_for(root).exists()
    assert not adgang.can(root, adgang.VIEW, setup["familie"])


def test_citizens_and_evaluators_get_no_staff_access(setup, projekt):
    for rolle in (Rolle.BORGER, Rolle.EVALUATOR):
        user = user_with_role(rolle, projekt)
        assert not adgang.families_for(user).exists()


def test_a_removed_role_removes_the_access_it_gave(setup):
    leader, projekt = setup["leader"], setup["projekt"]
    other_leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    services.projektrolle_fjern(
        acting_user=other_leader, projekt=projekt, bruger=leader, rolle=Rolle.PROJEKTLEDER
    )

    assert not adgang.families_for(leader).exists()
    assert not Projektrolle.objects.filter(bruger=leader).exists()


def test_reassigning_the_case_manager_moves_the_access(setup, projekt):
    new = user_with_role(Rolle.KOORDINATOR, projekt)

    services.koordinator_tildel(
        acting_user=setup["leader"], familie=setup["familie"], koordinator=new
    )

    assert list(adgang.families_for(new)) == [setup["familie"]]
    assert not adgang.families_for(setup["koordinator"]).exists()


def test_explicit_grants_last_until_their_end_date(setup, projekt):
    guest = user_with_role(Rolle.FAGPERSON, projekt)

    services.eksplicit_adgang_giv(
        acting_user=setup["leader"],
        familie=setup["familie"],
        bruger=guest,
        tilladelse="view",
        begrundelse="Psykolog i forløbet",
        gyldig_til=datetime.date(2099, 1, 1),
        sektor=Sektor.SUNDHED,
    )

    assert adgang.sectors_for(guest, setup["familie"]) == [Sektor.SUNDHED]


def test_stored_grants_always_equal_the_derived_ones(setup):
    for familie in Familie.objects.all():
        assert adgang.current_grants(familie) == adgang.derive_grants(familie)


@pytest.mark.parametrize("families", [3, 30])
def test_listing_visible_families_is_one_query(setup, projekt, families):
    for _ in range(families):
        family_of(setup["koordinator"], projekt, members=1)
    adgang._permission_id.cache_clear()
    adgang._permission_id("familie", "view")

    with CaptureQueriesContext(connection) as queries:
        ids = list(adgang.families_for(setup["koordinator"]).values_list("pk", flat=True))

    assert len(ids) == families + 1
    assert len(queries) == 1


def test_a_discharged_family_is_read_only_for_everyone(setup):
    koordinator, familie = setup["koordinator"], setup["familie"]
    _policy(setup["projekt"], Rolle.KOORDINATOR, Delingsregel.Regel.ALWAYS)

    Familie.objects.filter(pk=familie.pk).update(status=Familie.Status.AFSLUTTET)
    adgang.sync_family_grants(familie, reason="test")

    assert adgang.can(koordinator, adgang.VIEW, familie)
    assert not adgang.can(koordinator, adgang.CHANGE, familie)
    assert adgang.sectors_for(koordinator, familie, adgang.CHANGE) == []
    assert adgang.sectors_for(koordinator, familie) == Sektor.values


def test_a_registered_grant_source_adds_its_grants(setup, projekt):
    guest = user_with_role(Rolle.AFDELINGSLEDER, projekt)
    familie = setup["familie"]

    def board_member(f, today):
        return {adgang.Grant(guest.pk, adgang.VIEW)} if f.pk == familie.pk else set()

    adgang.register_grant_source(board_member)
    try:
        adgang.sync_family_grants(familie, reason="test")
        assert adgang.can(guest, adgang.VIEW, familie)
    finally:
        adgang.GRANT_SOURCES.remove(board_member)
    adgang.sync_family_grants(familie, reason="test")
    assert not adgang.can(guest, adgang.VIEW, familie)
