"""Writes of the secure messages, absences and contact details: one business action each.

A family member writes through the portal's rule (familieplan.selectors.portal_families);
staff answer when they may change the family (the case manager, and the substitute while the
case manager is away). Every send and every change writes its audit row in the same
transaction; notifications are queued by kerne.notifikationer after commit.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from familieplan import selectors as plan_selectors
from familieplan import services as plan_services
from familieplan.models import Aftale, Indsats, Opfoelgning
from kerne import adgang, audit, kontaktperson, notifikationer
from kerne.models import Familie, Fravaer, Medarbejder, Notifikationsvalg, Person, Projekt, Rolle
from kontakt import vedhaeftninger
from kontakt.models import Besked, Traad, Vedhaeftning

Handling = audit.Handling
Formaal = audit.Formaal
MAX_TEXT = 5000


def is_family_member(user: Any, familie: Familie) -> bool:
    return any(f.pk == familie.pk for f in plan_selectors.portal_families(user))


def may_answer(user: Any, familie: Familie) -> bool:
    """The contact person, and the substitute while the contact person is away."""
    return adgang.can(user, adgang.CHANGE, familie)


def _traad_locked(familie: Familie) -> Traad:
    traad, _created = Traad.objects.get_or_create(familie=familie)
    return Traad.objects.select_for_update().get(pk=traad.pk)


def _clean_text(tekst: str) -> str:
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError({"tekst": [_("Skriv en besked.")]})
    if len(tekst) > MAX_TEXT:
        raise ValidationError(
            {"tekst": [_("Beskeden må højst være %(max)d tegn.") % {"max": MAX_TEXT}]}
        )
    return tekst


@transaction.atomic
def besked_send(
    *, acting_user: Any, familie: Familie, tekst: str, filer: list | None = None
) -> Besked:
    """Send a message in the family's thread, from a family member or from the contact person.

    A family's message goes to the contact person now (the substitute during an absence) and
    starts the wait the response-time figure measures; staff's message answers every waiting
    one. Attachments are checked first: a refused file stores nothing.
    """
    familie = Familie.objects.select_related("projekt").get(pk=familie.pk)
    fra_familien = is_family_member(acting_user, familie)
    if not fra_familien and not may_answer(acting_user, familie):
        raise PermissionDenied
    tekst = _clean_text(tekst)
    checked = vedhaeftninger.check(list(filer or []))
    traad = _traad_locked(familie)
    now = timezone.now()
    besked = Besked(
        traad=traad,
        familie=familie,
        afsender=acting_user,
        fra_familien=fra_familien,
        tekst=tekst,
        sendt=now,
    )
    if fra_familien:
        besked.modtager_id = kontaktperson.recipient_id(familie)
        besked.venter_paa_svar = traad.ubesvaret_siden is None
        traad.ubesvaret_siden = traad.ubesvaret_siden or now
    besked.full_clean(exclude=["traad", "familie", "afsender", "modtager"])
    besked.save()
    if not fra_familien and traad.ubesvaret_siden is not None:
        Besked.objects.filter(
            traad=traad, fra_familien=True, venter_paa_svar=True, besvaret__isnull=True
        ).update(besvaret=now, besvaret_af=acting_user)
        traad.ubesvaret_siden = None
    traad.seneste_besked = now
    traad.save(update_fields=["ubesvaret_siden", "seneste_besked"])
    for fil in checked:
        vedhaeftning = Vedhaeftning(
            besked=besked,
            familie=familie,
            filnavn=fil.filnavn,
            mimetype=fil.mimetype,
            stoerrelse=len(fil.indhold),
        )
        extension = ".pdf" if fil.mimetype == vedhaeftninger.PDF else "." + fil.mimetype[6:]
        vedhaeftning.fil.save(uuid.uuid4().hex + extension, ContentFile(fil.indhold), save=False)
        vedhaeftning.save()
    person_id = (
        Person.objects.filter(bruger=acting_user).values_list("pk", flat=True).first()
        if fra_familien
        else None
    )
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=person_id,
        objekt=besked,
        detaljer={"fra_familien": fra_familien, "vedhaeftninger": len(checked)},
    )
    noegle = f"besked:{besked.pk}"
    if fra_familien:
        notifikationer.notify(
            modtagere=[besked.modtager_id],
            art=notifikationer.Art.NY_BESKED,
            noegle=noegle,
            familie=familie,
            url=reverse("kontakt:traad", args=[familie.pk]),
        )
    else:
        notifikationer.notify_family(
            familie=familie,
            art=notifikationer.Art.NY_BESKED,
            noegle=noegle,
            url=reverse("kontakt:portal_traad", args=[familie.pk]),
        )
    return besked


@transaction.atomic
def traad_laest(*, acting_user: Any, familie: Familie) -> int:
    """Read receipts: the other side's messages are read when the family member, or the contact
    person (or substitute), opens the thread. Others who may read it leave no receipt."""
    if is_family_member(acting_user, familie):
        other_side = {"fra_familien": False}
    elif may_answer(acting_user, familie):
        other_side = {"fra_familien": True}
    else:
        return 0
    return Besked.objects.filter(familie=familie, laest__isnull=True, **other_side).update(
        laest=timezone.now()
    )


@transaction.atomic
def besked_til_opfoelgning(
    *, acting_user: Any, besked: Besked, indsats: Indsats, vurdering: str, form: str = ""
) -> Opfoelgning:
    """Turn a family's message into a follow-up of one of the family's activities (once)."""
    besked = Besked.objects.select_for_update().select_related("familie").get(pk=besked.pk)
    if not may_answer(acting_user, besked.familie):
        raise PermissionDenied
    if besked.opfoelgning_id:
        raise ValidationError(_("Beskeden er allerede gjort til en opfølgning."))
    if indsats.version.familie_id != besked.familie_id:
        raise ValidationError({"indsats": [_("Vælg en af familiens indsatser.")]})
    opfoelgning = plan_services.opfoelgning_registrer(
        acting_user=acting_user,
        indsats=indsats,
        dato=timezone.localtime(besked.sendt).date(),
        form=form.strip() or _("Besked i Helhedsindsats"),
        vurdering=vurdering,
        notat=besked.tekst[:4000],
    )
    besked.opfoelgning = opfoelgning
    besked.save(update_fields=["opfoelgning"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=besked.familie,
        objekt=besked,
        detaljer={"opfoelgning": opfoelgning.pk},
    )
    return opfoelgning


@transaction.atomic
def besked_til_aftale(
    *, acting_user: Any, besked: Besked, hvem: str, frist: datetime.date, hvad: str = ""
) -> Aftale:
    """Turn a message into an agreement of the family's stafetlog (once)."""
    besked = Besked.objects.select_for_update().select_related("familie").get(pk=besked.pk)
    if not may_answer(acting_user, besked.familie):
        raise PermissionDenied
    if besked.aftale_id:
        raise ValidationError(_("Beskeden er allerede gjort til en aftale."))
    aftale = plan_services.aftale_opret(
        acting_user=acting_user,
        familie=besked.familie,
        hvad=(hvad.strip() or besked.tekst)[:500],
        hvem=hvem,
        frist=frist,
    )
    besked.aftale = aftale
    besked.save(update_fields=["aftale"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=besked.familie,
        objekt=besked,
        detaljer={"aftale": aftale.pk},
    )
    return aftale


# --- Absences (the project leader) -------------------------------------------------------------


def _sync_families_of(bruger_id: int, projekt: Projekt, acting_user: Any) -> None:
    for familie in Familie.objects.filter(projekt=projekt, koordinator_id=bruger_id):
        adgang.sync_family_grants(familie, reason="absence", acting_user=acting_user)


@transaction.atomic
def fravaer_registrer(
    *,
    acting_user: Any,
    projekt: Projekt,
    bruger: Any,
    stedfortraeder: Any,
    fra: datetime.date,
    til: datetime.date,
) -> Fravaer:
    """Record an absence and its substitute; the substitute gets the families at once if the
    absence has begun (else the daily sweep gives them on its first day)."""
    if Rolle.PROJEKTLEDER not in adgang.roles_in(acting_user, projekt):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if bruger is None or Rolle.KOORDINATOR not in adgang.roles_in(bruger, projekt):
        errors["bruger"] = [_("Vælg en koordinerende sagsbehandler i projektet.")]
    if stedfortraeder is None or not {Rolle.KOORDINATOR, Rolle.PROJEKTLEDER} & set(
        adgang.roles_in(stedfortraeder, projekt)
    ):
        errors["stedfortraeder"] = [
            _("Vælg en koordinerende sagsbehandler eller projektleder i projektet.")
        ]
    elif bruger is not None and stedfortraeder.pk == bruger.pk:
        errors["stedfortraeder"] = [_("Stedfortræderen skal være en anden end den fraværende.")]
    if til < fra:
        errors["til"] = [_("Slutdatoen skal ligge på eller efter startdatoen.")]
    if not errors:
        overlapping = Fravaer.objects.filter(projekt=projekt, fra__lte=til, til__gte=fra)
        if overlapping.filter(bruger=bruger).exists():
            errors["fra"] = [_("Personen er allerede registreret som fraværende i perioden.")]
        if overlapping.filter(bruger=stedfortraeder).exists():
            errors["stedfortraeder"] = [_("Stedfortræderen er selv fraværende i perioden.")]
    if errors:
        raise ValidationError(errors)
    fravaer = Fravaer(
        projekt=projekt,
        bruger=bruger,
        stedfortraeder=stedfortraeder,
        fra=fra,
        til=til,
        registreret_af=acting_user,
    )
    fravaer.full_clean()
    fravaer.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SUPPORT,
        projekt_id=projekt.pk,
        objekt=fravaer,
        detaljer={"bruger": bruger.pk, "stedfortraeder": stedfortraeder.pk},
    )
    _sync_families_of(bruger.pk, projekt, acting_user)
    return fravaer


@transaction.atomic
def fravaer_afslut(*, acting_user: Any, fravaer: Fravaer) -> Fravaer | None:
    """End an absence now: one not yet begun is removed, one running ends yesterday."""
    fravaer = Fravaer.objects.select_for_update().select_related("projekt").get(pk=fravaer.pk)
    if Rolle.PROJEKTLEDER not in adgang.roles_in(acting_user, fravaer.projekt):
        raise PermissionDenied
    today = timezone.localdate()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SUPPORT,
        projekt_id=fravaer.projekt_id,
        objekt=fravaer,
        detaljer={"afsluttet": str(today)},
    )
    bruger_id, projekt = fravaer.bruger_id, fravaer.projekt
    if fravaer.fra >= today:
        fravaer.delete()
        result = None
    else:
        fravaer.til = min(fravaer.til, today - datetime.timedelta(days=1))
        fravaer.save(update_fields=["til"])
        result = fravaer
    _sync_families_of(bruger_id, projekt, acting_user)
    return result


# --- The user's own contact details and notification choices --------------------------------


@transaction.atomic
def kontaktinfo_gem(*, acting_user: Any, telefon: str, traeffetid: str) -> Medarbejder:
    """A staff member's phone and hours, shown to the families they are contact person for."""
    medarbejder = Medarbejder.objects.select_for_update().filter(bruger=acting_user).first()
    if medarbejder is None:
        raise PermissionDenied
    medarbejder.telefon = telefon.strip()
    medarbejder.traeffetid = traeffetid.strip()
    medarbejder.full_clean()
    medarbejder.save(update_fields=["telefon", "traeffetid"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SUPPORT,
        objekt=medarbejder,
    )
    return medarbejder


@transaction.atomic
def notifikationsvalg_gem(
    *, acting_user: Any, email: bool, sms: bool, mobil: str
) -> Notifikationsvalg:
    valg, _created = Notifikationsvalg.objects.select_for_update().get_or_create(bruger=acting_user)
    valg.email = email
    valg.sms = sms
    valg.mobil = mobil.replace(" ", "")
    if sms and not valg.mobil:
        raise ValidationError({"mobil": [_("Skriv et mobilnummer for at få sms.")]})
    valg.full_clean()
    valg.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SUPPORT,
        objekt=valg,
        detaljer={"email": email, "sms": sms},
    )
    return valg
