"""The visitation's services: lifecycle, referrals, the board, assignment, discharge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kerne import adgang
from kerne.models import Adgangslog, Afdelingssag, Familie, Person, Rolle
from tests.factories import FamilieFactory, family_of, user_with_role
from tests.visitation.factories import (
    ALL_YES,
    TODAY,
    complete,
    draft,
    meeting,
    submitted,
)
from visitation import services
from visitation.models import Dagsordenspunkt, Forloeb, Indstilling, Statusskift, Tildeling

pytestmark = pytest.mark.django_db
S = Familie.Status


# --- The transition table ------------------------------------------------------------------------

LEGAL = sorted(services.TRANSITIONS)
ILLEGAL = sorted(
    (fra, til)
    for fra in S.values
    for til in S.values
    if fra != til and (fra, til) not in services.TRANSITIONS
)


def test_the_table_is_the_lifecycle_of_the_domain():
    assert services.allowed_targets(S.KLADDE) == [S.INDSTILLET]
    assert services.allowed_targets(S.PAA_DAGSORDEN) == [
        S.INDSTILLET,
        S.OPTAGET,
        S.AFVIST,
        S.VENTELISTE,
    ]
    assert services.allowed_targets(S.VENTELISTE) == [S.PAA_DAGSORDEN, S.OPTAGET]
    assert services.allowed_targets(S.OPTAGET) == [S.AKTIV]
    assert services.allowed_targets(S.AKTIV) == [S.AFSLUTTET]


@pytest.mark.parametrize(("fra", "til"), LEGAL)
def test_every_legal_transition_is_made_and_kept(fra, til, projekt):
    leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    # The project leader holds a role every legal move allows except the case manager's own.
    familie = family_of(None, projekt, status=fra)
    reason = "Fordi" if til in services.REASON_REQUIRED else ""

    skift = services.familie_status_saet(
        acting_user=leader, familie=familie, til=til, begrundelse=reason
    )

    familie.refresh_from_db()
    assert familie.status == til
    assert (skift.fra, skift.til, skift.udfoert_af, skift.begrundelse) == (fra, til, leader, reason)
    assert Adgangslog.objects.filter(
        familie_id=familie.pk, handling="change", detaljer__til=til
    ).exists()


@pytest.mark.parametrize(("fra", "til"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_clear_error(fra, til, projekt):
    leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    familie = family_of(None, projekt, status=fra)

    with pytest.raises(ValidationError) as error:
        services.familie_status_saet(acting_user=leader, familie=familie, til=til, begrundelse="x")

    assert error.value.message_dict["status"] == [
        f"Familien kan ikke skifte fra »{S(fra).label}« til »{S(til).label}«."
    ]
    familie.refresh_from_db()
    assert familie.status == fra
    assert not Statusskift.objects.filter(familie=familie).exists()


@pytest.mark.parametrize("til", [S.AFVIST, S.AFSLUTTET])
def test_rejection_and_discharge_need_a_reason(til, projekt):
    leader = user_with_role(Rolle.PROJEKTLEDER, projekt)
    fra = S.PAA_DAGSORDEN if til == S.AFVIST else S.AKTIV
    familie = family_of(None, projekt, status=fra)

    with pytest.raises(ValidationError) as error:
        services.familie_status_saet(acting_user=leader, familie=familie, til=til, begrundelse=" ")

    assert "begrundelse" in error.value.message_dict


def test_a_role_the_table_does_not_name_may_not_make_the_move(org):
    familie = family_of(org.koordinator, org.projekt, status=S.OPTAGET)

    with pytest.raises(PermissionDenied):
        services.familie_status_saet(acting_user=org.koordinator, familie=familie, til=S.AKTIV)


def test_a_user_who_cannot_see_the_family_may_not_change_its_status(org):
    familie = family_of(org.koordinator, org.projekt, status=S.AKTIV)

    with pytest.raises(PermissionDenied):
        services.familie_status_saet(
            acting_user=org.koordinator2, familie=familie, til=S.AFSLUTTET, begrundelse="x"
        )


# --- Referrals ----------------------------------------------------------------------------------


def test_a_referral_registers_the_family_and_its_persons_and_the_department_case(org):
    indstilling = draft(org)

    familie = indstilling.familie
    assert familie.status == S.KLADDE
    assert sorted(familie.personer.values_list("fornavn", flat=True)) == ["Hanne", "Hugo"]
    assert familie.personer.get(fornavn="Hanne").cpr == "1203854000"
    assert indstilling.forvaltning == org.jobcenter
    sag = Afdelingssag.objects.get(familie=familie)
    assert (sag.forvaltning, sag.sagsbehandler) == (org.jobcenter, org.sagsbehandler)
    assert Statusskift.objects.get(familie=familie).til == S.KLADDE


def test_the_referrer_keeps_access_to_the_family_after_the_decision(org):
    indstilling = submitted(org)
    punkt = meeting(org).punkter.get()

    services.beslutning_registrer(
        acting_user=org.leder_familie, punkt=punkt, beslutning="afvis", begrundelse="Ikke nu"
    )

    # Through the department's case, not the referral: the board's view ended, theirs did not.
    assert adgang.can(org.sagsbehandler, adgang.VIEW, indstilling.familie)
    assert not adgang.can(org.sagsbehandler, adgang.CHANGE, indstilling.familie)


def test_the_draft_lets_the_referrer_change_the_family_and_submission_ends_that(org):
    indstilling = draft(org)
    assert adgang.can(org.sagsbehandler, adgang.CHANGE, indstilling.familie)

    complete(org, indstilling)
    services.indstilling_indsend(acting_user=org.sagsbehandler, indstilling=indstilling)

    assert not adgang.can(org.sagsbehandler, adgang.CHANGE, indstilling.familie)
    assert adgang.can(org.sagsbehandler, adgang.VIEW, indstilling.familie)


def test_submission_needs_every_criterion_the_reason_and_the_consent(org):
    indstilling = services.indstilling_opret_ny_familie(
        acting_user=org.sagsbehandler,
        projekt=org.projekt,
        betegnelse="Familien Holm",
        personer=[
            services.PersonData(
                cpr="", fornavn="Hanne", efternavn="Holm", rolle="voksen", relation="mor"
            )
        ],
        data=services.IndstillingData(kriterier={**ALL_YES, "motivation": None}),
    )

    with pytest.raises(ValidationError) as error:
        services.indstilling_indsend(acting_user=org.sagsbehandler, indstilling=indstilling)

    assert set(error.value.message_dict) == {
        "motivation",
        "begrundelse",
        "samtykke_givet_af",
        "samtykke_dato",
        "samtykke_form",
    }
    indstilling.refresh_from_db()
    assert indstilling.er_kladde
    assert indstilling.familie.status == S.KLADDE


def test_a_submitted_referral_goes_on_the_next_meeting_of_the_project(org):
    later = meeting(org, dato=TODAY + datetime.timedelta(days=14))
    sooner = meeting(org, dato=TODAY + datetime.timedelta(days=7))
    meeting(org, dato=TODAY - datetime.timedelta(days=7))

    indstilling = submitted(org)

    punkt = Dagsordenspunkt.objects.get(indstilling=indstilling)
    assert punkt.moede == sooner
    assert punkt.forrige_status == S.INDSTILLET
    assert not later.punkter.exists()
    indstilling.familie.refresh_from_db()
    assert indstilling.familie.status == S.PAA_DAGSORDEN
    assert list(
        Statusskift.objects.filter(familie=indstilling.familie).values_list("til", flat=True)
    ) == [S.KLADDE, S.INDSTILLET, S.PAA_DAGSORDEN]


def test_without_a_coming_meeting_the_referral_waits_and_a_new_meeting_takes_it(org):
    first = submitted(org, betegnelse="Familien Holm", start=0)
    second = submitted(org, betegnelse="Familien Berg", start=1)
    assert first.familie.status == S.INDSTILLET

    moede = meeting(org, dato=TODAY + datetime.timedelta(days=3))

    assert list(moede.punkter.order_by("raekkefoelge").values_list("indstilling", flat=True)) == [
        first.pk,
        second.pk,
    ]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (S.AKTIV, "Familien er allerede aktiv i projektet og kan ikke indstilles igen."),
        (S.PAA_DAGSORDEN, "Familien er allerede på dagsordenen til et visitationsmøde."),
        (S.INDSTILLET, "Familien er allerede indstillet og venter på et visitationsmøde."),
        (S.VENTELISTE, "Familien står allerede på ventelisten."),
        (S.OPTAGET, "Familien er allerede optaget i projektet og venter på en koordinator."),
    ],
)
def test_a_duplicate_referral_is_refused_with_a_clear_message(status, message, org):
    familie = family_of(None, org.projekt, status=status)

    with pytest.raises(ValidationError) as error:
        services.indstilling_opret(
            acting_user=org.projektleder, familie=familie, data=services.IndstillingData()
        )

    assert error.value.message_dict == {"familie": [message]}
    assert not Indstilling.objects.filter(familie=familie).exists()


def test_a_second_draft_for_the_same_family_is_refused(org):
    indstilling = draft(org)

    with pytest.raises(ValidationError) as error:
        services.indstilling_opret(
            acting_user=org.projektleder,
            familie=indstilling.familie,
            data=services.IndstillingData(),
        )

    assert error.value.message_dict["familie"] == [
        "Familien har allerede en indstilling under udarbejdelse."
    ]


def test_the_database_holds_one_open_referral_per_family(org):
    indstilling = draft(org)

    with pytest.raises(IntegrityError), transaction.atomic():
        Indstilling.objects.create(familie=indstilling.familie, oprettet_af=org.projektleder)


def test_a_new_family_with_a_member_of_an_active_family_is_refused(org):
    active = family_of(org.koordinator, org.projekt, members=0)
    Person.objects.create(kommune=org.projekt.kommune, cpr="1203854000", fornavn="H", efternavn="H")
    active.medlemskaber.create(
        person=Person.objects.with_cpr("1203854000").get(),
        rolle="voksen",
        relation="mor",
        fra=TODAY,
    )

    with pytest.raises(ValidationError) as error:
        draft(org)

    assert "række 1" in error.value.message_dict["personer"][0]
    assert not Familie.objects.filter(betegnelse="Familien Holm").exists()


def test_a_rejected_family_can_be_referred_again(org):
    indstilling = submitted(org)
    punkt = meeting(org).punkter.get()
    services.beslutning_registrer(
        acting_user=org.projektleder, punkt=punkt, beslutning="afvis", begrundelse="Ikke nu"
    )

    again = services.indstilling_opret(
        acting_user=org.sagsbehandler, familie=indstilling.familie, data=services.IndstillingData()
    )
    complete(org, again)
    services.indstilling_indsend(acting_user=org.sagsbehandler, indstilling=again)

    again.familie.refresh_from_db()
    assert again.familie.status == S.PAA_DAGSORDEN


def test_only_referrers_refer(org):
    with pytest.raises(PermissionDenied):
        draft(org, by=org.koordinator)


def test_a_submitted_referral_cannot_be_edited(org):
    indstilling = submitted(org)

    with pytest.raises(ValidationError):
        complete(org, indstilling)


def test_the_consent_is_given_by_an_adult_of_the_family(org):
    indstilling = draft(org)
    child = indstilling.familie.medlemskaber.get(rolle="barn").person

    with pytest.raises(ValidationError) as error:
        services.indstilling_opdater(
            acting_user=org.sagsbehandler,
            indstilling=indstilling,
            data=services.IndstillingData(samtykke_givet_af=child),
        )

    assert "samtykke_givet_af" in error.value.message_dict


# --- The board ---------------------------------------------------------------------------------


def test_board_members_see_the_referral_on_their_agenda_and_lose_it_after_the_decision(org):
    indstilling = submitted(org)
    other = submitted(org, betegnelse="Familien Berg", start=1)
    familie = indstilling.familie
    assert not adgang.can(org.leder_familie, adgang.VIEW, familie)

    moede = meeting(org, members=[org.projektleder, org.leder_familie])

    assert adgang.can(org.leder_familie, adgang.VIEW, familie)
    assert not adgang.can(org.leder_familie, adgang.CHANGE, familie)
    assert adgang.sectors_for(org.leder_familie, familie) == []
    outsider = user_with_role(Rolle.AFDELINGSLEDER, org.projekt)
    meeting(org, dato=TODAY + datetime.timedelta(days=7), members=[outsider])
    assert not adgang.can(outsider, adgang.VIEW, familie), "a member of another meeting"
    # The job centre's leader sees it anyway: their department has a case (criterion 1).
    assert adgang.can(org.leder_job, adgang.VIEW, familie)

    punkt = moede.punkter.get(indstilling=indstilling)
    services.beslutning_registrer(acting_user=org.leder_familie, punkt=punkt, beslutning="optag")

    assert not adgang.can(org.leder_familie, adgang.VIEW, familie)
    assert adgang.can(org.leder_familie, adgang.VIEW, other.familie), "still undecided"


def test_a_member_who_loses_the_board_role_loses_the_view(org):
    submitted(org)
    moede = meeting(org, members=[org.leder_familie])
    familie = moede.punkter.get().familie

    org.leder_familie.projektroller.all().delete()
    adgang.sync_family_grants(familie, reason="test")

    assert not adgang.can(org.leder_familie, adgang.VIEW, familie)


def test_admission_closes_the_referral_and_opens_a_stay_with_the_assessment_deadline(org):
    org.projekt.udredningsfrist_maaneder = 3
    org.projekt.save()
    indstilling = submitted(org)
    moede = meeting(org, dato=datetime.date(2026, 1, 31))
    services.punkt_tilfoej(acting_user=org.projektleder, moede=moede, indstilling=indstilling)
    punkt = moede.punkter.get()

    services.beslutning_registrer(acting_user=org.leder_job, punkt=punkt, beslutning="optag")

    indstilling.refresh_from_db()
    assert indstilling.lukket is not None
    forloeb = Forloeb.objects.get(familie=indstilling.familie)
    assert (forloeb.optaget, forloeb.udredningsfrist) == (
        datetime.date(2026, 1, 31),
        datetime.date(2026, 4, 30),
    )
    # The kernel keeps the day too: the investment baseline and the reports measure from it.
    indstilling.familie.refresh_from_db()
    assert indstilling.familie.optaget == datetime.date(2026, 1, 31)
    punkt.refresh_from_db()
    assert (punkt.beslutning, punkt.besluttet_af) == ("optag", org.leder_job)
    assert punkt.besluttet is not None


def test_rejection_needs_a_reason(org):
    submitted(org)
    punkt = meeting(org).punkter.get()

    with pytest.raises(ValidationError) as error:
        services.beslutning_registrer(
            acting_user=org.projektleder, punkt=punkt, beslutning="afvis", begrundelse="  "
        )

    assert error.value.message_dict == {"begrundelse": ["Skriv begrundelsen for afvisningen."]}
    punkt.refresh_from_db()
    assert punkt.beslutning == ""


def test_the_database_refuses_a_rejection_without_a_reason(org):
    submitted(org)
    punkt = meeting(org).punkter.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Dagsordenspunkt.objects.filter(pk=punkt.pk).update(
            beslutning="afvis", besluttet_af=org.projektleder, besluttet=punkt.moede.oprettet
        )


def test_waiting_list_keeps_the_referral_open_and_the_family_can_be_admitted_later(org):
    indstilling = submitted(org)
    punkt = meeting(org).punkter.get()
    services.beslutning_registrer(
        acting_user=org.projektleder, punkt=punkt, beslutning="venteliste"
    )
    indstilling.refresh_from_db()
    assert indstilling.lukket is None

    services.venteliste_optag(acting_user=org.projektleder, familie=indstilling.familie)

    indstilling.refresh_from_db()
    assert indstilling.familie.status == S.OPTAGET
    assert indstilling.lukket is not None
    assert Forloeb.objects.get(familie=indstilling.familie).optaget == TODAY
    assert indstilling.familie.optaget == TODAY


def test_a_family_on_the_waiting_list_can_go_on_a_later_agenda(org):
    indstilling = submitted(org)
    services.beslutning_registrer(
        acting_user=org.projektleder, punkt=meeting(org).punkter.get(), beslutning="venteliste"
    )
    later = meeting(org, dato=TODAY + datetime.timedelta(days=7))
    assert not later.punkter.exists(), "the waiting list is not pulled in by itself"

    punkt = services.punkt_tilfoej(
        acting_user=org.projektleder, moede=later, indstilling=indstilling
    )

    assert punkt.forrige_status == S.VENTELISTE
    services.punkt_fjern(acting_user=org.projektleder, punkt=punkt)
    indstilling.familie.refresh_from_db()
    assert indstilling.familie.status == S.VENTELISTE


def test_a_non_member_department_leader_may_not_decide(org):
    submitted(org)
    punkt = meeting(org, members=[org.projektleder, org.leder_familie]).punkter.get()

    with pytest.raises(PermissionDenied):
        services.beslutning_registrer(acting_user=org.leder_job, punkt=punkt, beslutning="optag")


def test_decisions_wait_for_the_meeting_day(org):
    submitted(org)
    punkt = meeting(org, dato=TODAY + datetime.timedelta(days=1)).punkter.get()

    with pytest.raises(ValidationError) as error:
        services.beslutning_registrer(acting_user=org.projektleder, punkt=punkt, beslutning="optag")

    assert error.value.messages == ["Beslutninger kan først registreres på mødedagen."]


def test_the_agenda_is_reordered_and_every_change_bumps_the_version(org):
    a = submitted(org, betegnelse="Familien Holm", start=0)
    b = submitted(org, betegnelse="Familien Berg", start=1)
    c = submitted(org, betegnelse="Familien Dahl", start=2)
    moede = meeting(org)
    version = moede.version
    punkt_c = moede.punkter.get(indstilling=c)

    services.punkt_flyt(acting_user=org.projektleder, punkt=punkt_c, retning="op")
    services.punkt_flyt(acting_user=org.projektleder, punkt=punkt_c, retning="op")
    services.punkt_flyt(acting_user=org.projektleder, punkt=punkt_c, retning="op")  # already first

    order = list(moede.punkter.order_by("raekkefoelge").values_list("indstilling", flat=True))
    assert order == [c.pk, a.pk, b.pk]
    moede.refresh_from_db()
    assert moede.version > version


def test_a_meeting_closes_only_when_every_item_is_decided(org):
    submitted(org)
    moede = meeting(org)

    with pytest.raises(ValidationError):
        services.moede_afslut(acting_user=org.projektleder, moede=moede, referat="Godt møde")

    services.beslutning_registrer(
        acting_user=org.projektleder, punkt=moede.punkter.get(), beslutning="optag"
    )
    services.moede_afslut(acting_user=org.projektleder, moede=moede, referat="Godt møde")
    moede.refresh_from_db()
    assert moede.afsluttet is not None
    assert moede.referat == "Godt møde"
    with pytest.raises(ValidationError):
        services.moede_afslut(acting_user=org.projektleder, moede=moede)


def test_meeting_members_must_hold_a_board_role(org):
    with pytest.raises(ValidationError) as error:
        meeting(org, members=[org.koordinator])

    assert "medlemmer" in error.value.message_dict


# --- Assignment and capacity -------------------------------------------------------------------


def admitted(org, **kwargs):
    indstilling = submitted(org, **kwargs)
    # No meeting yet: the new meeting (today) takes the referral onto its agenda.
    punkt = meeting(org).punkter.get(indstilling=indstilling)
    services.beslutning_registrer(acting_user=org.projektleder, punkt=punkt, beslutning="optag")
    indstilling.familie.refresh_from_db()
    return indstilling.familie


def test_assignment_makes_the_family_active_and_gives_the_case_manager_the_family(org):
    familie = admitted(org)

    tildeling = services.koordinator_tildel(
        acting_user=org.projektleder, familie=familie, koordinator=org.koordinator2
    )

    familie.refresh_from_db()
    assert (familie.status, familie.koordinator) == (S.AKTIV, org.koordinator2)
    assert adgang.can(org.koordinator2, adgang.CHANGE, familie)
    assert (tildeling.aktive_foer, tildeling.over_kapacitet) == (0, False)
    assert Statusskift.objects.filter(familie=familie, til=S.AKTIV).exists()


def test_assigning_beyond_capacity_needs_confirmation_and_a_reason_and_is_flagged(org):
    org.projekt.kapacitet_pr_koordinator = 2
    org.projekt.save()
    for _ in range(2):
        family_of(org.koordinator, org.projekt)
    familie = admitted(org)

    with pytest.raises(ValidationError) as error:
        services.koordinator_tildel(
            acting_user=org.projektleder, familie=familie, koordinator=org.koordinator
        )
    assert error.value.message_dict["bekraeft_over_kapacitet"] == [
        "Karen Koordinator har allerede 2 aktive familier, og kapaciteten er 2. "
        "Bekræft, at familien skal tildeles ud over kapaciteten."
    ]
    with pytest.raises(ValidationError) as error:
        services.koordinator_tildel(
            acting_user=org.projektleder,
            familie=familie,
            koordinator=org.koordinator,
            bekraeft_over_kapacitet=True,
        )
    assert "begrundelse" in error.value.message_dict
    familie.refresh_from_db()
    assert familie.status == S.OPTAGET

    tildeling = services.koordinator_tildel(
        acting_user=org.projektleder,
        familie=familie,
        koordinator=org.koordinator,
        bekraeft_over_kapacitet=True,
        begrundelse="Kender familien",
    )

    assert tildeling.over_kapacitet
    assert (tildeling.aktive_foer, tildeling.kapacitet) == (2, 2)


def test_the_last_free_place_needs_no_confirmation(org):
    org.projekt.kapacitet_pr_koordinator = 2
    org.projekt.save()
    family_of(org.koordinator, org.projekt)
    familie = admitted(org)

    tildeling = services.koordinator_tildel(
        acting_user=org.projektleder, familie=familie, koordinator=org.koordinator
    )

    assert not tildeling.over_kapacitet


def test_only_admitted_or_active_families_are_assigned(org):
    indstilling = submitted(org)

    with pytest.raises(ValidationError) as error:
        services.koordinator_tildel(
            acting_user=org.projektleder, familie=indstilling.familie, koordinator=org.koordinator
        )

    assert "familie" in error.value.message_dict


def test_only_the_project_leader_assigns(org):
    familie = admitted(org)

    with pytest.raises(PermissionDenied):
        services.koordinator_tildel(
            acting_user=org.leder_familie, familie=familie, koordinator=org.koordinator
        )


# --- Assessment and discharge ------------------------------------------------------------------


def test_the_case_manager_records_the_assessment(org):
    familie = admitted(org)
    services.koordinator_tildel(
        acting_user=org.projektleder, familie=familie, koordinator=org.koordinator
    )

    forloeb = services.udredning_afslut(acting_user=org.koordinator, familie=familie, dato=TODAY)

    assert forloeb.udredning_afsluttet == TODAY
    with pytest.raises(PermissionDenied):
        services.udredning_afslut(acting_user=org.koordinator2, familie=familie, dato=TODAY)


def test_discharge_keeps_the_reason_and_note_and_leaves_the_team_read_only(org):
    familie = admitted(org)
    services.koordinator_tildel(
        acting_user=org.projektleder, familie=familie, koordinator=org.koordinator
    )

    forloeb = services.udslus(
        acting_user=org.koordinator,
        familie=familie,
        aarsag="andet",
        aarsag_tekst="Ny bolig i anden by",
        dato=TODAY,
        overdragelsesnote="Jobcentret følger op på praktikken.",
    )

    familie.refresh_from_db()
    assert familie.status == S.AFSLUTTET
    assert (forloeb.afsluttet, forloeb.afsluttet_af) == (TODAY, org.koordinator)
    assert adgang.can(org.koordinator, adgang.VIEW, familie)
    assert not adgang.can(org.koordinator, adgang.CHANGE, familie)
    assert not adgang.sectors_for(org.koordinator, familie, adgang.CHANGE)
    skift = Statusskift.objects.get(familie=familie, til=S.AFSLUTTET)
    assert skift.begrundelse == "Andet: Ny bolig i anden by"


def test_discharge_validates_reason_text_date_and_note(org):
    familie = family_of(org.koordinator, org.projekt)

    with pytest.raises(ValidationError) as error:
        services.udslus(
            acting_user=org.projektleder,
            familie=familie,
            aarsag="andet",
            dato=TODAY + datetime.timedelta(days=1),
            overdragelsesnote=" ",
        )

    assert set(error.value.message_dict) == {"aarsag_tekst", "dato", "overdragelsesnote"}


def test_a_family_admitted_before_the_app_gets_its_stay_on_discharge(org):
    familie = FamilieFactory(projekt=org.projekt, koordinator=org.koordinator)
    adgang.sync_family_grants(familie, reason="test")

    forloeb = services.udslus(
        acting_user=org.projektleder,
        familie=familie,
        aarsag="maal_naaet",
        dato=TODAY,
        overdragelsesnote="Alt vel.",
    )

    assert forloeb.optaget == TODAY
    assert Tildeling.objects.count() == 0
