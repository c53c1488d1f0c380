"""Meetings with the family (familieplan services) and the network's links (netvaerk services)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from familieplan import selectors as plan_selectors
from familieplan import services as plan_services
from familieplan.models import Aftale, Aktoer, Beslutning, Indsats, Planversion
from investering.models import Omkostningslinje, Omkostningstype, Pris
from kerne.models import Adgangslog, Rolle
from netvaerk import services
from netvaerk.models import Fritidstilknytning, Indsatspartner
from tests.factories import ForvaltningFactory, add_member, family_of, user_with_role
from tests.familieplan.factories import TODAY, activity_data, agree, draft_with, integrated
from tests.netvaerk.factories import meeting, offer, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    return user


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt)


def _adult(familie):
    return familie.medlemskaber.get(rolle="voksen").person


def test_a_decision_made_into_an_agreement_and_an_activity_appears_once_in_each(
    koordinator, familie
):
    agree(koordinator, draft_with(koordinator, familie, {"titel": "Praktik"}))
    moede = meeting(koordinator, familie, days=-1)

    beslutning = plan_services.beslutning_opret(
        acting_user=koordinator,
        moede=moede,
        tekst="Mads starter til fodbold",
        aftale=plan_services.AftaleData(hvem="Mor", frist=TODAY + datetime.timedelta(days=14)),
        indsats=activity_data(familie, titel="Fodbold i IF", art="fritid"),
    )

    aftaler = Aftale.objects.filter(familie=familie, hvad="Mads starter til fodbold")
    assert aftaler.count() == 1
    assert aftaler.get().moede == moede
    assert aftaler.get().hvem == "Mor"
    indsatser = Indsats.objects.filter(version__familie=familie, titel="Fodbold i IF")
    assert indsatser.count() == 1
    draft = indsatser.get().version
    assert draft.status == Planversion.Status.KLADDE
    assert draft.nummer == 2
    beslutning.refresh_from_db()
    assert beslutning.aftale == aftaler.get()
    assert beslutning.indsats_noegle == indsatser.get().noegle
    moede.refresh_from_db()
    assert moede.revision >= 2  # the decision and the agreement moved the screen's revision


def test_a_decision_becomes_an_activity_in_a_new_plan_when_the_family_has_none(
    koordinator, familie
):
    moede = meeting(koordinator, familie, days=-1)
    plan_services.beslutning_opret(
        acting_user=koordinator,
        moede=moede,
        tekst="Psykolog",
        indsats=activity_data(familie, titel="Psykologforløb", art="psykolog"),
    )
    assert Planversion.objects.get(familie=familie).indsatser.get().titel == "Psykologforløb"


def test_a_bad_activity_writes_neither_the_decision_nor_the_agreement(koordinator, familie):
    moede = meeting(koordinator, familie, days=-1)
    with pytest.raises(ValidationError) as error:
        plan_services.beslutning_opret(
            acting_user=koordinator,
            moede=moede,
            tekst="Halvt skrevet",
            aftale=plan_services.AftaleData(hvem="Mor", frist=TODAY),
            indsats=activity_data(familie, timer_pr_uge=Decimal(99)),
        )
    assert "timer_pr_uge" in error.value.message_dict
    assert not Beslutning.objects.exists()
    assert not Aftale.objects.filter(hvad="Halvt skrevet").exists()


def test_a_decision_about_an_activity_hidden_from_the_family_is_hidden_too(koordinator, familie):
    moede = meeting(koordinator, familie, days=-1)
    beslutning = plan_services.beslutning_opret(
        acting_user=koordinator,
        moede=moede,
        tekst="Misbrugsbehandling",
        indsats=activity_data(familie, titel="Behandling", synlig_for_familien=False),
    )
    assert beslutning.synlig_for_familien is False
    screen = plan_selectors.meeting_content(moede, for_familien=True)
    assert screen.beslutninger == []
    staff = plan_selectors.meeting_content(moede, for_familien=False)
    assert [b.tekst for b in staff.beslutninger] == ["Misbrugsbehandling"]


def test_the_confirmation_records_who_and_when_and_closes_the_minutes(
    koordinator, familie, make_user
):
    borger = make_user(Rolle.BORGER)
    adult = _adult(familie)
    adult.bruger = borger
    adult.save(update_fields=["bruger"])
    moede = meeting(koordinator, familie, days=-1)
    before = timezone.now()

    plan_services.moede_bekraeft(acting_user=borger, moede=moede, person=adult)

    moede.refresh_from_db()
    assert moede.bekraeftet_af == adult
    assert moede.bekraeftelse_registreret_af == borger
    assert before <= moede.bekraeftet <= timezone.now()
    assert Adgangslog.objects.filter(
        bruger_id=borger.pk, objekt_id=str(moede.pk), handling="change", person_id=adult.pk
    ).exists()
    with pytest.raises(ValidationError):
        plan_services.beslutning_opret(acting_user=koordinator, moede=moede, tekst="For sent")
    with pytest.raises(ValidationError):
        plan_services.moede_bekraeft(acting_user=koordinator, moede=moede, person=adult)


def test_a_citizen_confirms_only_for_themself_and_only_a_held_meeting(
    koordinator, familie, make_user
):
    borger = make_user(Rolle.BORGER)
    adult = _adult(familie)
    other_adult = add_member(familie, rolle="voksen", relation="far").person
    adult.bruger = borger
    adult.save(update_fields=["bruger"])
    held = meeting(koordinator, familie, days=-1)
    with pytest.raises(PermissionDenied):
        plan_services.moede_bekraeft(acting_user=borger, moede=held, person=other_adult)
    coming = meeting(koordinator, familie, days=3)
    with pytest.raises(ValidationError):
        plan_services.moede_bekraeft(acting_user=borger, moede=coming, person=adult)
    child = familie.medlemskaber.get(rolle="barn").person
    with pytest.raises(ValidationError) as error:
        plan_services.moede_bekraeft(acting_user=koordinator, moede=held, person=child)
    assert "person" in error.value.message_dict
    stranger = make_user(Rolle.BORGER)
    with pytest.raises(PermissionDenied):
        plan_services.moede_bekraeft(acting_user=stranger, moede=held, person=adult)


def test_the_next_meeting_is_set_from_the_meeting_and_moved_when_set_again(koordinator, familie):
    moede = meeting(koordinator, familie, days=-1)
    first = timezone.now() + datetime.timedelta(days=30)
    naeste = plan_services.naeste_moede_saet(
        acting_user=koordinator, moede=moede, tidspunkt=first, sted="Skolen"
    )
    moede.refresh_from_db()
    assert moede.naeste_moede == naeste
    assert naeste.art == moede.art
    later = first + datetime.timedelta(days=7)
    moved = plan_services.naeste_moede_saet(
        acting_user=koordinator, moede=moede, tidspunkt=later, sted="Hjemme"
    )
    assert moved.pk == naeste.pk
    moved.refresh_from_db()
    assert moved.tidspunkt == later
    assert moved.sted == "Hjemme"
    assert plan_selectors._stafetlog(familie).naeste_moede == moved
    with pytest.raises(ValidationError):
        plan_services.naeste_moede_saet(
            acting_user=koordinator,
            moede=moede,
            tidspunkt=moede.tidspunkt - datetime.timedelta(days=1),
            sted="x",
        )


def test_participants_are_members_and_actors_of_the_family_only(koordinator, familie, projekt):
    moede = meeting(koordinator, familie, days=-1)
    aktoer = Aktoer.objects.create(familie=familie, navn="Lis", rolle="Mentor", kontakt="1")
    plan_services.deltagere_saet(
        acting_user=koordinator, moede=moede, personer=[_adult(familie)], aktoerer=[aktoer]
    )
    assert moede.deltagere.count() == 2
    other = family_of(koordinator, projekt)
    with pytest.raises(ValidationError) as error:
        plan_services.deltagere_saet(
            acting_user=koordinator, moede=moede, personer=[_adult(other)], aktoerer=[]
        )
    assert "personer" in error.value.message_dict
    assert moede.deltagere.count() == 2


def test_a_case_worker_who_only_sees_the_family_may_not_write_the_minutes(
    koordinator, familie, make_user, projekt
):
    moede = meeting(koordinator, familie, days=-1)
    other = make_user(Rolle.KOORDINATOR)
    with pytest.raises(PermissionDenied):
        plan_services.beslutning_opret(acting_user=other, moede=moede, tekst="x")


# --- Partners and links -------------------------------------------------------------------------


def test_the_catalogue_is_kept_per_municipality_by_leader_administration_and_case_managers(
    koordinator, projekt, make_user
):
    data = services.PartnerData(navn="Frivillighuset", art="frivillig")
    made = services.partner_gem(acting_user=koordinator, projekt=projekt, data=data)
    assert made.kommune == projekt.kommune
    with pytest.raises(PermissionDenied):
        services.partner_gem(
            acting_user=make_user(Rolle.SAGSBEHANDLER),
            projekt=projekt,
            data=services.PartnerData(navn="X", art="forening"),
        )
    with pytest.raises(ValidationError):  # the same name twice in one municipality
        services.partner_gem(acting_user=koordinator, projekt=projekt, data=data)
    with pytest.raises(ValidationError) as error:
        services.tilbud_gem(
            acting_user=koordinator,
            projekt=projekt,
            partner=made,
            data=services.TilbudData(titel="Lektier", art="andet", alder_fra=12, alder_til=8),
        )
    assert "alder_til" in error.value.message_dict


def test_an_activity_link_to_a_partner_follows_the_activity_into_the_next_version(
    koordinator, familie, projekt
):
    klub = partner(projekt)
    fodbold = offer(klub)
    version = draft_with(koordinator, familie, {"titel": "Fodbold", "art": "fritid"})
    indsats = version.indsatser.get()
    services.indsats_partner_saet(
        acting_user=koordinator, indsats=indsats, partner=klub, tilbud=fodbold
    )
    agree(koordinator, version)
    next_draft = plan_services.kladde_opret(acting_user=koordinator, familie=familie)
    copy = next_draft.indsatser.get()
    assert copy.noegle == indsats.noegle
    assert Indsatspartner.objects.get(noegle=copy.noegle).partner == klub
    with pytest.raises(ValidationError) as error:
        services.indsats_partner_saet(
            acting_user=koordinator, indsats=copy, partner=partner(projekt, "Andet"), tilbud=fodbold
        )
    assert "tilbud" in error.value.message_dict


def test_a_leisure_job_is_linked_only_for_a_child_of_13_or_more(koordinator, familie, projekt):
    klub = partner(projekt, "Netto", art="virksomhed")
    child = familie.medlemskaber.get(rolle="barn").person
    child.foedselsdato = TODAY.replace(year=TODAY.year - 12)
    child.save(update_fields=["foedselsdato"])
    with pytest.raises(ValidationError) as error:
        services.fritid_tilknyt(
            acting_user=koordinator,
            familie=familie,
            person=child,
            art="fritidsjob",
            partner=klub,
            fra=TODAY,
        )
    assert "person" in error.value.message_dict
    link = services.fritid_tilknyt(
        acting_user=koordinator,
        familie=familie,
        person=child,
        art="fritidsaktivitet",
        partner=partner(projekt),
        fra=TODAY,
    )
    assert link.sagsdel.sektor == "boern_familie"
    with pytest.raises(ValidationError):
        services.fritid_tilknyt(
            acting_user=koordinator,
            familie=familie,
            person=_adult(familie),
            art="fritidsaktivitet",
            partner=klub,
            fra=TODAY,
        )


def test_a_membership_fee_becomes_a_cost_line_priced_from_the_catalogue(
    koordinator, familie, projekt
):
    kontingent = Omkostningstype.objects.create(
        kommune=projekt.kommune,
        navn="Kontingent",
        enhed="aar",
        sektor="boern_familie",
        forvaltning=ForvaltningFactory(kommune=projekt.kommune, sektor="boern_familie"),
    )
    Pris.objects.create(
        omkostningstype=kontingent,
        gyldig_fra=datetime.date(2020, 1, 1),
        beloeb=Decimal(1200),
        oprettet_af=koordinator,
    )
    klub = partner(projekt)
    fodbold = offer(klub, omkostningstype=kontingent)
    child = familie.medlemskaber.get(rolle="barn").person
    link = services.fritid_tilknyt(
        acting_user=koordinator,
        familie=familie,
        person=child,
        art="fritidsaktivitet",
        partner=klub,
        tilbud=fodbold,
        fra=TODAY,
    )
    linje = services.kontingent_registrer(
        acting_user=koordinator, tilknytning=link, fra=TODAY, til=TODAY + datetime.timedelta(364)
    )
    assert Omkostningslinje.objects.get() == linje
    assert linje.omkostningstype == kontingent
    assert linje.person == child
    assert linje.pris_override is None  # the price stays in the catalogue
    assert Fritidstilknytning.objects.get().kontingentlinje == linje
    with pytest.raises(ValidationError):
        services.kontingent_registrer(acting_user=koordinator, tilknytning=link, fra=TODAY)


def test_a_mentor_with_an_account_reads_only_the_stafetlogs_they_are_named_in(
    koordinator, familie, projekt
):
    mentor_user = user_with_role(Rolle.FAGPERSON, projekt)
    klub = partner(projekt)
    mentor = services.mentor_gem(
        acting_user=koordinator,
        projekt=projekt,
        partner=klub,
        navn="Ole Mentor",
        kontakt="20 30 40 50",
        uddannet=True,
        bruger=mentor_user,
    )
    other = family_of(koordinator, projekt)
    aktoer = services.mentor_tilknyt(
        acting_user=koordinator,
        familie=familie,
        mentor=mentor,
        maa_laese=True,
        laeseadgang_besluttet_af=_adult(familie),
    )
    assert aktoer.bruger == mentor_user
    assert aktoer.organisation == klub.navn
    assert list(plan_selectors.stafetlog_families_for(mentor_user)) == [familie]
    moede = meeting(koordinator, familie, days=-1)
    assert plan_selectors.meeting_for(mentor_user, moede.pk) == moede
    from django.http import Http404

    with pytest.raises(Http404):
        plan_selectors.meeting_for(mentor_user, meeting(koordinator, other, days=-1).pk)
    # The mentor reads the minutes as the family does: no internal note.
    moede.intern_note = "Bekymring fra skolen"
    moede.save(update_fields=["intern_note"])
    assert plan_selectors.meeting_view(mentor_user, moede.pk).moede.intern_note == ""
