"""Writes of the investment model: one business action per function, in one transaction.

Each takes the acting user, checks permission through kerne.adgang, validates, saves and writes
the audit row. Cost lines are personal data of their sector; the catalogue and the project's
investment are not, and are audited with the project's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from investering.models import (
    COUNT_UNITS,
    Investeringslinje,
    Omkostningslinje,
    Omkostningstype,
    Pris,
    Projektoekonomi,
)
from kerne import adgang, audit
from kerne.models import Familie, Familiemedlemskab, Forvaltning, Person, Projekt, Rolle, Sagsdel

Formaal = audit.Formaal
Handling = audit.Handling

# The project's leader and administration keep the price catalogue and the investment lines.
CATALOGUE_ROLES = (Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV)


def may_keep_catalogue(user: Any, projekt: Projekt | None) -> bool:
    return projekt is not None and bool(set(CATALOGUE_ROLES) & set(adgang.roles_in(user, projekt)))


def _require_catalogue(user: Any, projekt: Projekt) -> None:
    if not may_keep_catalogue(user, projekt):
        raise PermissionDenied


def may_change_costs(user: Any, sagsdel: Sagsdel) -> bool:
    """Who may write a cost line in a family's sector part.

    A holder of change on the sector (the case manager or the department's case worker), or
    the project's leader or administration where they may see the sector: cost data is their
    job (DOMAIN.md §2), and the sector partition still holds. A discharged family is read-only.
    """
    familie = sagsdel.familie
    if familie.status == Familie.Status.AFSLUTTET:
        return False
    if adgang.can(user, adgang.CHANGE, sagsdel):
        return True
    return may_keep_catalogue(user, familie.projekt) and adgang.can(user, adgang.VIEW, sagsdel)


# --- Price catalogue ----------------------------------------------------------------------------


@transaction.atomic
def omkostningstype_opret(
    *,
    acting_user: Any,
    projekt: Projekt,
    navn: str,
    enhed: str,
    sektor: str,
    forvaltning: Forvaltning,
    eksempel: bool = False,
) -> Omkostningstype:
    _require_catalogue(acting_user, projekt)
    if forvaltning.kommune_id != projekt.kommune_id:
        raise ValidationError({"forvaltning": _("Forvaltningen hører ikke til kommunen.")})
    omkostningstype = Omkostningstype(
        kommune=projekt.kommune,
        navn=navn.strip(),
        enhed=enhed,
        sektor=sektor,
        forvaltning=forvaltning,
        eksempel=eksempel,
    )
    omkostningstype.full_clean()
    omkostningstype.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=omkostningstype,
    )
    return omkostningstype


@transaction.atomic
def omkostningstype_aendr(
    *,
    acting_user: Any,
    projekt: Projekt,
    omkostningstype: Omkostningstype,
    navn: str,
    enhed: str,
    sektor: str,
    forvaltning: Forvaltning,
    eksempel: bool,
) -> Omkostningstype:
    _require_catalogue(acting_user, projekt)
    omkostningstype = Omkostningstype.objects.select_for_update().get(pk=omkostningstype.pk)
    if omkostningstype.kommune_id != projekt.kommune_id:
        raise PermissionDenied
    if forvaltning.kommune_id != projekt.kommune_id:
        raise ValidationError({"forvaltning": _("Forvaltningen hører ikke til kommunen.")})
    # A line sits in its type's sector and is counted in its unit: neither may move under it.
    if omkostningstype.linjer.exists():
        if sektor != omkostningstype.sektor:
            raise ValidationError(
                {"sektor": _("Sektoren kan ikke ændres, når typen har omkostningslinjer.")}
            )
        if enhed != omkostningstype.enhed:
            raise ValidationError(
                {"enhed": _("Enheden kan ikke ændres, når typen har omkostningslinjer.")}
            )
    before = {"navn": omkostningstype.navn, "forvaltning": omkostningstype.forvaltning_id}
    omkostningstype.navn = navn.strip()
    omkostningstype.enhed = enhed
    omkostningstype.sektor = sektor
    omkostningstype.forvaltning = forvaltning
    omkostningstype.eksempel = eksempel
    omkostningstype.full_clean()
    omkostningstype.save(update_fields=["navn", "enhed", "sektor", "forvaltning", "eksempel"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=omkostningstype,
        detaljer={"before": before},
    )
    return omkostningstype


@transaction.atomic
def pris_opret(
    *,
    acting_user: Any,
    projekt: Projekt,
    omkostningstype: Omkostningstype,
    gyldig_fra: date,
    beloeb: Decimal,
) -> Pris:
    """A new unit price from a date; it ends where the next price of the type begins."""
    _require_catalogue(acting_user, projekt)
    if omkostningstype.kommune_id != projekt.kommune_id:
        raise PermissionDenied
    pris = Pris(
        omkostningstype=omkostningstype,
        gyldig_fra=gyldig_fra,
        beloeb=beloeb,
        oprettet_af=acting_user,
    )
    pris.full_clean()
    pris.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=pris,
        detaljer={"beloeb": str(beloeb), "gyldig_fra": gyldig_fra.isoformat()},
    )
    return pris


@transaction.atomic
def pris_ret(*, acting_user: Any, projekt: Projekt, pris: Pris, beloeb: Decimal) -> Pris:
    """Correct a price: every figure it touches follows, since lines never copy prices."""
    _require_catalogue(acting_user, projekt)
    pris = Pris.objects.select_for_update().select_related("omkostningstype").get(pk=pris.pk)
    if pris.omkostningstype.kommune_id != projekt.kommune_id:
        raise PermissionDenied
    before = pris.beloeb
    pris.beloeb = beloeb
    pris.full_clean()
    pris.save(update_fields=["beloeb"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=pris,
        detaljer={"before": str(before), "after": str(beloeb)},
    )
    return pris


# --- Cost lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinjeData:
    omkostningstype: Omkostningstype
    antal: Decimal
    fra: date
    til: date | None = None
    person: Person | None = None
    pris_override: Decimal | None = None
    override_begrundelse: str = ""


def _validate_line(familie: Familie, data: LinjeData) -> None:
    errors: dict[str, list[str]] = {}
    omkostningstype = data.omkostningstype
    if omkostningstype.kommune_id != familie.projekt.kommune_id:
        errors.setdefault("omkostningstype", []).append(
            _("Omkostningstypen hører ikke til familiens kommune.")
        )
    if (
        data.person is not None
        and not Familiemedlemskab.objects.filter(familie=familie, person=data.person).exists()
    ):
        errors.setdefault("person", []).append(_("Personen er ikke medlem af familien."))
    if omkostningstype.enhed in COUNT_UNITS and data.til is None:
        errors.setdefault("til", []).append(
            _("Priser pr. time, session eller forløb kræver en slutdato.")
        )
    if data.pris_override is None:
        if data.override_begrundelse.strip():
            errors.setdefault("pris_override", []).append(
                _("Angiv den afvigende pris, eller fjern begrundelsen.")
            )
        elif not omkostningstype.priser.filter(gyldig_fra__lte=data.fra).exists():
            errors.setdefault("fra", []).append(
                _("Prislisten har ingen pris for %(type)s, der gælder fra %(dato)s.")
                % {"type": omkostningstype.navn, "dato": data.fra.strftime("%d.%m.%Y")}
            )
    elif not data.override_begrundelse.strip():
        errors.setdefault("override_begrundelse", []).append(
            _("En afvigende pris skal have en begrundelse.")
        )
    if errors:
        raise ValidationError(errors)


def _sagsdel_for(familie: Familie, sektor: str) -> Sagsdel:
    return adgang.ensure_sagsdele(familie)[sektor]


def _apply(linje: Omkostningslinje, data: LinjeData) -> None:
    linje.omkostningstype = data.omkostningstype
    linje.person = data.person
    linje.antal = data.antal
    linje.fra = data.fra
    linje.til = data.til
    linje.pris_override = data.pris_override
    linje.override_begrundelse = data.override_begrundelse.strip()


def _describe(linje: Omkostningslinje) -> dict:
    # Ids, amounts and dates only: no free text about a person goes into the audit log.
    return {
        "omkostningstype": linje.omkostningstype_id,
        "antal": str(linje.antal),
        "fra": linje.fra.isoformat(),
        "til": linje.til.isoformat() if linje.til else None,
        "pris_override": str(linje.pris_override) if linje.pris_override is not None else None,
    }


@transaction.atomic
def linje_opret(
    *,
    acting_user: Any,
    familie: Familie,
    data: LinjeData,
    kilde: str = Omkostningslinje.Kilde.MANUEL,
    log: bool = True,
) -> Omkostningslinje:
    """Record a cost for a family member (or the family) in the cost type's sector."""
    sagsdel = _sagsdel_for(familie, data.omkostningstype.sektor)
    if not may_change_costs(acting_user, sagsdel):
        raise PermissionDenied
    _validate_line(familie, data)
    linje = Omkostningslinje(sagsdel=sagsdel, oprettet_af=acting_user, kilde=kilde)
    _apply(linje, data)
    linje.full_clean()
    linje.save()
    if log:
        audit.log(
            user=acting_user,
            handling=Handling.CREATE,
            formaal=Formaal.SAGSBEHANDLING,
            familie=familie,
            person=data.person,
            sektor=sagsdel.sektor,
            objekt=linje,
            detaljer=_describe(linje),
        )
    return linje


@transaction.atomic
def linje_ret(*, acting_user: Any, linje: Omkostningslinje, data: LinjeData) -> Omkostningslinje:
    linje = (
        Omkostningslinje.objects.select_for_update()
        .select_related("sagsdel__familie__projekt", "omkostningstype")
        .get(pk=linje.pk)
    )
    familie = linje.sagsdel.familie
    if not may_change_costs(acting_user, linje.sagsdel):
        raise PermissionDenied
    sagsdel = _sagsdel_for(familie, data.omkostningstype.sektor)
    # Moving a line to another sector is a write in that sector too.
    if sagsdel.pk != linje.sagsdel_id and not may_change_costs(acting_user, sagsdel):
        raise ValidationError(
            {"omkostningstype": _("Du kan ikke flytte linjen til en sektor, du ikke må ændre i.")}
        )
    _validate_line(familie, data)
    before = _describe(linje)
    linje.sagsdel = sagsdel
    _apply(linje, data)
    linje.full_clean()
    linje.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=linje.person_id,
        sektor=sagsdel.sektor,
        objekt=linje,
        detaljer={"before": before, "after": _describe(linje)},
    )
    return linje


@transaction.atomic
def linje_slet(*, acting_user: Any, linje: Omkostningslinje) -> None:
    linje = (
        Omkostningslinje.objects.select_for_update()
        .select_related("sagsdel__familie__projekt")
        .get(pk=linje.pk)
    )
    if not may_change_costs(acting_user, linje.sagsdel):
        raise PermissionDenied
    familie = linje.sagsdel.familie
    audit.log(
        user=acting_user,
        handling=Handling.DELETE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=linje.person_id,
        sektor=linje.sagsdel.sektor,
        objekt=linje,
        detaljer=_describe(linje),
    )
    linje.delete()


# --- The project's investment and settings ---------------------------------------------------


@dataclass(frozen=True)
class InvesteringData:
    kategori: str
    beskrivelse: str
    beloeb: Decimal
    enhed: str
    fra: date
    til: date | None = None
    forvaltning: Forvaltning | None = None


def _apply_investment(linje: Investeringslinje, data: InvesteringData) -> None:
    linje.kategori = data.kategori
    linje.beskrivelse = data.beskrivelse.strip()
    linje.beloeb = data.beloeb
    linje.enhed = data.enhed
    linje.fra = data.fra
    linje.til = data.til
    linje.forvaltning = data.forvaltning


def _check_department(projekt: Projekt, data: InvesteringData) -> None:
    if data.forvaltning is not None and data.forvaltning.kommune_id != projekt.kommune_id:
        raise ValidationError({"forvaltning": _("Forvaltningen hører ikke til kommunen.")})


@transaction.atomic
def investering_opret(
    *, acting_user: Any, projekt: Projekt, data: InvesteringData
) -> Investeringslinje:
    _require_catalogue(acting_user, projekt)
    _check_department(projekt, data)
    linje = Investeringslinje(projekt=projekt, oprettet_af=acting_user)
    _apply_investment(linje, data)
    linje.full_clean()
    linje.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=linje,
        detaljer={"beloeb": str(linje.beloeb), "enhed": linje.enhed},
    )
    return linje


@transaction.atomic
def investering_ret(
    *, acting_user: Any, projekt: Projekt, linje: Investeringslinje, data: InvesteringData
) -> Investeringslinje:
    _require_catalogue(acting_user, projekt)
    linje = Investeringslinje.objects.select_for_update().get(pk=linje.pk, projekt=projekt)
    _check_department(projekt, data)
    before = {"beloeb": str(linje.beloeb), "enhed": linje.enhed, "fra": linje.fra.isoformat()}
    _apply_investment(linje, data)
    linje.full_clean()
    linje.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=linje,
        detaljer={"before": before, "beloeb": str(linje.beloeb)},
    )
    return linje


@transaction.atomic
def investering_slet(*, acting_user: Any, projekt: Projekt, linje: Investeringslinje) -> None:
    _require_catalogue(acting_user, projekt)
    linje = Investeringslinje.objects.select_for_update().get(pk=linje.pk, projekt=projekt)
    audit.log(
        user=acting_user,
        handling=Handling.DELETE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=linje,
        detaljer={"beloeb": str(linje.beloeb), "enhed": linje.enhed},
    )
    linje.delete()


def settings_for(projekt: Projekt) -> Projektoekonomi:
    """The project's business-case settings; the defaults when none are saved."""
    return Projektoekonomi.objects.filter(projekt=projekt).first() or Projektoekonomi(
        projekt=projekt
    )


@transaction.atomic
def diskonteringsrente_saet(
    *, acting_user: Any, projekt: Projekt, rente: Decimal
) -> Projektoekonomi:
    _require_catalogue(acting_user, projekt)
    oekonomi, _created = Projektoekonomi.objects.select_for_update().get_or_create(projekt=projekt)
    before = oekonomi.diskonteringsrente
    oekonomi.diskonteringsrente = rente
    oekonomi.full_clean()
    oekonomi.save(update_fields=["diskonteringsrente"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=oekonomi,
        detaljer={"before": str(before), "after": str(rente)},
    )
    return oekonomi


# --- CSV import ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: list  # csvimport.CsvRow, each with .familie, .person, .type resolved where found
    saved: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return all(not row.errors for row in self.rows)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)


def _resolve(acting_user: Any, projekt: Projekt, rows: list) -> None:
    """Find each row's family, person and cost type; add an error where one is not found.

    A person or family the user may not see gets the same message as one that does not exist.
    """
    from django.db.models import Q

    types = {t.navn.lower(): t for t in Omkostningstype.objects.filter(kommune=projekt.kommune)}
    familier = adgang.families_for(acting_user).filter(projekt=projekt).select_related("projekt")
    wanted_ids = {row.familie_id for row in rows if row.familie_id}
    cprs = {row.cpr for row in rows if row.cpr}
    by_id = {f.pk: f for f in familier.filter(pk__in=wanted_ids)}
    memberships = (
        Familiemedlemskab.objects.filter(
            Q(til__isnull=True) | Q(til__gte=timezone.localdate()),
            person__in=Person.objects.with_cpr(*cprs).values("pk"),
            person__kommune=projekt.kommune,
            familie__in=familier.values("pk"),
        )
        .select_related("person", "familie__projekt")
        .order_by("pk")
    )
    by_cpr: dict[str, list] = {}
    for medlemskab in memberships:
        by_cpr.setdefault(medlemskab.person.cpr, []).append(medlemskab)
    for row in rows:
        row.familie = row.person = row.type = None
        row.type = types.get(row.omkostningstype.lower()) if row.omkostningstype else None
        if row.omkostningstype and row.type is None:
            row.errors.append(
                _("omkostningstype: '%(navn)s' findes ikke i prislisten.")
                % {"navn": row.omkostningstype}
            )
        if row.cpr:
            found = by_cpr.get(row.cpr, [])
            if row.familie_id:
                found = [m for m in found if m.familie_id == row.familie_id]
            if len(found) == 1:
                row.person, row.familie = found[0].person, found[0].familie
            elif len(found) > 1:
                row.errors.append(_("cpr: personen er i flere familier; angiv også familie."))
            else:
                row.errors.append(
                    _("cpr: ingen familie i projektet, som du har adgang til, har personen.")
                )
        elif row.familie_id:
            row.familie = by_id.get(row.familie_id)
            if row.familie is None:
                row.errors.append(
                    _("familie: ingen familie i projektet, som du har adgang til, har nummeret.")
                )


@transaction.atomic
def linjer_importer(
    *, acting_user: Any, projekt: Projekt, content: bytes, dry_run: bool = True
) -> ImportResult:
    """Import cost lines from CSV: every row valid, or nothing saved. A dry run saves nothing.

    Raises csvimport.CsvFormatError when the file cannot be read at all.
    """
    from investering import csvimport

    if projekt is None:
        raise PermissionDenied
    rows = csvimport.read(content)
    _resolve(acting_user, projekt, rows)
    for row in rows:
        if row.errors or row.familie is None or row.type is None:
            continue
        data = LinjeData(
            omkostningstype=row.type,
            antal=row.antal,
            fra=row.fra,
            til=row.til,
            person=row.person,
            pris_override=row.enhedspris,
            override_begrundelse=row.begrundelse,
        )
        sagsdel = _sagsdel_for(row.familie, row.type.sektor)
        if not may_change_costs(acting_user, sagsdel):
            row.errors.append(
                _("Du må ikke registrere omkostninger i sektoren %(sektor)s for familien.")
                % {"sektor": sagsdel.get_sektor_display()}
            )
            continue
        try:
            _validate_line(row.familie, data)
        except ValidationError as error:
            row.errors.extend(
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
        row.data = data
    result = ImportResult(rows=rows, dry_run=dry_run)
    if dry_run or not result.ok:
        return result
    for row in rows:
        linje_opret(
            acting_user=acting_user,
            familie=row.familie,
            data=row.data,
            kilde=Omkostningslinje.Kilde.IMPORT,
        )
    result.saved = len(rows)
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.SAGSBEHANDLING,
        projekt_id=projekt.pk,
        detaljer={"import": True, "linjer": len(rows)},
    )
    return result
