"""Writes of the family plan and the stafetlog: one business action per function, one transaction.

Permission through kerne.adgang: family-level parts (goals, versions, agreement, stafetlog)
need the right to change the family; an activity or sector-plan link needs change on its
sector. Edits of a row carry the revision the editor loaded; a changed row refuses the save
with KonfliktError, so a second editor never overwrites the first one silently.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from familieplan import frister
from familieplan.models import (
    Aftale,
    Aktoer,
    Beslutning,
    Frist,
    Indsats,
    Maal,
    Maalopfoelgning,
    Moededeltager,
    Opfoelgning,
    Paamindelse,
    PlanIndstilling,
    Planversion,
    Sektorplan,
    Stafetmoede,
    Statusskift,
)
from kerne import adgang, audit, notifikationer
from kerne.models import Familie, Familiemedlemskab, Person, Projekt, Rolle, Sagsdel

Handling = audit.Handling
Formaal = audit.Formaal


class KonfliktError(ValidationError):
    """Someone else saved the same row (or draft) since the editor loaded it."""


# Declared transitions; one function per workflow changes status and keeps a Statusskift row.
VERSION_OVERGANGE: dict[str, set[str]] = {
    Planversion.Status.KLADDE: {Planversion.Status.AFTALT},
    Planversion.Status.AFTALT: set(),
}
AFTALE_OVERGANGE: dict[str, set[str]] = {
    Aftale.Status.AABEN: {Aftale.Status.I_GANG, Aftale.Status.UDFOERT, Aftale.Status.OPGIVET},
    Aftale.Status.I_GANG: {Aftale.Status.UDFOERT, Aftale.Status.OPGIVET, Aftale.Status.AABEN},
    Aftale.Status.UDFOERT: {Aftale.Status.I_GANG},
    Aftale.Status.OPGIVET: {Aftale.Status.AABEN},
}


def _require_family_change(user: Any, familie: Familie) -> None:
    if not adgang.may_change_family(user, familie):
        raise PermissionDenied


def _require_sector_change(user: Any, sagsdel: Sagsdel) -> None:
    if not adgang.can(user, adgang.CHANGE, sagsdel):
        raise PermissionDenied


def _log(user: Any, handling: str, familie: Familie | int, objekt: Any, **extra: Any) -> None:
    audit.log(
        user=user,
        handling=handling,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=objekt,
        **extra,
    )


def _statusskift(
    user: Any, familie_id: int, objekt: Any, fra: str, til: str, why: str = ""
) -> None:
    Statusskift.objects.create(
        familie_id=familie_id,
        objekt_type=objekt._meta.model_name,
        objekt_id=objekt.pk,
        fra=fra,
        til=til,
        bruger=user,
        begrundelse=why,
    )


def _conflict(what: str) -> KonfliktError:
    return KonfliktError(
        _(
            "%(what)s er blevet ændret af en anden, mens du arbejdede. Dine ændringer er ikke "
            "gemt: se den nye udgave, og gem igen, hvis dine ændringer stadig skal med."
        )
        % {"what": what},
        code="konflikt",
    )


# --- Versions -----------------------------------------------------------------------------------


def latest_agreed(familie: Familie | int) -> Planversion | None:
    return (
        Planversion.objects.filter(familie=familie, status=Planversion.Status.AFTALT)
        .order_by("-nummer")
        .first()
    )


@transaction.atomic
def plan_opret(*, acting_user: Any, familie: Familie) -> Planversion:
    """Start the family's plan: its first draft."""
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    _require_family_change(acting_user, familie)
    if familie.planversioner.exists():
        raise ValidationError(_("Familien har allerede en plan."))
    version = Planversion(familie=familie, nummer=1, oprettet_af=acting_user)
    version.full_clean()
    version.save()
    _log(acting_user, Handling.CREATE, familie, version)
    return version


@transaction.atomic
def kladde_opret(*, acting_user: Any, familie: Familie) -> Planversion:
    """A new draft as a copy of the latest agreed version; the existing draft if there is one."""
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    _require_family_change(acting_user, familie)
    existing = familie.planversioner.filter(status=Planversion.Status.KLADDE).first()
    if existing is not None:
        return existing
    kilde = latest_agreed(familie)
    if kilde is None:
        raise ValidationError(_("Familien har endnu ingen plan."))
    nummer = (familie.planversioner.aggregate(n=Max("nummer"))["n"] or 0) + 1
    kladde = Planversion.objects.create(familie=familie, nummer=nummer, oprettet_af=acting_user)
    _copy_contents(kilde, kladde)
    _log(acting_user, Handling.CREATE, familie, kladde, detaljer={"kopi_af": kilde.pk})
    return kladde


def _copy_contents(kilde: Planversion, kladde: Planversion) -> None:
    """Copy every goal, activity and sector-plan link (all sectors: a system copy)."""
    gamle_maal = list(kilde.maal.all())
    nye_maal = Maal.objects.bulk_create(
        Maal(
            version=kladde,
            familie_id=kladde.familie_id,
            noegle=m.noegle,
            titel=m.titel,
            maalopfyldelse=m.maalopfyldelse,
            raekkefoelge=m.raekkefoelge,
        )
        for m in gamle_maal
    )
    maal_map = {old.pk: new.pk for old, new in zip(gamle_maal, nye_maal, strict=True)}
    gamle = list(kilde.indsatser.prefetch_related("personer"))
    copy_fields = [
        f.name
        for f in Indsats._meta.concrete_fields
        if f.name not in {"id", "version", "faelles_maal", "revision"}
    ]
    nye = Indsats.objects.bulk_create(
        Indsats(
            version=kladde,
            faelles_maal_id=maal_map.get(old.faelles_maal_id),
            **{name: getattr(old, name) for name in copy_fields},
        )
        for old in gamle
    )
    through_model = Indsats.personer.through
    through_model.objects.bulk_create(
        through_model(indsats_id=new.pk, person_id=person.pk)
        for old, new in zip(gamle, nye, strict=True)
        for person in old.personer.all()
    )
    Sektorplan.objects.bulk_create(
        Sektorplan(
            version=kladde,
            sagsdel_id=s.sagsdel_id,
            noegle=s.noegle,
            type=s.type,
            dato=s.dato,
            ejer=s.ejer,
            reference=s.reference,
        )
        for s in kilde.sektorplaner.all()
    )


def _draft_locked(version: Planversion) -> Planversion:
    """The draft, locked for this transaction; refused once it has been agreed."""
    locked = (
        Planversion.objects.select_for_update()
        .select_related("familie__projekt")
        .get(pk=version.pk)
    )
    if not locked.er_kladde:
        raise ValidationError(_("Versionen er aftalt med familien og kan ikke længere ændres."))
    return locked


def _touch(version: Planversion) -> None:
    version.revision += 1
    version.save(update_fields=["revision", "aendret"])


@transaction.atomic
def version_aftal(
    *,
    acting_user: Any,
    version: Planversion,
    revision: int,
    aftalt_dato: datetime.date,
    aftalt_form: str,
    aftalt_med: list[Person],
) -> Planversion:
    """Agree the draft with the family: who, when, how. The version is frozen from now on."""
    version = _draft_locked(version)
    familie = version.familie
    _require_family_change(acting_user, familie)
    if version.revision != revision:
        raise _conflict(_("Kladden"))
    errors: dict[str, list[str]] = {}
    if aftalt_dato > timezone.localdate():
        errors["aftalt_dato"] = [_("Datoen for aftalen kan ikke ligge i fremtiden.")]
    member_ids = set(
        Familiemedlemskab.objects.filter(familie=familie, til__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    if not aftalt_med:
        errors["aftalt_med"] = [_("Vælg mindst én person i familien, planen er aftalt med.")]
    elif any(p.pk not in member_ids for p in aftalt_med):
        errors["aftalt_med"] = [_("Planen kan kun aftales med familiens nuværende medlemmer.")]
    if aftalt_form not in Planversion.Form.values:
        errors["aftalt_form"] = [_("Vælg, hvordan planen blev aftalt.")]
    if not version.indsatser.exists():
        errors["__all__"] = [_("Planen skal have mindst én indsats, før den kan aftales.")]
    if errors:
        raise ValidationError(errors)
    fra = version.status
    if Planversion.Status.AFTALT not in VERSION_OVERGANGE[fra]:
        raise ValidationError(_("Versionen kan ikke aftales."))
    version.status = Planversion.Status.AFTALT
    version.aftalt_dato = aftalt_dato
    version.aftalt_form = aftalt_form
    version.aftalt_registreret_af = acting_user
    version.aftalt_registreret = timezone.now()
    version.full_clean()
    version.save(
        update_fields=[
            "status",
            "aftalt_dato",
            "aftalt_form",
            "aftalt_registreret_af",
            "aftalt_registreret",
            "aendret",
        ]
    )
    version.aftalt_med.set(aftalt_med)
    _statusskift(acting_user, familie.pk, version, fra, version.status)
    _log(
        acting_user,
        Handling.CHANGE,
        familie,
        version,
        detaljer={"status": version.status, "aftalt_med": sorted(p.pk for p in aftalt_med)},
    )
    frister_opdater(familie=familie)
    notifikationer.notify_family(
        familie=familie,
        art=notifikationer.Art.PLAN_AFTALT,
        noegle=f"planversion:{version.pk}",
        url=reverse("familieplan:portal_familie", args=[familie.pk]),
    )
    return version


# --- Goals ------------------------------------------------------------------------------------


@dataclass
class MaalData:
    titel: str
    maalopfyldelse: str
    raekkefoelge: int = 0


@transaction.atomic
def maal_gem(
    *,
    acting_user: Any,
    version: Planversion,
    data: MaalData,
    maal: Maal | None = None,
    revision: int | None = None,
) -> Maal:
    """Add a family goal to the draft, or change one (with the revision the editor loaded)."""
    version = _draft_locked(version)
    _require_family_change(acting_user, version.familie)
    if maal is None:
        maal = Maal(version=version, familie_id=version.familie_id)
        handling = Handling.CREATE
    else:
        maal = Maal.objects.select_for_update().get(pk=maal.pk, version=version)
        if maal.revision != revision:
            raise _conflict(_("Målet"))
        maal.revision += 1
        handling = Handling.CHANGE
    maal.titel = data.titel.strip()
    maal.maalopfyldelse = data.maalopfyldelse.strip()
    maal.raekkefoelge = data.raekkefoelge
    maal.full_clean()
    maal.save()
    _touch(version)
    _log(acting_user, handling, version.familie, maal)
    return maal


@transaction.atomic
def maal_slet(*, acting_user: Any, maal: Maal, revision: int) -> None:
    version = _draft_locked(maal.version)
    _require_family_change(acting_user, version.familie)
    maal = Maal.objects.select_for_update().get(pk=maal.pk)
    if maal.revision != revision:
        raise _conflict(_("Målet"))
    if maal.indsatser.exists():
        raise ValidationError(
            _("Målet kan ikke slettes, fordi indsatser hører til det. Flyt dem først.")
        )
    if maal.opfoelgninger.exists():
        raise ValidationError(_("Målet kan ikke slettes, fordi der er fulgt op på det."))
    _log(acting_user, Handling.DELETE, version.familie, maal)
    maal.delete()
    _touch(version)


# --- Activities ---------------------------------------------------------------------------------


@dataclass
class IndsatsData:
    """Every field of an activity (DOMAIN.md §4), as a form or the API delivers them."""

    sektor: str
    titel: str
    art: str
    personer: list[Person]
    maal: str
    maalopfyldelse: str
    tilbud: str
    leverandoer: str
    startdato: datetime.date
    slutdato: datetime.date
    timer_pr_uge: Decimal
    kadence: str
    opfoelgningsform: str
    konsekvens_ved_udeblivelse: str
    ansvarlig: str
    lovgrundlag: str = ""
    faelles_maal: Maal | None = None
    synlig_for_familien: bool = True
    raekkefoelge: int = 0
    _extra: dict = field(default_factory=dict, repr=False)


def _validate_activity(version: Planversion, data: IndsatsData) -> None:
    errors: dict[str, list[str]] = {}
    if data.startdato and data.slutdato and data.slutdato < data.startdato:
        errors["slutdato"] = [_("Slutdatoen skal ligge på eller efter startdatoen.")]
    if data.timer_pr_uge is None or not (0 <= data.timer_pr_uge <= 60):
        errors["timer_pr_uge"] = [_("Timer pr. uge skal være mellem 0 og 60.")]
    if not data.personer:
        errors["personer"] = [_("Vælg mindst én person i familien, indsatsen handler om.")]
    else:
        member_ids = set(
            Familiemedlemskab.objects.filter(familie_id=version.familie_id).values_list(
                "person_id", flat=True
            )
        )
        if any(p.pk not in member_ids for p in data.personer):
            errors["personer"] = [_("Indsatsen kan kun handle om familiens medlemmer.")]
    if not (data.maal or "").strip():
        errors["maal"] = [_("Skriv indsatsens mål.")]
    if not data.kadence:
        errors["kadence"] = [_("Vælg, hvor ofte der følges op på indsatsen.")]
    if data.faelles_maal is not None and data.faelles_maal.version_id != version.pk:
        errors["faelles_maal"] = [_("Vælg et af planens fælles mål.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indsats_gem(
    *,
    acting_user: Any,
    version: Planversion,
    data: IndsatsData,
    indsats: Indsats | None = None,
    revision: int | None = None,
) -> Indsats:
    """Add an activity to the draft, or change one; change on its sector (old and new) needed."""
    version = _draft_locked(version)
    familie = version.familie
    sagsdele = adgang.ensure_sagsdele(familie)
    if data.sektor not in sagsdele:
        raise ValidationError({"sektor": [_("Vælg en sektor.")]})
    sagsdel = sagsdele[data.sektor]
    _require_sector_change(acting_user, sagsdel)
    if indsats is None:
        indsats = Indsats(version=version)
        handling = Handling.CREATE
    else:
        indsats = Indsats.objects.select_for_update().get(pk=indsats.pk, version=version)
        _require_sector_change(acting_user, indsats.sagsdel)
        if indsats.revision != revision:
            raise _conflict(_("Indsatsen"))
        indsats.revision += 1
        handling = Handling.CHANGE
    _validate_activity(version, data)
    indsats.sagsdel = sagsdel
    for name in (
        "titel",
        "art",
        "maal",
        "maalopfyldelse",
        "tilbud",
        "leverandoer",
        "opfoelgningsform",
        "konsekvens_ved_udeblivelse",
        "ansvarlig",
        "lovgrundlag",
    ):
        setattr(indsats, name, (getattr(data, name) or "").strip())
    indsats.startdato = data.startdato
    indsats.slutdato = data.slutdato
    indsats.timer_pr_uge = data.timer_pr_uge
    indsats.kadence = data.kadence
    indsats.faelles_maal = data.faelles_maal
    indsats.synlig_for_familien = data.synlig_for_familien
    indsats.raekkefoelge = data.raekkefoelge
    indsats.full_clean()
    indsats.save()
    indsats.personer.set(data.personer)
    _touch(version)
    _log(acting_user, handling, familie, indsats, sektor=sagsdel.sektor)
    return indsats


@transaction.atomic
def indsats_slet(*, acting_user: Any, indsats: Indsats, revision: int) -> None:
    version = _draft_locked(indsats.version)
    indsats = Indsats.objects.select_for_update().select_related("sagsdel").get(pk=indsats.pk)
    _require_sector_change(acting_user, indsats.sagsdel)
    if indsats.revision != revision:
        raise _conflict(_("Indsatsen"))
    _log(acting_user, Handling.DELETE, version.familie, indsats, sektor=indsats.sagsdel.sektor)
    indsats.personer.clear()
    indsats.delete()
    _touch(version)


# --- Sector-plan links --------------------------------------------------------------------------


@dataclass
class SektorplanData:
    sektor: str
    type: str
    dato: datetime.date
    ejer: str
    reference: str


@transaction.atomic
def sektorplan_gem(
    *,
    acting_user: Any,
    version: Planversion,
    data: SektorplanData,
    sektorplan: Sektorplan | None = None,
    revision: int | None = None,
) -> Sektorplan:
    version = _draft_locked(version)
    sagsdele = adgang.ensure_sagsdele(version.familie)
    if data.sektor not in sagsdele:
        raise ValidationError({"sektor": [_("Vælg en sektor.")]})
    sagsdel = sagsdele[data.sektor]
    _require_sector_change(acting_user, sagsdel)
    if sektorplan is None:
        sektorplan = Sektorplan(version=version)
        handling = Handling.CREATE
    else:
        sektorplan = Sektorplan.objects.select_for_update().get(pk=sektorplan.pk, version=version)
        _require_sector_change(acting_user, sektorplan.sagsdel)
        if sektorplan.revision != revision:
            raise _conflict(_("Sektorplanen"))
        sektorplan.revision += 1
        handling = Handling.CHANGE
    sektorplan.sagsdel = sagsdel
    sektorplan.type = data.type
    sektorplan.dato = data.dato
    sektorplan.ejer = data.ejer.strip()
    sektorplan.reference = data.reference.strip()
    sektorplan.full_clean()
    sektorplan.save()
    _touch(version)
    _log(acting_user, handling, version.familie, sektorplan, sektor=sagsdel.sektor)
    return sektorplan


@transaction.atomic
def sektorplan_slet(*, acting_user: Any, sektorplan: Sektorplan, revision: int) -> None:
    version = _draft_locked(sektorplan.version)
    sektorplan = (
        Sektorplan.objects.select_for_update().select_related("sagsdel").get(pk=sektorplan.pk)
    )
    _require_sector_change(acting_user, sektorplan.sagsdel)
    if sektorplan.revision != revision:
        raise _conflict(_("Sektorplanen"))
    _log(
        acting_user, Handling.DELETE, version.familie, sektorplan, sektor=sektorplan.sagsdel.sektor
    )
    sektorplan.delete()
    _touch(version)


# --- Follow-ups and their due dates ----------------------------------------------------------


def _check_followup_date(dato: datetime.date) -> None:
    if dato > timezone.localdate():
        raise ValidationError({"dato": [_("Opfølgningens dato kan ikke ligge i fremtiden.")]})


@transaction.atomic
def opfoelgning_registrer(
    *,
    acting_user: Any,
    indsats: Indsats,
    dato: datetime.date,
    form: str,
    vurdering: str,
    notat: str = "",
) -> Opfoelgning:
    """Record a follow-up of an activity of the latest agreed version; moves its due date."""
    indsats = Indsats.objects.select_related("version__familie__projekt", "sagsdel").get(
        pk=indsats.pk
    )
    _require_sector_change(acting_user, indsats.sagsdel)
    familie = indsats.version.familie
    current = latest_agreed(familie)
    if current is None or current.pk != indsats.version_id:
        raise ValidationError(
            _("Der følges kun op på indsatser i den seneste version, der er aftalt med familien.")
        )
    _check_followup_date(dato)
    opfoelgning = Opfoelgning(
        indsats=indsats,
        sagsdel=indsats.sagsdel,
        noegle=indsats.noegle,
        dato=dato,
        form=form.strip(),
        vurdering=vurdering,
        notat=notat.strip(),
        registreret_af=acting_user,
    )
    opfoelgning.full_clean()
    opfoelgning.save()
    _log(acting_user, Handling.CREATE, familie, opfoelgning, sektor=indsats.sagsdel.sektor)
    frister_opdater(familie=familie)
    return opfoelgning


@transaction.atomic
def maalopfoelgning_registrer(
    *,
    acting_user: Any,
    maal: Maal,
    dato: datetime.date,
    form: str,
    vurdering: str,
    notat: str = "",
) -> Maalopfoelgning:
    maal = Maal.objects.select_related("version__familie__projekt").get(pk=maal.pk)
    familie = maal.version.familie
    _require_family_change(acting_user, familie)
    if maal.version.er_kladde:
        raise ValidationError(
            _("Der følges kun op på mål i en version, der er aftalt med familien.")
        )
    _check_followup_date(dato)
    opfoelgning = Maalopfoelgning(
        maal=maal,
        familie=familie,
        noegle=maal.noegle,
        dato=dato,
        form=form.strip(),
        vurdering=vurdering,
        notat=notat.strip(),
        registreret_af=acting_user,
    )
    opfoelgning.full_clean()
    opfoelgning.save()
    _log(acting_user, Handling.CREATE, familie, opfoelgning)
    return opfoelgning


def frister_opdater(*, familie: Familie) -> int:
    """Make the family's due-date rows match its latest agreed version and its follow-ups.

    Called in the transaction of an agreement and of each follow-up; returns the rows kept.
    """
    Frist.objects.filter(sagsdel__familie=familie).delete()
    version = latest_agreed(familie)
    if version is None or familie.status == Familie.Status.AFSLUTTET:
        return 0
    indsatser = list(version.indsatser.all())
    seneste = dict(
        Opfoelgning.objects.filter(noegle__in=[i.noegle for i in indsatser])
        .values_list("noegle")
        .annotate(seneste=Max("dato"))
        .values_list("noegle", "seneste")
    )
    rows = []
    for indsats in indsatser:
        due = frister.next_due(
            start=indsats.startdato,
            slut=indsats.slutdato,
            kadence=indsats.kadence,
            seneste=seneste.get(indsats.noegle),
        )
        if due is not None:
            rows.append(
                Frist(
                    indsats=indsats,
                    sagsdel_id=indsats.sagsdel_id,
                    noegle=indsats.noegle,
                    forfald=due,
                )
            )
    Frist.objects.bulk_create(rows)
    return len(rows)


def paamindelser_opret(*, today: datetime.date | None = None) -> dict[int, int]:
    """The daily sweep: an in-app reminder to each family's case manager for every follow-up
    due today or overdue; idempotent (one reminder per activity and due date).

    Returns {user id: new reminders}, so the caller can send one e-mail per person.
    """
    today = today or timezone.localdate()
    due = (
        Frist.objects.filter(
            forfald__lte=today,
            sagsdel__familie__status=Familie.Status.AKTIV,
            sagsdel__familie__koordinator__isnull=False,
        )
        .values_list("noegle", "forfald", "sagsdel__familie_id", "sagsdel__familie__koordinator_id")
        .order_by("pk")
    )
    created: dict[int, int] = defaultdict(int)
    for noegle, forfald, familie_id, bruger_id in due.iterator(chunk_size=2000):
        _reminder, was_created = Paamindelse.objects.get_or_create(
            bruger_id=bruger_id, noegle=noegle, forfald=forfald, defaults={"familie_id": familie_id}
        )
        if was_created:
            created[bruger_id] += 1
    return dict(created)


@transaction.atomic
def paamindelser_set(*, acting_user: Any) -> int:
    """Mark the user's own reminders as seen."""
    return Paamindelse.objects.filter(bruger=acting_user, set__isnull=True).update(
        set=timezone.now()
    )


# --- Project settings ---------------------------------------------------------------------------


@transaction.atomic
def planindstilling_gem(
    *, acting_user: Any, projekt: Projekt, ugebudget_voksen: int, ugebudget_barn: int
) -> PlanIndstilling:
    if Rolle.PROJEKTLEDER not in adgang.roles_in(acting_user, projekt):
        raise PermissionDenied
    indstilling, _created = PlanIndstilling.objects.get_or_create(projekt=projekt)
    indstilling.ugebudget_voksen = ugebudget_voksen
    indstilling.ugebudget_barn = ugebudget_barn
    indstilling.full_clean()
    indstilling.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SUPPORT,
        projekt_id=projekt.pk,
        objekt=indstilling,
        detaljer={"voksen": ugebudget_voksen, "barn": ugebudget_barn},
    )
    return indstilling


# --- Stafetlog ----------------------------------------------------------------------------------


@dataclass
class AktoerData:
    navn: str
    rolle: str
    kontakt: str
    organisation: str = ""
    bruger: Any = None
    maa_laese: bool = False
    laeseadgang_besluttet_af: Person | None = None
    er_stafetholder: bool = False


def _familie_locked(familie: Familie) -> Familie:
    return Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)


@transaction.atomic
def aktoer_gem(
    *, acting_user: Any, familie: Familie, data: AktoerData, aktoer: Aktoer | None = None
) -> Aktoer:
    """Add or change an actor; the parents decide (and one of them is named) who may read."""
    familie = _familie_locked(familie)
    _require_family_change(acting_user, familie)
    errors: dict[str, list[str]] = {}
    if data.maa_laese:
        if data.bruger is None:
            errors["maa_laese"] = [_("Kun en fagperson med en brugerkonto kan få lov at læse.")]
        besluttet = data.laeseadgang_besluttet_af
        custody = Familiemedlemskab.objects.filter(
            familie=familie, til__isnull=True, rolle=Familiemedlemskab.Rolle.VOKSEN
        )
        if besluttet is None or not custody.filter(person=besluttet).exists():
            errors["laeseadgang_besluttet_af"] = [
                _("Angiv hvilken voksen i familien, der har givet lov til at læse.")
            ]
    if data.bruger is not None and not adgang.roles_in(data.bruger, familie.projekt):
        errors["bruger"] = [_("Brugeren har ingen rolle i projektet.")]
    if errors:
        raise ValidationError(errors)
    if aktoer is None:
        aktoer = Aktoer(familie=familie)
        handling = Handling.CREATE
    else:
        aktoer = Aktoer.objects.select_for_update().get(pk=aktoer.pk, familie=familie)
        handling = Handling.CHANGE
    aktoer.navn = data.navn.strip()
    aktoer.rolle = data.rolle.strip()
    aktoer.organisation = data.organisation.strip()
    aktoer.kontakt = data.kontakt.strip()
    aktoer.bruger = data.bruger
    aktoer.maa_laese = data.maa_laese
    aktoer.laeseadgang_besluttet_af = data.laeseadgang_besluttet_af if data.maa_laese else None
    aktoer.er_stafetholder = data.er_stafetholder
    aktoer.full_clean()
    aktoer.save()
    _log(
        acting_user,
        handling,
        familie,
        aktoer,
        detaljer={"maa_laese": aktoer.maa_laese, "bruger_id": aktoer.bruger_id},
    )
    return aktoer


@transaction.atomic
def aktoer_ophoer(*, acting_user: Any, aktoer: Aktoer) -> Aktoer:
    """The actor no longer works with the family: off the stafetlog, and no more reading."""
    familie = _familie_locked(aktoer.familie)
    _require_family_change(acting_user, familie)
    aktoer = Aktoer.objects.select_for_update().get(pk=aktoer.pk)
    aktoer.ophoert = timezone.localdate()
    aktoer.maa_laese = False
    aktoer.laeseadgang_besluttet_af = None
    aktoer.er_stafetholder = False
    aktoer.save(
        update_fields=["ophoert", "maa_laese", "laeseadgang_besluttet_af", "er_stafetholder"]
    )
    _log(acting_user, Handling.CHANGE, familie, aktoer, detaljer={"ophoert": True})
    return aktoer


@transaction.atomic
def moede_gem(
    *,
    acting_user: Any,
    familie: Familie,
    tidspunkt: datetime.datetime,
    sted: str,
    art: str = Stafetmoede.Art.STAFETLOGMOEDE,
    dagsorden: str = "",
) -> Stafetmoede:
    familie = _familie_locked(familie)
    _require_family_change(acting_user, familie)
    moede = Stafetmoede(
        familie=familie, tidspunkt=tidspunkt, sted=sted.strip(), art=art, dagsorden=dagsorden
    )
    moede.full_clean()
    moede.save()
    _log(acting_user, Handling.CREATE, familie, moede)
    return moede


@transaction.atomic
def aftale_opret(
    *,
    acting_user: Any,
    familie: Familie,
    hvad: str,
    hvem: str,
    frist: datetime.date,
    moede: Stafetmoede | None = None,
) -> Aftale:
    familie = _familie_locked(familie)
    _require_family_change(acting_user, familie)
    if moede is not None and moede.familie_id != familie.pk:
        raise ValidationError({"moede": [_("Vælg et af familiens møder.")]})
    if moede is not None:
        _moede_aaben(moede)
    aftale = Aftale(familie=familie, hvad=hvad.strip(), hvem=hvem.strip(), frist=frist, moede=moede)
    aftale.full_clean()
    aftale.save()
    if moede is not None:
        _moede_touch(moede)
    _log(acting_user, Handling.CREATE, familie, aftale)
    return aftale


@transaction.atomic
def aftale_status_saet(
    *, acting_user: Any, aftale: Aftale, status: str, begrundelse: str = ""
) -> Aftale:
    """Move an agreement along its declared transitions; a row per change."""
    aftale = Aftale.objects.select_for_update().select_related("familie__projekt").get(pk=aftale.pk)
    _require_family_change(acting_user, aftale.familie)
    fra = aftale.status
    if status not in AFTALE_OVERGANGE.get(fra, set()):
        raise ValidationError(
            {
                "status": [
                    _("En aftale med status %(fra)s kan ikke skifte til %(til)s.")
                    % {
                        "fra": Aftale.Status(fra).label,
                        "til": Aftale.Status(status).label
                        if status in Aftale.Status.values
                        else status,
                    }
                ]
            }
        )
    aftale.status = status
    aftale.save(update_fields=["status"])
    if aftale.moede_id:
        _moede_touch(aftale.moede)
    _statusskift(acting_user, aftale.familie_id, aftale, fra, status, begrundelse.strip())
    _log(acting_user, Handling.CHANGE, aftale.familie, aftale, detaljer={"fra": fra, "til": status})
    return aftale


# --- PDF ----------------------------------------------------------------------------------------


def plan_pdf_bestil(*, acting_user: Any, version: Planversion, familiens_kopi: bool):
    """Order the PDF of an agreed version: the family's copy, or a staff copy of the sectors the
    user sees. Cached by version (and sectors): ordering again returns the same document."""
    from familieplan import pdf, selectors
    from kerne import services as kerne_services

    if version.er_kladde:
        raise ValidationError(
            _("Der kan kun dannes PDF af en version, der er aftalt med familien.")
        )
    familie = version.familie
    if familiens_kopi:
        if not any(f.pk == familie.pk for f in selectors.portal_families(acting_user)) and not (
            adgang.may_change_family(acting_user, familie)
        ):
            raise PermissionDenied
        kind, key = selectors.PDF_FAMILY, str(version.pk)
    else:
        if not adgang.can(acting_user, adgang.VIEW, familie):
            raise PermissionDenied
        kind, key = selectors.PDF_STAFF, selectors.staff_document_key(acting_user, version)
    return kerne_services.dokument_bestil(
        acting_user=acting_user,
        kind=kind,
        key=key,
        projekt=familie.projekt,
        familie=familie,
        titel=pdf.title_for(version, familiens_kopi=familiens_kopi),
    )


# --- Meetings with the family (stafetlog-møde, netværksmøde, stormøde) ------------------------
#
# The meeting pages and the meeting screen live in netvaerk; the writes live here, beside the
# agreements and activities a decision becomes, so familieplan never needs netvaerk.


def _moede_aaben(moede: Stafetmoede) -> None:
    """A meeting whose agreements the family has confirmed is closed: the minutes stand."""
    if Stafetmoede.objects.filter(pk=moede.pk, bekraeftet__isnull=False).exists():
        raise ValidationError(
            _("Familien har bekræftet mødets aftaler. Referatet kan ikke længere ændres.")
        )


def _moede_touch(moede: Stafetmoede) -> None:
    Stafetmoede.objects.filter(pk=moede.pk).update(revision=models.F("revision") + 1)


def _moede_locked(acting_user: Any, moede: Stafetmoede) -> Stafetmoede:
    moede = (
        Stafetmoede.objects.select_for_update().select_related("familie__projekt").get(pk=moede.pk)
    )
    _require_family_change(acting_user, moede.familie)
    return moede


@transaction.atomic
def moede_ret(
    *,
    acting_user: Any,
    moede: Stafetmoede,
    art: str,
    tidspunkt: datetime.datetime,
    sted: str,
    dagsorden: str = "",
    referat: str = "",
    intern_note: str = "",
) -> Stafetmoede:
    """Change a meeting: when, where, kind, agenda, minutes and the internal note."""
    moede = _moede_locked(acting_user, moede)
    _moede_aaben(moede)
    moede.art = art
    moede.tidspunkt = tidspunkt
    moede.sted = (sted or "").strip()
    moede.dagsorden = (dagsorden or "").strip()
    moede.referat = (referat or "").strip()
    moede.intern_note = (intern_note or "").strip()
    moede.revision += 1
    moede.full_clean()
    moede.save(
        update_fields=[
            "art",
            "tidspunkt",
            "sted",
            "dagsorden",
            "referat",
            "intern_note",
            "revision",
        ]
    )
    _log(acting_user, Handling.CHANGE, moede.familie, moede)
    return moede


@transaction.atomic
def deltagere_saet(
    *,
    acting_user: Any,
    moede: Stafetmoede,
    personer: list[Person],
    aktoerer: list[Aktoer],
) -> list[Moededeltager]:
    """Who took part: members of the family and actors of its stafetlog."""
    moede = _moede_locked(acting_user, moede)
    _moede_aaben(moede)
    errors: dict[str, list[str]] = {}
    member_ids = set(
        Familiemedlemskab.objects.filter(familie_id=moede.familie_id).values_list(
            "person_id", flat=True
        )
    )
    if any(p.pk not in member_ids for p in personer):
        errors["personer"] = [_("Vælg blandt familiens medlemmer.")]
    if any(a.familie_id != moede.familie_id for a in aktoerer):
        errors["aktoerer"] = [_("Vælg blandt aktørerne i familiens stafetlog.")]
    if errors:
        raise ValidationError(errors)
    Moededeltager.objects.filter(moede=moede).delete()
    deltagere = Moededeltager.objects.bulk_create(
        [Moededeltager(moede=moede, familie_id=moede.familie_id, person=p) for p in personer]
        + [Moededeltager(moede=moede, familie_id=moede.familie_id, aktoer=a) for a in aktoerer]
    )
    _moede_touch(moede)
    _log(
        acting_user,
        Handling.CHANGE,
        moede.familie,
        moede,
        detaljer={"deltagere": len(deltagere)},
    )
    return deltagere


@dataclass
class AftaleData:
    """The agreement a decision becomes: what is the decision's text; who and by when."""

    hvem: str
    frist: datetime.date


def _draft_for_decision(acting_user: Any, familie: Familie) -> Planversion:
    """The family's draft, started (from the latest agreed version) if there is none."""
    draft = Planversion.objects.filter(familie=familie, status=Planversion.Status.KLADDE).first()
    if draft is not None:
        return draft
    if Planversion.objects.filter(familie=familie).exists():
        return kladde_opret(acting_user=acting_user, familie=familie)
    return plan_opret(acting_user=acting_user, familie=familie)


@transaction.atomic
def beslutning_opret(
    *,
    acting_user: Any,
    moede: Stafetmoede,
    tekst: str,
    aftale: AftaleData | None = None,
    indsats: IndsatsData | None = None,
    synlig_for_familien: bool = True,
) -> Beslutning:
    """Record a decision and, in the same step, the stafetlog agreement and/or the plan
    activity (in the family's draft) it becomes. All or nothing."""
    moede = _moede_locked(acting_user, moede)
    _moede_aaben(moede)
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError({"tekst": [_("Skriv beslutningen.")]})
    if len(tekst) > 1000:
        raise ValidationError({"tekst": [_("Beslutningen må højst være 1000 tegn.")]})
    beslutning = Beslutning(
        moede=moede,
        familie_id=moede.familie_id,
        tekst=tekst,
        oprettet_af=acting_user,
        synlig_for_familien=synlig_for_familien,
    )
    if aftale is not None:
        beslutning.aftale = aftale_opret(
            acting_user=acting_user,
            familie=moede.familie,
            hvad=tekst[:500],
            hvem=aftale.hvem,
            frist=aftale.frist,
            moede=moede,
        )
    if indsats is not None:
        version = _draft_for_decision(acting_user, moede.familie)
        made = indsats_gem(acting_user=acting_user, version=version, data=indsats)
        beslutning.indsats = made
        beslutning.indsats_noegle = made.noegle
        # A decision that became an activity hidden from the family is hidden with it.
        beslutning.synlig_for_familien = synlig_for_familien and made.synlig_for_familien
    if beslutning.aftale is not None:
        # Agreements are on the family's stafetlog: the decision behind one is not hidden.
        beslutning.synlig_for_familien = True
    beslutning.full_clean()
    beslutning.save()
    _moede_touch(moede)
    _log(
        acting_user,
        Handling.CREATE,
        moede.familie,
        beslutning,
        detaljer={"aftale": beslutning.aftale_id, "indsats": beslutning.indsats_id},
    )
    return beslutning


@transaction.atomic
def naeste_moede_saet(
    *,
    acting_user: Any,
    moede: Stafetmoede,
    tidspunkt: datetime.datetime,
    sted: str,
    art: str = "",
) -> Stafetmoede:
    """Set the next meeting from this one: a new meeting, or the one already set moved."""
    moede = _moede_locked(acting_user, moede)
    if tidspunkt <= moede.tidspunkt:
        raise ValidationError({"tidspunkt": [_("Det næste møde skal ligge efter dette møde.")]})
    naeste = moede.naeste_moede
    if naeste is None:
        naeste = moede_gem(
            acting_user=acting_user,
            familie=moede.familie,
            tidspunkt=tidspunkt,
            sted=sted,
            art=art or moede.art,
        )
        moede.naeste_moede = naeste
        moede.revision += 1
        moede.save(update_fields=["naeste_moede", "revision"])
    else:
        naeste = Stafetmoede.objects.select_for_update().get(pk=naeste.pk)
        _moede_aaben(naeste)
        naeste.tidspunkt = tidspunkt
        naeste.sted = (sted or "").strip()
        naeste.art = art or naeste.art
        naeste.revision += 1
        naeste.full_clean()
        naeste.save(update_fields=["tidspunkt", "sted", "art", "revision"])
        _moede_touch(moede)
        _log(acting_user, Handling.CHANGE, moede.familie, naeste)
    return naeste


def may_confirm(user: Any, moede: Stafetmoede) -> bool:
    """The family's representative confirms in the portal; the case manager may record it."""
    if adgang.may_change_family(user, moede.familie):
        return True
    return representatives_of(moede.familie).filter(bruger=user).exists()


def representatives_of(familie: Familie):
    """Who may confirm a meeting's agreements for the family: its current adults."""
    today = timezone.localdate()
    current = Familiemedlemskab.objects.filter(
        familie=familie, rolle=Familiemedlemskab.Rolle.VOKSEN, fra__lte=today
    ).filter(models.Q(til__isnull=True) | models.Q(til__gte=today))
    return Person.objects.filter(pk__in=current.values("person_id"))


@transaction.atomic
def moede_bekraeft(*, acting_user: Any, moede: Stafetmoede, person: Person) -> Stafetmoede:
    """The family's representative confirms the meeting's agreements: who and when are kept,
    and the minutes are closed."""
    moede = (
        Stafetmoede.objects.select_for_update().select_related("familie__projekt").get(pk=moede.pk)
    )
    representanter = representatives_of(moede.familie)
    staff = adgang.may_change_family(acting_user, moede.familie)
    if not staff and not representanter.filter(bruger=acting_user).exists():
        raise PermissionDenied
    if not staff and person.bruger_id != acting_user.pk:
        # A citizen confirms for themself only.
        raise PermissionDenied
    if moede.familie.status == Familie.Status.AFSLUTTET:
        raise PermissionDenied
    if moede.er_bekraeftet:
        raise ValidationError(_("Mødets aftaler er allerede bekræftet."))
    if not representanter.filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("Vælg en voksen i familien.")]})
    if moede.tidspunkt.date() > timezone.localdate():
        raise ValidationError(_("Et møde kan først bekræftes, når det er holdt."))
    moede.bekraeftet_af = person
    moede.bekraeftet = timezone.now()
    moede.bekraeftelse_registreret_af = acting_user
    moede.revision += 1
    moede.save(
        update_fields=["bekraeftet_af", "bekraeftet", "bekraeftelse_registreret_af", "revision"]
    )
    _log(
        acting_user,
        Handling.CHANGE,
        moede.familie,
        moede,
        person=person,
        detaljer={"bekraeftet": True},
    )
    return moede


def referat_pdf_bestil(*, acting_user: Any, moede: Stafetmoede):
    """Order the minutes as a PDF (what the family sees), through the one PDF pipeline; cached
    per revision, so a changed meeting gets a new document and an unchanged one the same."""
    from familieplan import moede_pdf
    from kerne import services as kerne_services

    familie = moede.familie
    if not moede_pdf.may_order(acting_user, moede):
        raise PermissionDenied
    return kerne_services.dokument_bestil(
        acting_user=acting_user,
        kind=moede_pdf.KIND,
        key=f"{moede.pk}:{moede.revision}",
        projekt=familie.projekt,
        familie=familie,
        titel=moede_pdf.title_for(moede),
    )
