"""Notifications: every kind through its real hook, copies by e-mail and SMS, no personal data."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from familieplan import tasks as plan_tasks
from familieplan.models import Stafetmoede
from kerne import notifikationer
from kerne import services as kerne_services
from kerne.models import Notifikation, Notifikationsvalg
from kontakt import services
from tests.familieplan.factories import agree, draft_with
from tests.kontakt.factories import family_with_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(projekt):
    s = family_with_citizen(projekt, email="bente.hansen@example.dk")
    s.person.fornavn, s.person.efternavn = "Bente", "Hansen"
    s.person.adresse = "Lærkevej 7"
    s.person.save()
    s.familie.betegnelse = "Familien Hansen"
    s.familie.save()
    s.koordinator.first_name, s.koordinator.last_name = "Karen", "Koordinator"
    s.koordinator.email = "karen@example.dk"
    s.koordinator.save()
    Notifikationsvalg.objects.create(bruger=s.borger, email=True, sms=True, mobil="+4512345678")
    Notifikationsvalg.objects.create(bruger=s.koordinator, email=True, sms=True, mobil="87654321")
    return s


def _every_kind(s, django_capture_on_commit_callbacks) -> None:
    """Make one notification of each kind through the code paths that make them in use."""
    import tests.kerne.pdf_kinds  # noqa: F401 (registers the test document kind)

    with django_capture_on_commit_callbacks(execute=True):
        services.besked_send(
            acting_user=s.borger, familie=s.familie, tekst="Oliver er syg, Bente Hansen"
        )
    with django_capture_on_commit_callbacks(execute=True):
        agree(s.koordinator, draft_with(s.koordinator, s.familie, {"titel": "Praktik i Netto"}))
    Stafetmoede.objects.create(
        familie=s.familie,
        tidspunkt=timezone.now() + datetime.timedelta(days=1),
        sted="Rådhuset, lokale 12",
    )
    with django_capture_on_commit_callbacks(execute=True):
        plan_tasks.opfoelgninger_paamind()
    with django_capture_on_commit_callbacks(execute=True):
        kerne_services.dokument_bestil(
            acting_user=s.borger,
            kind="test-familie",
            key="scan",
            projekt=s.projekt,
            familie=s.familie,
            titel="Plan for Familien Hansen",
        )


def test_every_kind_of_notification_carries_no_personal_data(s, django_capture_on_commit_callbacks):
    _every_kind(s, django_capture_on_commit_callbacks)
    kinds = set(Notifikation.objects.values_list("art", flat=True))
    assert kinds == set(Notifikation.Art.values), "every kind must be scanned"
    texts = [f"{m.subject}\n{m.body}" for m in mail.outbox]
    texts += [sms.text for sms in notifikationer.outbox]
    for art in Notifikation.Art.values:
        words = notifikationer.tekst(art)
        texts += [words.titel, words.besked, notifikationer.email_body(art)]
    assert len(mail.outbox) >= 4
    assert len(notifikationer.outbox) >= 4
    cpr = s.person.cpr
    forbidden = [
        "Bente",
        "Hansen",
        "Oliver",
        "Lærkevej",
        "Karen",
        "Koordinator",
        "Netto",
        "Rådhuset",
        "syg",
        cpr,
        f"{cpr[:6]}-{cpr[6:]}",
        s.familie.betegnelse,
    ]
    for text in texts:
        for word in forbidden:
            assert word not in text, (word, text)
        # No ids of families or persons either: links point to the sign-in page only.
        assert not re.search(r"/(familie|portal|person|dokumenter)/\d+", text), text
    assert all("Helhedsindsats" in text for text in texts)


def test_the_new_message_text_is_the_one_the_issue_asks_for():
    assert notifikationer.tekst("ny_besked").titel == "Du har en ny besked fra Helhedsindsats"


def test_copies_go_by_the_recipients_choice_and_only_once(s, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.besked_send(acting_user=s.borger, familie=s.familie, tekst="Hej")
    assert [m.to for m in mail.outbox] == [["karen@example.dk"]]
    assert [sms.to for sms in notifikationer.outbox] == ["87654321"]
    notifikation = Notifikation.objects.get()
    assert notifikation.email_sendt
    assert notifikation.sms_sendt
    # A redelivered task sends nothing twice.
    assert notifikationer.lever(notifikation_id=notifikation.pk) == {"email": False, "sms": False}
    assert len(mail.outbox) == 1
    assert len(notifikationer.outbox) == 1


def test_no_copies_without_consenting_channels(s, django_capture_on_commit_callbacks):
    Notifikationsvalg.objects.filter(bruger=s.koordinator).update(email=False, sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.besked_send(acting_user=s.borger, familie=s.familie, tekst="Hej")
    assert mail.outbox == []
    assert notifikationer.outbox == []
    assert Notifikation.objects.filter(modtager=s.koordinator).count() == 1  # still in the app


def test_notify_is_idempotent_per_recipient_kind_and_key(s):
    first = notifikationer.notify(modtagere=[s.borger], art="plan_aftalt", noegle="planversion:1")
    again = notifikationer.notify(
        modtagere=[s.borger.pk], art="plan_aftalt", noegle="planversion:1"
    )
    assert len(first) == 1
    assert again == []
    assert Notifikation.objects.count() == 1


def test_meeting_reminder_once_per_meeting(s, django_capture_on_commit_callbacks):
    Stafetmoede.objects.create(
        familie=s.familie, tidspunkt=timezone.now() + datetime.timedelta(days=1), sted="Her"
    )
    Stafetmoede.objects.create(
        familie=s.familie, tidspunkt=timezone.now() + datetime.timedelta(days=5), sted="Senere"
    )
    plan_tasks.opfoelgninger_paamind()
    plan_tasks.opfoelgninger_paamind()
    reminders = Notifikation.objects.filter(art="moede_paamindelse")
    assert list(reminders.values_list("modtager_id", flat=True)) == [s.borger.pk]


def test_plan_agreed_notifies_the_family_not_the_staff(s):
    agree(s.koordinator, draft_with(s.koordinator, s.familie, {"titel": "Praktik"}))
    assert list(
        Notifikation.objects.filter(art="plan_aftalt").values_list("modtager_id", flat=True)
    ) == [s.borger.pk]


def test_children_under_15_get_no_notifications(s):
    barn = s.familie.medlemskaber.get(rolle="barn").person
    barn.foedselsdato = timezone.localdate() - datetime.timedelta(days=365 * 10)
    from tests.factories import UserFactory

    barn.bruger = UserFactory()
    barn.save()
    assert notifikationer.family_user_ids(s.familie) == [s.borger.pk]


def test_the_console_sms_backend_masks_the_number(capsys):
    notifikationer.ConsoleSmsBackend().send(to="12345678", text="Hej")
    assert capsys.readouterr().out == "SMS to 1234XXXX: Hej\n"


def test_seen_marks_only_ones_own(s):
    notifikationer.notify(modtagere=[s.borger, s.koordinator], art="plan_aftalt", noegle="k")
    assert notifikationer.mark_seen(acting_user=s.borger) == 1
    assert notifikationer.unseen_count(s.koordinator) == 1
