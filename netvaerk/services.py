"""Writes of the family's network: the partner catalogue, links to activities and leisure, fees.

Meetings are written by familieplan's services (the one meeting concept, Stafetmoede); this
module writes the partner catalogue of a municipality and the links from a family's data to
it. Catalogue: the project's leader, administration and case managers keep it for their
municipality. Links: change on the Sagsdel the link lies in (the activity's sector, or the
leisure indicator's sector). Membership fees become cost lines through investering's services.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familieplan import services as plan_services
from familieplan.models import Aktoer, Indsats
from investering import services as investering_services
from investering.models import Omkostningstype
from kerne import adgang, audit
from kerne.models import Familie, Familiemedlemskab, Person, Projekt, Rolle, Sektor
from netvaerk.models import (
    Fritidstilknytning,
    Indsatspartner,
    Mentor,
    Partner,
    Samarbejdsaftale,
    Tilbud,
)

Handling = audit.Handling
Formaal = audit.Formaal

CATALOGUE_ROLES = (Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV, Rolle.KOORDINATOR)
# The sector of the registration indicator a leisure link stands beside (registrering's
# national indicators): who sees the indicator sees the link.
LEISURE_SECTOR = {
    Fritidstilknytning.Art.FRITIDSAKTIVITET: Sektor.BOERN_FAMILIE,
    Fritidstilknytning.Art.FRITIDSJOB: Sektor.BESKAEFTIGELSE,
}
LEISURE_JOB_MIN_AGE = 13


def may_keep_catalogue(user: Any, projekt: Projekt | None) -> bool:
    return projekt is not None and bool(set(CATALOGUE_ROLES) & set(adgang.roles_in(user, projekt)))


def _require_catalogue(user: Any, projekt: Projekt, partner: Partner | None = None) -> None:
    if not may_keep_catalogue(user, projekt):
        raise PermissionDenied
    if partner is not None and partner.kommune_id != projekt.kommune_id:
        raise PermissionDenied


def _log_catalogue(user: Any, handling: str, projekt: Projekt, objekt: Any) -> None:
    # Catalogue rows are organisations, not personal data: logged as administration.
    audit.log(
        user=user,
        handling=handling,
        formaal=Formaal.SAGSBEHANDLING,
        projekt_id=projekt.pk,
        objekt=objekt,
    )


# --- Catalogue ------------------------------------------------------------------------------


@dataclass
class PartnerData:
    navn: str
    art: str
    kontaktperson: str = ""
    telefon: str = ""
    email: str = ""
    adresse: str = ""
    beskrivelse: str = ""
    aktiv: bool = True


@transaction.atomic
def partner_gem(
    *, acting_user: Any, projekt: Projekt, data: PartnerData, partner: Partner | None = None
) -> Partner:
    """Add a partner to the municipality's catalogue, or change one."""
    _require_catalogue(acting_user, projekt, partner)
    if partner is None:
        partner = Partner(kommune_id=projekt.kommune_id)
        handling = Handling.CREATE
    else:
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        handling = Handling.CHANGE
    for name in ("navn", "art", "kontaktperson", "telefon", "email", "adresse", "beskrivelse"):
        setattr(partner, name, (getattr(data, name) or "").strip())
    partner.aktiv = data.aktiv
    partner.full_clean()
    partner.save()
    _log_catalogue(acting_user, handling, projekt, partner)
    return partner


@transaction.atomic
def samarbejdsaftale_opret(
    *,
    acting_user: Any,
    projekt: Projekt,
    partner: Partner,
    titel: str,
    gyldig_fra: datetime.date,
    gyldig_til: datetime.date | None = None,
    note: str = "",
) -> Samarbejdsaftale:
    _require_catalogue(acting_user, projekt, partner)
    if gyldig_til is not None and gyldig_til < gyldig_fra:
        raise ValidationError(
            {"gyldig_til": [_("Aftalen skal slutte på eller efter sin startdato.")]}
        )
    aftale = Samarbejdsaftale(
        partner=partner,
        titel=(titel or "").strip(),
        gyldig_fra=gyldig_fra,
        gyldig_til=gyldig_til,
        note=(note or "").strip(),
    )
    aftale.full_clean()
    aftale.save()
    _log_catalogue(acting_user, Handling.CREATE, projekt, aftale)
    return aftale


@dataclass
class TilbudData:
    titel: str
    art: str
    alder_fra: int | None = None
    alder_til: int | None = None
    beskrivelse: str = ""
    omkostningstype: Omkostningstype | None = None
    aktiv: bool = True


@transaction.atomic
def tilbud_gem(
    *,
    acting_user: Any,
    projekt: Projekt,
    partner: Partner,
    data: TilbudData,
    tilbud: Tilbud | None = None,
) -> Tilbud:
    """Add an offer to a partner, or change one."""
    _require_catalogue(acting_user, projekt, partner)
    errors: dict[str, list[str]] = {}
    if (
        data.alder_fra is not None
        and data.alder_til is not None
        and data.alder_til < data.alder_fra
    ):
        errors["alder_til"] = [_("Aldersgrænsen 'til' skal være mindst 'fra'.")]
    if data.omkostningstype is not None and data.omkostningstype.kommune_id != partner.kommune_id:
        errors["omkostningstype"] = [_("Omkostningstypen hører ikke til kommunens prisliste.")]
    if errors:
        raise ValidationError(errors)
    if tilbud is None:
        tilbud = Tilbud(partner=partner)
        handling = Handling.CREATE
    else:
        tilbud = Tilbud.objects.select_for_update().get(pk=tilbud.pk, partner=partner)
        handling = Handling.CHANGE
    tilbud.titel = (data.titel or "").strip()
    tilbud.art = data.art
    tilbud.alder_fra = data.alder_fra
    tilbud.alder_til = data.alder_til
    tilbud.beskrivelse = (data.beskrivelse or "").strip()
    tilbud.omkostningstype = data.omkostningstype
    tilbud.aktiv = data.aktiv
    tilbud.full_clean()
    tilbud.save()
    _log_catalogue(acting_user, handling, projekt, tilbud)
    return tilbud


@transaction.atomic
def mentor_gem(
    *,
    acting_user: Any,
    projekt: Projekt,
    partner: Partner,
    navn: str,
    kontakt: str,
    uddannet: bool = False,
    bruger: Any = None,
) -> Mentor:
    """Add a mentor to a partner. Mentors are not users; one with an account must hold a role
    (fagperson) in the project, and reads only the stafetlogs they are named in."""
    _require_catalogue(acting_user, projekt, partner)
    if bruger is not None and Rolle.FAGPERSON not in adgang.roles_in(bruger, projekt):
        raise ValidationError({"bruger": [_("Brugeren skal være fagperson i projektet.")]})
    mentor = Mentor(
        partner=partner,
        navn=(navn or "").strip(),
        kontakt=(kontakt or "").strip(),
        uddannet=uddannet,
        bruger=bruger,
    )
    mentor.full_clean()
    mentor.save()
    _log_catalogue(acting_user, Handling.CREATE, projekt, mentor)
    return mentor


@transaction.atomic
def mentor_tilknyt(
    *,
    acting_user: Any,
    familie: Familie,
    mentor: Mentor,
    maa_laese: bool = False,
    laeseadgang_besluttet_af: Person | None = None,
) -> Aktoer:
    """Name a mentor in a family's stafetlog (an actor); with the parents' decision a mentor
    with an account may then read that stafetlog, and nothing else of the family."""
    if mentor.partner.kommune_id != familie.projekt.kommune_id:
        raise ValidationError({"mentor": [_("Mentoren hører til en anden kommune.")]})
    return plan_services.aktoer_gem(
        acting_user=acting_user,
        familie=familie,
        data=plan_services.AktoerData(
            navn=mentor.navn,
            rolle=_("Mentor") + (f" ({_('uddannet')})" if mentor.uddannet else ""),
            organisation=mentor.partner.navn,
            kontakt=mentor.kontakt,
            bruger=mentor.bruger,
            maa_laese=maa_laese,
            laeseadgang_besluttet_af=laeseadgang_besluttet_af,
        ),
    )


# --- Links from a family's data ---------------------------------------------------------------


def _check_partner_offer(familie: Familie, partner: Partner, tilbud: Tilbud | None) -> None:
    errors: dict[str, list[str]] = {}
    if partner.kommune_id != familie.projekt.kommune_id:
        errors["partner"] = [_("Vælg en partner fra kommunens katalog.")]
    if tilbud is not None and tilbud.partner_id != partner.pk:
        errors["tilbud"] = [_("Vælg et af partnerens tilbud.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indsats_partner_saet(
    *, acting_user: Any, indsats: Indsats, partner: Partner | None, tilbud: Tilbud | None = None
) -> Indsatspartner | None:
    """Name the partner (and offer) that provides an activity; None removes the link. The link
    follows the activity into later versions of the plan."""
    indsats = Indsats.objects.select_related("sagsdel__familie__projekt").get(pk=indsats.pk)
    sagsdel = indsats.sagsdel
    if not adgang.can(acting_user, adgang.CHANGE, sagsdel):
        raise PermissionDenied
    familie = sagsdel.familie
    existing = Indsatspartner.objects.select_for_update().filter(noegle=indsats.noegle).first()
    if partner is None:
        if existing is not None:
            audit.log(
                user=acting_user,
                handling=Handling.DELETE,
                formaal=Formaal.SAGSBEHANDLING,
                familie=familie,
                sektor=sagsdel.sektor,
                objekt=existing,
            )
            existing.delete()
        return None
    _check_partner_offer(familie, partner, tilbud)
    link = existing or Indsatspartner(noegle=indsats.noegle, oprettet_af=acting_user)
    link.sagsdel = sagsdel
    link.partner = partner
    link.tilbud = tilbud
    link.full_clean()
    link.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE if existing else Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        sektor=sagsdel.sektor,
        objekt=link,
        detaljer={"partner": partner.pk, "tilbud": tilbud.pk if tilbud else None},
    )
    return link


def _age_on(person: Person, day: datetime.date) -> int | None:
    born = person.foedselsdato
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@transaction.atomic
def fritid_tilknyt(
    *,
    acting_user: Any,
    familie: Familie,
    person: Person,
    art: str,
    partner: Partner,
    fra: datetime.date,
    til: datetime.date | None = None,
    tilbud: Tilbud | None = None,
) -> Fritidstilknytning:
    """Link a child's leisure activity (or a young person's leisure job) to its partner."""
    familie = Familie.objects.select_related("projekt").get(pk=familie.pk)
    if art not in LEISURE_SECTOR:
        raise ValidationError({"art": [_("Vælg fritidsaktivitet eller fritidsjob.")]})
    sagsdel = adgang.ensure_sagsdele(familie)[LEISURE_SECTOR[art]]
    if not adgang.can(acting_user, adgang.CHANGE, sagsdel):
        raise PermissionDenied
    if familie.status == Familie.Status.AFSLUTTET:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not Familiemedlemskab.objects.filter(
        familie=familie, person=person, rolle=Familiemedlemskab.Rolle.BARN
    ).exists():
        errors["person"] = [_("Vælg et af familiens børn.")]
    elif art == Fritidstilknytning.Art.FRITIDSJOB:
        alder = _age_on(person, fra)
        if alder is not None and alder < LEISURE_JOB_MIN_AGE:
            errors["person"] = [_("Et fritidsjob registreres først fra 13 år.")]
    if til is not None and til < fra:
        errors["til"] = [_("Slutdatoen skal ligge på eller efter startdatoen.")]
    if errors:
        raise ValidationError(errors)
    _check_partner_offer(familie, partner, tilbud)
    link = Fritidstilknytning(
        sagsdel=sagsdel,
        person=person,
        art=art,
        partner=partner,
        tilbud=tilbud,
        fra=fra,
        til=til,
        oprettet_af=acting_user,
    )
    link.full_clean()
    link.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=person,
        sektor=sagsdel.sektor,
        objekt=link,
        detaljer={"partner": partner.pk, "art": art},
    )
    return link


@transaction.atomic
def fritid_afslut(
    *, acting_user: Any, tilknytning: Fritidstilknytning, til: datetime.date
) -> Fritidstilknytning:
    link = (
        Fritidstilknytning.objects.select_for_update()
        .select_related("sagsdel__familie")
        .get(pk=tilknytning.pk)
    )
    if not adgang.can(acting_user, adgang.CHANGE, link.sagsdel):
        raise PermissionDenied
    if til < link.fra:
        raise ValidationError({"til": [_("Slutdatoen skal ligge på eller efter startdatoen.")]})
    link.til = til
    link.save(update_fields=["til"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=link.sagsdel.familie,
        person=link.person_id,
        sektor=link.sagsdel.sektor,
        objekt=link,
        detaljer={"til": til.isoformat()},
    )
    return link


@transaction.atomic
def kontingent_registrer(
    *,
    acting_user: Any,
    tilknytning: Fritidstilknytning,
    fra: datetime.date,
    til: datetime.date | None = None,
    omkostningstype: Omkostningstype | None = None,
    antal: Decimal = Decimal(1),
):
    """The municipality pays the membership fee: a cost line in the investment model (written by
    investering's service, priced from its catalogue), linked to the leisure link."""
    link = (
        # Only the link's row: PostgreSQL locks no nullable side of an outer join (the offer).
        Fritidstilknytning.objects.select_for_update(of=("self",))
        .select_related("sagsdel__familie__projekt", "tilbud__omkostningstype", "person")
        .get(pk=tilknytning.pk)
    )
    if not adgang.can(acting_user, adgang.VIEW, link.sagsdel):
        raise PermissionDenied
    if link.kontingentlinje_id:
        raise ValidationError(_("Kontingentet er allerede registreret som en omkostning."))
    omkostningstype = omkostningstype or (link.tilbud.omkostningstype if link.tilbud else None)
    if omkostningstype is None:
        raise ValidationError(
            {"omkostningstype": [_("Vælg den omkostningstype, kontingentet bogføres som.")]}
        )
    linje = investering_services.linje_opret(
        acting_user=acting_user,
        familie=link.sagsdel.familie,
        data=investering_services.LinjeData(
            omkostningstype=omkostningstype,
            antal=antal,
            fra=fra,
            til=til,
            person=link.person,
        ),
    )
    link.kontingentlinje = linje
    link.save(update_fields=["kontingentlinje"])
    return linje
