"""Writes of the shared kernel: one business action per function, in one transaction.

Each takes the acting user, checks permission through kerne.adgang, validates, saves, writes
the audit row and re-derives the grants a changed fact affects.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice
from kombu.exceptions import OperationalError as KombuOperationalError

from kerne import adgang, audit, cpr, cpr_crypto
from kerne.models import (
    Afdelingssag,
    Delingsregel,
    Dokument,
    EksplicitAdgang,
    Familie,
    Familiemedlemskab,
    Forvaltning,
    Hjemmel,
    Kommune,
    Medarbejder,
    OidcIdentitet,
    Person,
    Projekt,
    Projektrolle,
    Rolle,
    Samtykke,
    Sektor,
)

User = get_user_model()
logger = logging.getLogger(__name__)
Formaal = audit.Formaal
Handling = audit.Handling


def _roles(user: Any, projekt: Projekt) -> list[str]:
    return adgang.roles_in(user, projekt)


def _require_role(user: Any, projekt: Projekt, *roller: str) -> None:
    if not set(roller) & set(_roles(user, projekt)):
        raise PermissionDenied


def _require_change(user: Any, familie: Familie) -> None:
    if not adgang.may_change_family(user, familie):
        raise PermissionDenied


# --- Accounts ---------------------------------------------------------------------------------


def lockouts_for_project(*, projekt: Projekt | None) -> QuerySet[AccessAttempt]:
    """Locked usernames of the project's own users: a project leader unlocks only their own."""
    if projekt is None:
        return AccessAttempt.objects.none()
    usernames = User.objects.filter(projektroller__projekt=projekt).values("username")
    return AccessAttempt.objects.filter(username__in=usernames).order_by("-attempt_time")


@transaction.atomic
def account_unlock(*, acting_user: Any, projekt: Projekt, attempt_id: int) -> str:
    """Remove the failed attempts that lock a user of the project; returns the username."""
    _require_role(acting_user, projekt, Rolle.PROJEKTLEDER)
    attempt = lockouts_for_project(projekt=projekt).select_for_update().get(pk=attempt_id)
    username = attempt.username
    AccessAttempt.objects.filter(username=username).delete()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SUPPORT,
        projekt_id=projekt.pk,
        detaljer={"unlocked_username": username},
    )
    return username


def _project_user(projekt: Projekt, bruger_id: int) -> Any:
    """A user holding a role in the project; User.DoesNotExist (a 404) for anyone else."""
    return User.objects.filter(
        pk=bruger_id, pk__in=Projektrolle.objects.filter(projekt=projekt).values("bruger_id")
    ).get()


def _leader_removes(
    acting_user: Any, projekt: Projekt, bruger_id: int, removable, detail: dict, count_key: str
) -> Any:
    """A project leader removes a credential (authenticator app, API token) of a user of their
    project, audited as a permission change. A user outside the project: User.DoesNotExist."""
    _require_role(acting_user, projekt, Rolle.PROJEKTLEDER)
    bruger = _project_user(projekt, bruger_id)
    removed, _detail = removable.filter(user=bruger).delete()
    audit.log(
        user=acting_user,
        handling=Handling.PERMISSION_CHANGE,
        formaal=Formaal.SUPPORT,
        projekt_id=projekt.pk,
        detaljer={"bruger_id": bruger.pk, **detail, count_key: removed},
    )
    return bruger


@transaction.atomic
def totp_nulstil(*, acting_user: Any, projekt: Projekt, bruger_id: int) -> Any:
    """Remove a project user's authenticator app: they enrol a new one at their next sign-in.

    For a lost phone. Until then the account signs in with its password and a new app, so the
    project leader should have spoken to the person first (docs/operations.md).
    """
    return _leader_removes(
        acting_user, projekt, bruger_id, TOTPDevice.objects.all(), {"totp": "nulstillet"}, "enheder"
    )


@transaction.atomic
def totp_tilmeldt(*, bruger: Any, device: Any) -> None:
    """A user confirmed their first authenticator app with a right code at sign-in."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.log(
        user=bruger,
        handling=Handling.PERMISSION_CHANGE,
        formaal=Formaal.SUPPORT,
        detaljer={"bruger_id": bruger.pk, "totp": "tilmeldt"},
    )


@transaction.atomic
def bruger_rettigheder_aendret(*, acting_user: Any, bruger: Any, foer: dict[str, bool]) -> None:
    """Audit a change of an account's standing made in the admin (deactivated, superuser...)."""
    for felt, gammel in foer.items():
        ny = getattr(bruger, felt)
        if ny != gammel:
            audit.log(
                user=acting_user,
                handling=Handling.PERMISSION_CHANGE,
                formaal=Formaal.SUPPORT,
                detaljer={"bruger_id": bruger.pk, felt: ny},
            )


class IkkeBorgerError(Exception):
    """The person's portal user is also a staff account: MitID never signs that one in."""


@transaction.atomic
def oidc_medarbejder_log_ind(
    *,
    issuer: str,
    subject: str,
    fornavn: str,
    efternavn: str,
    email: str,
    roller: set[tuple[str, str]],
) -> Any:
    """The staff user of an identity at the municipality's IdP, created at the first sign-in,
    with exactly the project roles the IdP gives now: a role the IdP no longer gives is removed
    (audited like any permission change), so the IdP is where roles are managed."""
    identitet = (
        OidcIdentitet.objects.select_for_update()
        .select_related("bruger")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identitet is None:
        digest = hashlib.sha256(f"{issuer}|{subject}".encode()).hexdigest()[:24]
        bruger = User(username=f"oidc-{digest}")
        bruger.set_unusable_password()
        bruger.save()
        identitet = OidcIdentitet.objects.create(bruger=bruger, issuer=issuer, subject=subject)
        audit.log(
            user=bruger,
            handling=Handling.CREATE,
            formaal=Formaal.SUPPORT,
            objekt=bruger,
            detaljer={"bruger_id": bruger.pk, "kilde": "oidc"},
        )
    else:
        bruger = identitet.bruger
        identitet.sidst_brugt = timezone.now()
        identitet.save(update_fields=["sidst_brugt"])
    profile = {"first_name": fornavn, "last_name": efternavn, "email": email}
    if any(getattr(bruger, field) != value for field, value in profile.items()):
        for field, value in profile.items():
            setattr(bruger, field, value)
        bruger.save(update_fields=list(profile))

    projekter = {p.kode: p for p in Projekt.objects.filter(kode__in={kode for kode, _r in roller})}
    wanted = {(projekter[kode].pk, rolle) for kode, rolle in roller if kode in projekter}
    held = {
        (r.projekt_id, r.rolle): r for r in Projektrolle.objects.filter(bruger=bruger).order_by()
    }
    added, removed = wanted - held.keys(), held.keys() - wanted
    for projekt_id, rolle in added:
        Projektrolle.objects.create(bruger=bruger, projekt_id=projekt_id, rolle=rolle)
    for key in removed:
        held[key].delete()
    for projekt_id, rolle in sorted(added | removed):
        audit.log(
            user=bruger,
            handling=Handling.PERMISSION_CHANGE,
            formaal=Formaal.SUPPORT,
            projekt_id=projekt_id,
            detaljer={
                "bruger_id": bruger.pk,
                "rolle": rolle,
                "tildelt": (projekt_id, rolle) in added,
                "kilde": "identitetsudbyder",
            },
        )
    if wanted and not Medarbejder.objects.filter(bruger=bruger).exists():
        first = min(wanted)[0]
        kommune_id = next(p.kommune_id for p in projekter.values() if p.pk == first)
        Medarbejder.objects.create(bruger=bruger, kommune_id=kommune_id)
    for projekt in Projekt.objects.filter(pk__in={pk for pk, _r in added | removed}):
        adgang.sync_project_grants(projekt, reason="oidc_roller", acting_user=bruger)
    return bruger


@transaction.atomic
def mitid_borger_log_ind(*, person: Person) -> Any:
    """The family-portal user of the person MitID identified: created at the first sign-in,
    with the citizen role in the projects of the person's current families and nothing else."""
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("bruger").get(pk=person.pk)
    )
    bruger = person.bruger
    if bruger is None:
        bruger = User(
            username=f"borger-{secrets.token_hex(8)}",
            first_name=person.fornavn[:150],
            last_name=person.efternavn[:150],
        )
        bruger.set_unusable_password()
        bruger.save()
        person.bruger = bruger
        person.save(update_fields=["bruger"])
        audit.log(
            user=bruger,
            handling=Handling.CREATE,
            formaal=Formaal.SUPPORT,
            person=person,
            objekt=bruger,
            detaljer={"bruger_id": bruger.pk, "kilde": "mitid"},
        )
    elif (
        bruger.is_staff
        or bruger.is_superuser
        or bruger.projektroller.exclude(rolle=Rolle.BORGER).exists()
        or OidcIdentitet.objects.filter(bruger=bruger).exists()
    ):
        raise IkkeBorgerError
    today = timezone.localdate()
    projekt_ids = set(
        Familiemedlemskab.objects.filter(person=person, fra__lte=today)
        .exclude(til__lt=today)
        .values_list("familie__projekt_id", flat=True)
    )
    held = set(
        Projektrolle.objects.filter(bruger=bruger, rolle=Rolle.BORGER).values_list(
            "projekt_id", flat=True
        )
    )
    for projekt_id in sorted(projekt_ids - held):
        Projektrolle.objects.create(bruger=bruger, projekt_id=projekt_id, rolle=Rolle.BORGER)
        audit.log(
            user=bruger,
            handling=Handling.PERMISSION_CHANGE,
            formaal=Formaal.SUPPORT,
            projekt_id=projekt_id,
            person=person,
            detaljer={
                "bruger_id": bruger.pk,
                "rolle": Rolle.BORGER,
                "tildelt": True,
                "kilde": "mitid",
            },
        )
    return bruger


# --- Families and persons ---------------------------------------------------------------------


@transaction.atomic
def familie_opret(*, acting_user: Any, projekt: Projekt, betegnelse: str) -> Familie:
    """A new family starts as a draft; only the visitation lifecycle moves it on."""
    _require_role(acting_user, projekt, Rolle.PROJEKTLEDER, Rolle.KOORDINATOR, Rolle.SAGSBEHANDLER)
    familie = Familie(projekt=projekt, betegnelse=betegnelse.strip(), status=Familie.Status.KLADDE)
    familie.full_clean()
    familie.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=familie,
    )
    adgang.sync_family_grants(familie, reason="familie_opret", acting_user=acting_user)
    return familie


@transaction.atomic
def person_registrer(
    *,
    acting_user: Any,
    kommune: Kommune,
    cpr_nummer: str | None,
    fornavn: str,
    efternavn: str,
    adresse: str = "",
    postnummer: str = "",
    by: str = "",
) -> tuple[Person, bool]:
    """Register a person, or find the one already registered with that CPR number.

    Returns (person, created). A CPR number is never registered twice in a municipality.
    """
    # Only the roles that register families: a found person's name goes back to the caller.
    if not Projektrolle.objects.filter(
        bruger=acting_user,
        projekt__kommune=kommune,
        rolle__in=[Rolle.PROJEKTLEDER, Rolle.KOORDINATOR, Rolle.SAGSBEHANDLER],
    ).exists():
        raise PermissionDenied
    digits = None
    if cpr_nummer:
        try:
            digits = cpr.normalise(cpr_nummer)
        except ValidationError as error:
            raise ValidationError({"cpr": error.messages}) from None
        existing = (
            Person.objects.select_for_update().with_cpr(digits).filter(kommune=kommune).first()
        )
        if existing is not None:
            return existing, False
    person = Person(
        kommune=kommune,
        cpr=digits,
        fornavn=fornavn.strip(),
        efternavn=efternavn.strip(),
        adresse=adresse.strip(),
        postnummer=postnummer.strip(),
        by=by.strip(),
        foedselsdato=cpr.birth_date(digits) if digits else None,
        koen=cpr.sex(digits) if digits else "",
    )
    person.full_clean(validate_constraints=False)
    try:
        # A savepoint: two first registrations of one CPR at once meet at the constraint.
        with transaction.atomic():
            person.save()
    except IntegrityError:
        return Person.objects.with_cpr(digits).get(kommune=kommune), False
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        person=person,
        objekt=person,
    )
    return person, True


@transaction.atomic
def medlem_tilfoej(
    *,
    acting_user: Any,
    familie: Familie,
    person: Person,
    rolle: str,
    relation: str,
    foraeldremyndighed: bool = False,
    fra: date | None = None,
) -> Familiemedlemskab:
    """Add a person to a family; a child of separated parents may belong to two families."""
    _require_change(acting_user, familie)
    if person.kommune_id != familie.projekt.kommune_id:
        raise ValidationError({"person": _("Personen hører til en anden kommune.")})
    if familie.medlemskaber.filter(person=person, til__isnull=True).exists():
        raise ValidationError({"person": _("Personen er allerede medlem af familien.")})
    medlemskab = Familiemedlemskab(
        familie=familie,
        person=person,
        rolle=rolle,
        relation=relation,
        foraeldremyndighed=foraeldremyndighed,
        fra=fra or timezone.localdate(),
    )
    medlemskab.full_clean()
    medlemskab.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=person,
        objekt=medlemskab,
    )
    return medlemskab


@transaction.atomic
def koordinator_tildel(*, acting_user: Any, familie: Familie, koordinator: Any) -> Familie:
    _require_role(acting_user, familie.projekt, Rolle.PROJEKTLEDER)
    if Rolle.KOORDINATOR not in _roles(koordinator, familie.projekt):
        raise ValidationError(
            {"koordinator": _("Den valgte bruger er ikke koordinerende sagsbehandler i projektet.")}
        )
    familie.koordinator = koordinator
    familie.save(update_fields=["koordinator"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=familie,
        detaljer={"koordinator_id": koordinator.pk},
    )
    adgang.sync_family_grants(familie, reason="koordinator_tildel", acting_user=acting_user)
    return familie


@transaction.atomic
def afdelingssag_aabn(
    *,
    acting_user: Any,
    familie: Familie,
    forvaltning: Forvaltning,
    sagsbehandler: Any = None,
    aabnet: date | None = None,
) -> Afdelingssag:
    """Record that a department has a case on the family (it gives its case worker access)."""
    medarbejder = getattr(acting_user, "medarbejder", None)
    is_own_department = medarbejder is not None and medarbejder.forvaltning_id == forvaltning.pk
    if not is_own_department:
        _require_role(acting_user, familie.projekt, Rolle.PROJEKTLEDER)
    if forvaltning.kommune_id != familie.projekt.kommune_id:
        raise ValidationError({"forvaltning": _("Forvaltningen hører til en anden kommune.")})
    sag = Afdelingssag(
        familie=familie,
        forvaltning=forvaltning,
        sagsbehandler=sagsbehandler,
        aabnet=aabnet or timezone.localdate(),
    )
    sag.full_clean()
    sag.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        sektor=forvaltning.sektor,
        objekt=sag,
    )
    adgang.sync_family_grants(familie, reason="afdelingssag_aabn", acting_user=acting_user)
    return sag


@transaction.atomic
def afdelingssag_luk(*, acting_user: Any, sag: Afdelingssag, lukket: date | None = None) -> None:
    medarbejder = getattr(acting_user, "medarbejder", None)
    if medarbejder is None or medarbejder.forvaltning_id != sag.forvaltning_id:
        _require_role(acting_user, sag.familie.projekt, Rolle.PROJEKTLEDER)
    sag.lukket = lukket or timezone.localdate()
    sag.full_clean()
    sag.save(update_fields=["lukket"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=sag.familie,
        sektor=sag.forvaltning.sektor,
        objekt=sag,
    )
    adgang.sync_family_grants(sag.familie, reason="afdelingssag_luk", acting_user=acting_user)


# --- Consent and legal basis -----------------------------------------------------------------


@transaction.atomic
def samtykke_registrer(
    *,
    acting_user: Any,
    familie: Familie,
    person: Person,
    sektorer: Iterable[str],
    modtagere: Iterable[Forvaltning],
    formaal: str,
    gyldig_fra: date,
    gyldig_til: date | None = None,
) -> Samtykke:
    """Record a consent; the grants it gives take effect in the same transaction."""
    _require_change(acting_user, familie)
    sektorer = sorted(set(sektorer))
    modtagere = list(modtagere)
    errors: dict[str, list[str]] = {}
    membership = familie.medlemskaber.filter(person=person, til__isnull=True).first()
    if membership is None:
        errors["person"] = [_("Samtykket skal gives af et nuværende medlem af familien.")]
    elif membership.rolle != Familiemedlemskab.Rolle.VOKSEN and not _is_youth_over_15(person):
        errors["person"] = [
            _("Samtykket skal gives af en voksen i familien eller en ung over 15 år.")
        ]
    if gyldig_til is not None and gyldig_til < gyldig_fra:
        errors["gyldig_til"] = [_("Slutdatoen skal ligge på eller efter startdatoen.")]
    if not sektorer or not set(sektorer) <= set(Sektor.values):
        errors["sektorer"] = [_("Vælg mindst én sektor, hvis data samtykket omfatter.")]
    if not modtagere:
        errors["modtagere"] = [_("Vælg mindst én forvaltning, der må modtage data.")]
    elif any(m.kommune_id != familie.projekt.kommune_id for m in modtagere):
        errors["modtagere"] = [_("Modtagerne skal høre til familiens kommune.")]
    if errors:
        raise ValidationError(errors)
    samtykke = Samtykke(
        familie=familie,
        person=person,
        sektorer=sektorer,
        formaal=formaal.strip(),
        gyldig_fra=gyldig_fra,
        gyldig_til=gyldig_til,
        registreret_af=acting_user,
    )
    samtykke.full_clean()
    samtykke.save()
    samtykke.modtagere.set(modtagere)
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=person,
        objekt=samtykke,
        detaljer={"sektorer": sektorer, "modtagere": [m.pk for m in modtagere]},
    )
    adgang.sync_family_grants(familie, reason="samtykke_registrer", acting_user=acting_user)
    return samtykke


def _is_youth_over_15(person: Person) -> bool:
    if person.foedselsdato is None:
        return False
    today = timezone.localdate()
    age = today.year - person.foedselsdato.year
    if (today.month, today.day) < (person.foedselsdato.month, person.foedselsdato.day):
        age -= 1
    return age >= 15


@transaction.atomic
def samtykke_tilbagekald(*, acting_user: Any, samtykke: Samtykke, note: str = "") -> Samtykke:
    """Withdraw a consent: every grant that rested on it goes at once, in this transaction."""
    samtykke = (
        Samtykke.objects.select_for_update().select_related("familie__projekt").get(pk=samtykke.pk)
    )
    _require_change(acting_user, samtykke.familie)
    if samtykke.tilbagekaldt is not None:
        raise ValidationError(_("Samtykket er allerede tilbagekaldt."))
    samtykke.tilbagekaldt = timezone.now()
    samtykke.tilbagekaldt_af = acting_user
    samtykke.tilbagekaldelse_note = note.strip()
    samtykke.full_clean()
    samtykke.save(update_fields=["tilbagekaldt", "tilbagekaldt_af", "tilbagekaldelse_note"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=samtykke.familie,
        person=samtykke.person_id,
        objekt=samtykke,
        detaljer={"withdrawn": True},
    )
    adgang.sync_family_grants(
        samtykke.familie, reason="samtykke_tilbagekald", acting_user=acting_user
    )
    return samtykke


@transaction.atomic
def hjemmel_registrer(
    *,
    acting_user: Any,
    familie: Familie,
    sektor: str,
    modtager: Forvaltning,
    paragraf: str,
    note: str = "",
    gyldig_fra: date,
    gyldig_til: date | None = None,
) -> Hjemmel:
    _require_role(acting_user, familie.projekt, Rolle.PROJEKTLEDER)
    hjemmel = Hjemmel(
        familie=familie,
        sektor=sektor,
        modtager=modtager,
        paragraf=paragraf.strip(),
        note=note.strip(),
        gyldig_fra=gyldig_fra,
        gyldig_til=gyldig_til,
        registreret_af=acting_user,
    )
    hjemmel.full_clean()
    hjemmel.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        sektor=sektor,
        objekt=hjemmel,
    )
    adgang.sync_family_grants(familie, reason="hjemmel_registrer", acting_user=acting_user)
    return hjemmel


@transaction.atomic
def eksplicit_adgang_giv(
    *,
    acting_user: Any,
    familie: Familie,
    bruger: Any,
    tilladelse: str,
    begrundelse: str,
    gyldig_til: date,
    sektor: str = "",
) -> EksplicitAdgang:
    """A grant by hand beyond the rules, always with a reason and an end date."""
    _require_role(acting_user, familie.projekt, Rolle.PROJEKTLEDER)
    if gyldig_til < timezone.localdate():
        raise ValidationError({"gyldig_til": _("Slutdatoen må ikke ligge i fortiden.")})
    grant = EksplicitAdgang(
        familie=familie,
        bruger=bruger,
        sektor=sektor,
        tilladelse=tilladelse,
        begrundelse=begrundelse.strip(),
        gyldig_til=gyldig_til,
        givet_af=acting_user,
    )
    grant.full_clean()
    grant.save()
    adgang.sync_family_grants(familie, reason="eksplicit_adgang_giv", acting_user=acting_user)
    return grant


# --- Project configuration --------------------------------------------------------------------


@transaction.atomic
def delingsregel_saet(
    *, acting_user: Any, projekt: Projekt, rolle: str, sektor: str, regel: str
) -> Delingsregel:
    _require_role(acting_user, projekt, Rolle.PROJEKTLEDER)
    delingsregel, _created = Delingsregel.objects.update_or_create(
        projekt=projekt, rolle=rolle, sektor=sektor, defaults={"regel": regel}
    )
    delingsregel.full_clean()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SUPPORT,
        projekt_id=projekt.pk,
        objekt=delingsregel,
        detaljer={"rolle": rolle, "sektor": sektor, "regel": regel},
    )
    adgang.sync_project_grants(projekt, reason="delingsregel_saet", acting_user=acting_user)
    return delingsregel


@transaction.atomic
def projektrolle_tildel(*, acting_user: Any, projekt: Projekt, bruger: Any, rolle: str) -> None:
    _require_role(acting_user, projekt, Rolle.PROJEKTLEDER)
    Projektrolle.objects.get_or_create(bruger=bruger, projekt=projekt, rolle=rolle)
    audit.log(
        user=acting_user,
        handling=Handling.PERMISSION_CHANGE,
        formaal=Formaal.SUPPORT,
        projekt_id=projekt.pk,
        detaljer={"bruger_id": bruger.pk, "rolle": rolle, "tildelt": True},
    )
    adgang.sync_project_grants(projekt, reason="projektrolle_tildel", acting_user=acting_user)


@transaction.atomic
def projektrolle_fjern(*, acting_user: Any, projekt: Projekt, bruger: Any, rolle: str) -> None:
    _require_role(acting_user, projekt, Rolle.PROJEKTLEDER)
    Projektrolle.objects.filter(bruger=bruger, projekt=projekt, rolle=rolle).delete()
    audit.log(
        user=acting_user,
        handling=Handling.PERMISSION_CHANGE,
        formaal=Formaal.SUPPORT,
        projekt_id=projekt.pk,
        detaljer={"bruger_id": bruger.pk, "rolle": rolle, "tildelt": False},
    )
    adgang.sync_project_grants(projekt, reason="projektrolle_fjern", acting_user=acting_user)


# --- CPR reveal and duplicate persons ---------------------------------------------------------


@transaction.atomic
def cpr_reveal(*, acting_user: Any, person: Person, familie: Familie) -> str:
    """The full CPR number for a user with a need; the reveal itself is logged."""
    if (
        not adgang.can(acting_user, adgang.VIEW, familie)
        or not familie.medlemskaber.filter(person=person).exists()
    ):
        raise PermissionDenied
    audit.log(
        user=acting_user,
        handling=Handling.CPR_REVEAL,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=person,
        objekt=person,
    )
    return cpr.format(person.cpr) if person.cpr else ""


@dataclass
class CprRotation:
    examined: int = 0
    changed: int = 0  # rows rewritten (or, in a check, rows still to rewrite)
    last_id: int = 0  # resume after this person id


def cpr_keys_rotate(
    *,
    batch_size: int = 1000,
    after_id: int = 0,
    write: bool = True,
    on_batch: Callable[[CprRotation], None] | None = None,
) -> CprRotation:
    """Re-encrypt every stored CPR number under the newest key of CPR_KEYS and recompute its
    keyed hash under CPR_HASH_KEY, a transaction per batch of persons in id order.

    Rows already done are left as they are, so a run stopped halfway resumes by running
    again (or from `after_id`). With write=False it only counts the rows still to do.
    An operator's maintenance, not a user's action: it reads no personal data out.
    """
    cpr_crypto.keyring()  # missing or malformed keys fail before the first row
    result = CprRotation(last_id=after_id)
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.select_for_update()
                .filter(pk__gt=result.last_id, cpr_cipher__isnull=False)
                .order_by("pk")
                .only("pk", "cpr_cipher", "cpr_hash")[:batch_size]
            )
            if not batch:
                return result
            stale = []
            for person in batch:
                token, digits = cpr_crypto.rotate(person.cpr_cipher)
                hashed = cpr_crypto.digest(digits)
                if (token, hashed) != (person.cpr_cipher, person.cpr_hash):
                    person.cpr_cipher, person.cpr_hash = token, hashed
                    stale.append(person)
            if write:
                Person.objects.bulk_update(stale, ["cpr_cipher", "cpr_hash"])
            result.examined += len(batch)
            result.changed += len(stale)
            result.last_id = batch[-1].pk
        if on_batch is not None:
            on_batch(result)


@transaction.atomic
def person_flet(*, acting_user: Any, behold: Person, dublet: Person) -> Person:
    """Merge a duplicate into the person kept: every row pointing at it moves over.

    Generic over related objects, so data added by later apps moves too. Where both are
    current members of one family, the two memberships become one (custody if either had it,
    the earlier start); the dropped row is kept in the audit details.
    """
    # Permission first, on the objects as the user sees them: both visible, and the user leads
    # a project of a family they belong to.
    for person in (behold, dublet):
        if not adgang.can(acting_user, adgang.VIEW, person):
            raise PermissionDenied
    led = Projektrolle.objects.filter(bruger=acting_user, rolle=Rolle.PROJEKTLEDER).values(
        "projekt_id"
    )
    if not Familiemedlemskab.objects.filter(
        person__in=[behold.pk, dublet.pk], familie__projekt__in=led
    ).exists():
        raise PermissionDenied
    if behold.pk == dublet.pk:
        raise ValidationError(_("Vælg to forskellige personer."))
    # Lock both in id order (no deadlock between two opposite merges), then decide on the
    # locked rows, not on what the caller passed in.
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[behold.pk, dublet.pk])
        .order_by("pk")
    }
    behold, dublet = locked[behold.pk], locked[dublet.pk]
    if behold.kommune_id != dublet.kommune_id:
        raise ValidationError(_("Personerne hører til forskellige kommuner."))
    if behold.cpr and dublet.cpr:
        raise ValidationError(
            _("Personerne har forskellige CPR-numre og kan ikke være den samme person.")
        )
    if behold.bruger_id and dublet.bruger_id:
        raise ValidationError(
            _("Begge personer har et borgerlogin. Fjern det ene, før personerne flettes.")
        )

    merged_memberships = []
    for kept in behold.medlemskaber.filter(til__isnull=True):
        duplicate = dublet.medlemskaber.filter(familie_id=kept.familie_id, til__isnull=True).first()
        if duplicate is None:
            continue
        kept.foraeldremyndighed = kept.foraeldremyndighed or duplicate.foraeldremyndighed
        kept.fra = min(kept.fra, duplicate.fra)
        kept.save(update_fields=["foraeldremyndighed", "fra"])
        merged_memberships.append(
            {
                "familie_id": duplicate.familie_id,
                "rolle": duplicate.rolle,
                "relation": duplicate.relation,
                "foraeldremyndighed": duplicate.foraeldremyndighed,
                "fra": str(duplicate.fra),
            }
        )
        duplicate.delete()

    moved: dict[str, int] = {}
    try:
        with transaction.atomic():
            for relation in Person._meta.related_objects:
                if relation.one_to_many or relation.one_to_one:
                    model = relation.related_model
                    field = relation.field.name
                    moved[model._meta.label_lower] = model._default_manager.filter(
                        **{field: dublet}
                    ).update(**{field: behold})
    except IntegrityError:
        raise ValidationError(
            _("Personerne kan ikke flettes automatisk, fordi de har modstridende oplysninger.")
        ) from None

    changed = []
    if not behold.cpr and dublet.cpr:
        behold.cpr, behold.foedselsdato, behold.koen = dublet.cpr, dublet.foedselsdato, dublet.koen
        changed += ["cpr", "foedselsdato", "koen"]
    # The address is one fact: take the duplicate's whole address, never a mix of the two.
    if not (behold.adresse or behold.postnummer or behold.by) and dublet.adresse:
        behold.adresse, behold.postnummer, behold.by = dublet.adresse, dublet.postnummer, dublet.by
        changed += ["adresse", "postnummer", "by"]
    if not behold.bruger_id and dublet.bruger_id:
        behold.bruger_id = dublet.bruger_id
        changed.append("bruger")
    dublet_id = dublet.pk
    # Free the unique CPR and login before the kept person takes them over.
    dublet.cpr, dublet.bruger = None, None
    dublet.save(update_fields=["cpr", "bruger"])
    if changed:
        behold.full_clean(validate_constraints=False)
        behold.save(update_fields=changed)
    dublet.delete()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SUPPORT,
        person=behold,
        objekt=behold,
        detaljer={
            "merged_person_id": dublet_id,
            "moved": moved,
            "merged_memberships": merged_memberships,
            "fields_taken": changed,
        },
    )
    for familie in Familie.objects.filter(medlemskaber__person=behold).distinct():
        adgang.sync_family_grants(familie, reason="person_flet", acting_user=acting_user)
    return behold


# --- API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def api_token_udsted(*, acting_user: Any):
    """The user's API token, a new one when the old has expired; a new token is audited."""
    from rest_framework.authtoken.models import Token

    from kerne import api_auth

    token = Token.objects.select_for_update().filter(user=acting_user).first()
    if token is not None and not api_auth.expired(token):
        return token
    if token is not None:
        token.delete()
    token = Token.objects.create(user=acting_user)
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SUPPORT,
        detaljer={"api_token": "udstedt"},
    )
    return token


@transaction.atomic
def api_token_tilbagekald(*, acting_user: Any) -> int:
    """Revoke the user's API token (it stops working at once); audited."""
    from rest_framework.authtoken.models import Token

    revoked, _detail = Token.objects.filter(user=acting_user).delete()
    audit.log(
        user=acting_user,
        handling=Handling.DELETE,
        formaal=Formaal.SUPPORT,
        detaljer={"api_token": "tilbagekaldt"},
    )
    return revoked


@transaction.atomic
def api_token_tilbagekald_for(*, acting_user: Any, projekt: Projekt, bruger_id: int) -> Any:
    """A project leader revokes the API token of a user of their project (it stops working at
    once); returns the user."""
    from rest_framework.authtoken.models import Token

    return _leader_removes(
        acting_user, projekt, bruger_id, Token.objects.all(), {"api_token": "tilbagekaldt"}, "antal"
    )


# --- Generated documents ----------------------------------------------------------------------


@transaction.atomic
def dokument_bestil(
    *,
    acting_user: Any,
    kind: str,
    key: str,
    projekt: Projekt,
    titel: str,
    familie: Familie | None = None,
) -> Dokument:
    """Order a PDF: the same (kind, key) gives the same document, built once in the background.

    A document that failed is queued again; one that is queued, running or done is returned.
    """
    from kerne import pdf

    pdf.kind_of(Dokument(kind=kind))  # refuses an unregistered kind before anything is written
    dokument, created = Dokument.objects.select_for_update().get_or_create(
        kind=kind,
        noegle=key,
        defaults={
            "titel": titel,
            "projekt": projekt,
            "familie": familie,
            "bestilt_af": acting_user,
        },
    )
    if not created and dokument.tilstand != Dokument.Tilstand.FEJLET:
        return dokument
    if not created:
        dokument.tilstand, dokument.fremdrift, dokument.fejl = Dokument.Tilstand.VENTENDE, 0, ""
        dokument.save(update_fields=["tilstand", "fremdrift", "fejl"])
    audit.log(
        user=acting_user,
        handling=Handling.PDF,
        formaal=Formaal.SAGSBEHANDLING if familie else Formaal.RAPPORT,
        familie=familie,
        projekt_id=projekt.pk,
        objekt=dokument,
        detaljer={"kind": kind, "ordered": True},
    )
    dokument_id = dokument.pk
    transaction.on_commit(lambda: dokument_koe(dokument_id=dokument_id))
    return dokument


QUEUE_DOWN = gettext_lazy(
    "Dokumentet er bestilt, men kunne ikke sættes i kø, fordi baggrundstjenesten ikke svarer. "
    "Det sættes i kø igen af sig selv, så snart tjenesten svarer igen."
)


def dokument_koe(*, dokument_id: int) -> bool:
    """Hand a waiting document to the workers. When the broker is down the page must still
    answer: the document keeps waiting with a message saying so, and the sweep
    (`tasks.dokumenter_genkoe`) queues it again once the broker answers. False then."""
    from kerne import tasks

    try:
        tasks.dokument_byg.delay(dokument_id)
    except (KombuOperationalError, OSError):
        logger.warning("Document %s could not be queued: the broker does not answer", dokument_id)
        Dokument.objects.filter(pk=dokument_id, tilstand=Dokument.Tilstand.VENTENDE).update(
            fejl=str(QUEUE_DOWN)
        )
        return False
    Dokument.objects.filter(pk=dokument_id, tilstand=Dokument.Tilstand.VENTENDE).exclude(
        fejl=""
    ).update(fejl="")
    return True


def claim_build(rows: QuerySet, *, opgave: str, **changes) -> bool:
    """Claim a queued or failed build (a document, a monthly report) for one task delivery, in
    one conditional UPDATE, so two workers never both build it. Returns whether it was claimed.

    `opgave` is the id of the task delivery. A worker killed mid-build leaves the row claimed
    ("koerer") and its message unacknowledged; the broker delivers the same message again, and
    only that delivery may take the stale claim over. `rows` is the one row to build, of a
    model with `opgave` and a `tilstand` of `Dokument.Tilstand` (as `Maanedsrapport` has).
    """
    claimable = Q(tilstand__in=[Dokument.Tilstand.VENTENDE, Dokument.Tilstand.FEJLET])
    if opgave:
        claimable |= Q(tilstand=Dokument.Tilstand.KOERER, opgave=opgave)
    return bool(
        rows.filter(claimable).update(tilstand=Dokument.Tilstand.KOERER, opgave=opgave, **changes)
    )


def dokument_byg(*, dokument_id: int, opgave: str = "") -> None:
    """Build one document (called by the task). Idempotent: a document already being built or
    built is left alone (`claim_build`). The file and the finished state are saved in one
    transaction, so a killed attempt leaves no half-built document.
    """
    from django.core.files.base import ContentFile

    from kerne import notifikationer, pdf

    if not claim_build(
        Dokument.objects.filter(pk=dokument_id), opgave=opgave, fremdrift=10, fejl=""
    ):
        return
    dokument = Dokument.objects.get(pk=dokument_id)
    try:
        template_name, context = pdf.kind_of(dokument).build(dokument)
        Dokument.objects.filter(pk=dokument_id).update(fremdrift=40)
        content = pdf.render_pdf(template_name, context)
        Dokument.objects.filter(pk=dokument_id).update(fremdrift=90)
        with transaction.atomic():
            dokument.fil.save(
                f"{dokument.kind}-{dokument.pk}.pdf", ContentFile(content), save=False
            )
            dokument.tilstand = Dokument.Tilstand.FAERDIG
            dokument.fremdrift = 100
            dokument.faerdig = timezone.now()
            dokument.save(update_fields=["fil", "tilstand", "fremdrift", "faerdig"])
            notifikationer.notify(
                modtagere=[dokument.bestilt_af_id],
                art=notifikationer.Art.DOKUMENT_KLAR,
                noegle=f"dokument:{dokument.pk}",
                familie=dokument.familie_id,
                url=reverse("kerne:dokument_hent", args=[dokument.pk]),
            )
    except Exception as error:
        # The reason is shown in the UI: the exception's class, never data from the document.
        Dokument.objects.filter(pk=dokument_id).update(
            tilstand=Dokument.Tilstand.FEJLET,
            fejl=_("Dokumentet kunne ikke dannes (%(fejl)s). Prøv igen.")
            % {"fejl": type(error).__name__},
        )
        logger.exception("Building document %s failed", dokument_id)
        if isinstance(error, OperationalError):
            raise  # transient: the task retries with backoff


# --- Retention (kerne.opbevaring) ---------------------------------------------------------------

ANONYM_FORNAVN = "Anonymiseret"
ANONYM_EFTERNAVN = "person"


@transaction.atomic
def person_anonymiser(*, person: Person) -> Person:
    """Remove a person's identity for good. The one place a CPR number is cleared.

    Kept for statistics: the municipality, sex and birth year (the evaluator export's
    `foedselsaar`); the birth date becomes 1 July of that year, so an age computed from it is
    off by at most half a year. The citizen's portal account is closed for good.
    """
    person.cpr = None
    person.fornavn = ANONYM_FORNAVN
    person.efternavn = ANONYM_EFTERNAVN
    if person.foedselsdato is not None:
        person.foedselsdato = date(person.foedselsdato.year, 7, 1)
    person.adresse = person.postnummer = person.by = ""
    person.save(
        update_fields=["cpr", "fornavn", "efternavn", "foedselsdato", "adresse", "postnummer", "by"]
    )
    if person.bruger_id is not None:
        _portal_account_close(person.bruger)
    return person


def _portal_account_close(bruger: Any) -> None:
    """No sign-in, no token, no name or contact details left on the account. The row stays:
    the family's messages point to it as their sender."""
    from rest_framework.authtoken.models import Token

    from kerne.models import Notifikationsvalg

    bruger.is_active = False
    bruger.set_unusable_password()
    bruger.username = f"anonymiseret-{bruger.pk}"
    bruger.first_name = bruger.last_name = bruger.email = ""
    bruger.save(
        update_fields=["is_active", "password", "username", "first_name", "last_name", "email"]
    )
    Token.objects.filter(user=bruger).delete()
    Notifikationsvalg.objects.filter(bruger=bruger).delete()


ANONYM_FAMILIE = "Anonymiseret familie {pk}"


@transaction.atomic
def familie_anonymiser(*, familie_id: int, today: date | None = None) -> bool:
    """Anonymise one family past its project's retention; False when it is not due (any more).

    One transaction: every app's registered part, the family's designation, the persons whose
    every other family is anonymised or due too, then the mark and one audit row (counts only).
    The row lock and the mark make a second run, or a redelivered task, change nothing.
    """
    from kerne import opbevaring

    today = today or timezone.localdate()
    familie = (
        Familie.objects.select_for_update(of=("self",))
        .select_related("projekt")
        .filter(pk=familie_id)
        .first()
    )
    if familie is None or familie.anonymiseret is not None:
        return False
    if not opbevaring.is_due(
        status=familie.status,
        afsluttet=familie.afsluttet,
        months=familie.projekt.opbevaring_maaneder,
        today=today,
    ):
        return False
    felter: dict[str, int] = {}
    for anonymiser in opbevaring.anonymisers():
        felter[anonymiser.key] = sum(opbevaring.blank(f, familie) for f in anonymiser.felter)
        if anonymiser.ekstra is not None:
            anonymiser.ekstra(familie)
    anonymised, kept = 0, 0
    for person in Person.objects.filter(medlemskaber__familie=familie).distinct().order_by("pk"):
        others = (
            Familie.objects.filter(medlemskaber__person=person)
            .exclude(pk=familie.pk)
            .select_related("projekt")
            .distinct()
        )
        if all(opbevaring.family_is_settled(other, today) for other in others):
            person_anonymiser(person=person)
            anonymised += 1
        else:
            kept += 1
    familie.betegnelse = ANONYM_FAMILIE.format(pk=familie.pk)
    familie.anonymiseret = timezone.now()
    familie.save(update_fields=["betegnelse", "anonymiseret"])
    audit.log(
        user=None,
        handling=Handling.DELETE,
        formaal=Formaal.TILSYN,
        familie=familie,
        objekt=familie,
        detaljer={
            "anonymiseret": True,
            "personer_anonymiseret": anonymised,
            "personer_beholdt": kept,
            "felter": felter,
        },
    )
    return True
