"""The secure messages' services: routing, answers, substitutes, read receipts, conversions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from familieplan.models import Aftale, Opfoelgning
from kerne import adgang
from kerne.models import Adgangslog, Familie, Notifikation, Rolle
from kontakt import selectors, services
from kontakt.models import Besked, Traad
from tests.factories import user_with_role
from tests.familieplan.factories import agree, draft_with
from tests.kontakt.factories import family_with_citizen

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def s(projekt):
    return family_with_citizen(projekt)


def _send(user, familie, tekst="Hej", **kw):
    return services.besked_send(acting_user=user, familie=familie, tekst=tekst, **kw)


def test_a_family_message_goes_to_the_case_manager_and_starts_a_wait(s):
    besked = _send(s.borger, s.familie, "Kan vi flytte mødet?")
    traad = Traad.objects.get(familie=s.familie)
    assert besked.fra_familien
    assert besked.modtager == s.koordinator
    assert besked.venter_paa_svar
    assert traad.ubesvaret_siden == besked.sendt
    second = _send(s.borger, s.familie, "Og en ting mere")
    traad.refresh_from_db()
    assert not second.venter_paa_svar  # the wait began with the first one
    assert traad.ubesvaret_siden == besked.sendt
    assert list(
        Notifikation.objects.filter(art="ny_besked").values_list("modtager_id", flat=True)
    ) == [s.koordinator.pk, s.koordinator.pk]
    log = Adgangslog.objects.filter(handling="create", objekt_type="kontakt.besked")
    assert log.count() == 2
    assert log.first().person_id == s.person.pk


def test_the_answer_ends_the_wait_and_notifies_the_family(s):
    first = _send(s.borger, s.familie)
    _send(s.borger, s.familie)
    answer = _send(s.koordinator, s.familie, "Ja, det kan vi")
    first.refresh_from_db()
    assert not answer.fra_familien
    assert first.besvaret == answer.sendt
    assert first.besvaret_af == s.koordinator
    assert Traad.objects.get(familie=s.familie).ubesvaret_siden is None
    assert Notifikation.objects.filter(modtager=s.borger, art="ny_besked").count() == 1
    assert list(selectors.inbox(s.koordinator)) == []


def test_nobody_writes_in_another_familys_thread(s, projekt):
    other = family_with_citizen(projekt)
    with pytest.raises(PermissionDenied):
        _send(s.borger, other.familie)
    with pytest.raises(PermissionDenied):
        _send(other.koordinator, s.familie)
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    adgang.sync_family_grants(s.familie, reason="test")
    with pytest.raises(PermissionDenied):
        _send(projektleder, s.familie)  # the leader reads; the contact person answers
    assert Besked.objects.count() == 0


def test_threads_are_isolated_between_families(s, projekt):
    other = family_with_citizen(projekt)
    _send(s.borger, s.familie)
    _send(other.borger, other.familie)
    assert [t.familie_id for t in selectors.threads_for(s.borger)] == [s.familie.pk]
    assert [t.familie_id for t in selectors.threads_for(other.koordinator)] == [other.familie.pk]
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    for familie in (s.familie, other.familie):
        adgang.sync_family_grants(familie, reason="test")
    assert {t.familie_id for t in selectors.threads_for(projektleder)} == {
        s.familie.pk,
        other.familie.pk,
    }


def test_empty_and_overlong_text_is_refused_naming_the_field(s):
    with pytest.raises(ValidationError) as empty:
        _send(s.borger, s.familie, "   ")
    assert "tekst" in empty.value.message_dict
    with pytest.raises(ValidationError) as long:
        _send(s.borger, s.familie, "x" * 5001)
    assert "5000" in long.value.message_dict["tekst"][0]
    assert not Traad.objects.exists()


def test_substitute_receives_the_messages_and_may_answer_during_an_absence(s, projekt):
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    vikar = user_with_role(Rolle.KOORDINATOR, projekt)
    assert not services.may_answer(vikar, s.familie)
    fravaer = services.fravaer_registrer(
        acting_user=projektleder,
        projekt=projekt,
        bruger=s.koordinator,
        stedfortraeder=vikar,
        fra=TODAY,
        til=TODAY + datetime.timedelta(days=7),
    )
    besked = _send(s.borger, s.familie)
    assert besked.modtager == vikar
    assert Notifikation.objects.filter(modtager=vikar, art="ny_besked").exists()
    assert not Notifikation.objects.filter(modtager=s.koordinator).exists()
    assert [t.familie_id for t in selectors.inbox(vikar)] == [s.familie.pk]
    answer = _send(vikar, s.familie, "Jeg er Karens stedfortræder")
    besked.refresh_from_db()
    assert besked.besvaret_af == vikar
    assert answer.afsender == vikar
    services.fravaer_afslut(acting_user=projektleder, fravaer=fravaer)
    assert not services.may_answer(vikar, Familie.objects.get(pk=s.familie.pk))
    assert _send(s.borger, s.familie).modtager == s.koordinator


def test_a_future_absence_routes_nothing_yet(s, projekt):
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    vikar = user_with_role(Rolle.KOORDINATOR, projekt)
    services.fravaer_registrer(
        acting_user=projektleder,
        projekt=projekt,
        bruger=s.koordinator,
        stedfortraeder=vikar,
        fra=TODAY + datetime.timedelta(days=3),
        til=TODAY + datetime.timedelta(days=7),
    )
    assert _send(s.borger, s.familie).modtager == s.koordinator
    assert not services.may_answer(vikar, s.familie)


def test_absence_refusals_name_the_field(s, projekt):
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    vikar = user_with_role(Rolle.KOORDINATOR, projekt)

    def register(**kw):
        data = {
            "acting_user": projektleder,
            "projekt": projekt,
            "bruger": s.koordinator,
            "stedfortraeder": vikar,
            "fra": TODAY,
            "til": TODAY,
        }
        return services.fravaer_registrer(**{**data, **kw})

    with pytest.raises(PermissionDenied):
        register(acting_user=s.koordinator)
    with pytest.raises(ValidationError) as wrong_order:
        register(til=TODAY - datetime.timedelta(days=1))
    assert "til" in wrong_order.value.message_dict
    with pytest.raises(ValidationError) as self_substitute:
        register(stedfortraeder=s.koordinator)
    assert "stedfortraeder" in self_substitute.value.message_dict
    with pytest.raises(ValidationError) as citizen:
        register(stedfortraeder=s.borger)
    assert "stedfortraeder" in citizen.value.message_dict
    register()
    with pytest.raises(ValidationError) as overlap:
        register(fra=TODAY)
    assert "fra" in overlap.value.message_dict


def test_read_receipts_come_from_the_other_side_only(s, projekt):
    besked = _send(s.borger, s.familie)
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    adgang.sync_family_grants(s.familie, reason="test")
    assert services.traad_laest(acting_user=projektleder, familie=s.familie) == 0
    assert services.traad_laest(acting_user=s.borger, familie=s.familie) == 0  # own message
    assert services.traad_laest(acting_user=s.koordinator, familie=s.familie) == 1
    besked.refresh_from_db()
    assert besked.laest is not None
    answer = _send(s.koordinator, s.familie)
    services.traad_laest(acting_user=s.borger, familie=s.familie)
    answer.refresh_from_db()
    assert answer.laest is not None


def test_a_message_becomes_a_follow_up_once(s):
    version = agree(s.koordinator, draft_with(s.koordinator, s.familie, {"titel": "Praktik"}))
    indsats = version.indsatser.get()
    besked = _send(s.borger, s.familie, "Praktikken går godt, jeg er der hver dag")
    opfoelgning = services.besked_til_opfoelgning(
        acting_user=s.koordinator, besked=besked, indsats=indsats, vurdering="paa_sporet"
    )
    assert opfoelgning.notat == "Praktikken går godt, jeg er der hver dag"
    assert opfoelgning.indsats == indsats
    assert opfoelgning.registreret_af == s.koordinator
    besked.refresh_from_db()
    assert besked.opfoelgning == opfoelgning
    with pytest.raises(ValidationError):
        services.besked_til_opfoelgning(
            acting_user=s.koordinator, besked=besked, indsats=indsats, vurdering="paa_sporet"
        )
    assert Opfoelgning.objects.count() == 1


def test_a_follow_up_must_be_on_the_familys_own_activity(s, projekt):
    other = family_with_citizen(projekt, s.koordinator)
    version = agree(s.koordinator, draft_with(s.koordinator, other.familie, {"titel": "X"}))
    besked = _send(s.borger, s.familie)
    with pytest.raises(ValidationError) as error:
        services.besked_til_opfoelgning(
            acting_user=s.koordinator,
            besked=besked,
            indsats=version.indsatser.get(),
            vurdering="paa_sporet",
        )
    assert "indsats" in error.value.message_dict
    assert Opfoelgning.objects.count() == 0


def test_a_message_becomes_a_stafetlog_agreement_once(s):
    besked = _send(s.borger, s.familie, "Jeg ringer til skolen i morgen")
    aftale = services.besked_til_aftale(
        acting_user=s.koordinator, besked=besked, hvem="Mor", frist=TODAY
    )
    assert aftale.hvad == "Jeg ringer til skolen i morgen"
    assert aftale.familie == s.familie
    with pytest.raises(ValidationError):
        services.besked_til_aftale(acting_user=s.koordinator, besked=besked, hvem="x", frist=TODAY)
    with pytest.raises(PermissionDenied):
        services.besked_til_aftale(acting_user=s.borger, besked=besked, hvem="x", frist=TODAY)
    assert Aftale.objects.count() == 1
