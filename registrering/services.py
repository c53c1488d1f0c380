"""Writes of the monthly registration: one business action per function, in one transaction.

Each takes the acting user, checks permission through kerne.adgang (a value is written only
by a holder of `change` on the Sagsdel of the indicator's sector), validates by the pure
rules in registrering.rules and registrering.scoring, and writes its audit rows.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne import adgang, audit, cpr, csvfil
from kerne.models import Familie, Familiemedlemskab, Person, Projekt, Rolle, Sagsdel
from registrering import rules, scoring
from registrering.models import (
    Indikator,
    Indlaesning,
    Maanedsaabning,
    Milepael,
    MilepaelAendring,
    Paamindelse,
    Registrering,
    Risiko,
    RisikoAendring,
    Spoergeskema,
    Vaerdi,
)

logger = logging.getLogger(__name__)
Handling = audit.Handling
Formaal = audit.Formaal


def field_key(person_id: int, code: str) -> str:
    """The form field (and error key) of one member's indicator."""
    return f"p{person_id}-{code}"


def indicators_for(kommune_id: int) -> list[Indikator]:
    """The active indicator definitions a municipality registers: national ones and its own."""
    return list(
        Indikator.objects.filter(aktiv=True)
        .filter(Q(kommune__isnull=True) | Q(kommune_id=kommune_id))
        .select_related("forudsaetning")
        .order_by("gaelder_for", "raekkefoelge", "pk")
    )


def reopened_until(familie: Familie, maaned: datetime.date) -> datetime.date | None:
    return Maanedsaabning.objects.filter(familie=familie, maaned=maaned).aggregate(
        til=Max("aaben_til")
    )["til"]


def month_refusal(familie: Familie, maaned: datetime.date, *, today: datetime.date) -> str | None:
    return rules.month_refusal(
        maaned,
        today=today,
        deadline_day=familie.projekt.registreringsfrist_dag,
        reopened_until=reopened_until(familie, maaned),
    )


def members_in_month(familie: Familie, maaned: datetime.date) -> list[Familiemedlemskab]:
    """The family's memberships covering part of the month, one per person (adults first)."""
    memberships = (
        Familiemedlemskab.objects.filter(familie=familie, fra__lte=rules.month_end(maaned))
        .filter(Q(til__isnull=True) | Q(til__gte=maaned))
        .select_related("person")
        .order_by("-rolle", "person__foedselsdato", "pk")
    )
    seen: set[int] = set()
    result = []
    for medlemskab in memberships:
        if medlemskab.person_id not in seen:
            seen.add(medlemskab.person_id)
            result.append(medlemskab)
    return result


def _require_project_leader(user: Any, familie: Familie) -> None:
    if Rolle.PROJEKTLEDER not in adgang.roles_in(user, familie.projekt) or not adgang.can(
        user, adgang.VIEW, familie
    ):
        raise PermissionDenied


# --- The month's registration for a family ----------------------------------------------------


class MonthChangedError(ValidationError):
    """The month was saved by someone else after the form was drawn (a lost update refused)."""


@dataclass
class SaveResult:
    created: int
    changed: int


@transaction.atomic
def maaned_registrer(
    *,
    acting_user: Any,
    familie: Familie,
    maaned: datetime.date,
    indtastning: Mapping[int, Mapping[str, str | None]],
    today: datetime.date | None = None,
    version: str | None = None,
) -> SaveResult:
    """Register (or correct) the month for members of one family, all or nothing.

    `indtastning` maps a person id to {indicator code: entered text}; an empty text clears the
    value. Codes not sent are left as they are (e.g. a sector the user may not change).
    Errors are keyed by field_key(person, code); the month's refusals are non-field errors.
    `version`: the month's token (rules.month_version) the form was drawn from; when someone
    else saved the month since, nothing is written and MonthChangedError says so.
    """
    today = today or timezone.localdate()
    maaned = rules.month_start(maaned)
    # One save at a time per family: the lock orders concurrent saves of the same form.
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    changeable = set(adgang.sectors_for(acting_user, familie, adgang.CHANGE))
    if not changeable:
        raise PermissionDenied
    if familie.status != Familie.Status.AKTIV:
        raise ValidationError(_("Der kan kun registreres for en aktiv familie."))
    refusal = month_refusal(familie, maaned, today=today)
    if refusal:
        raise ValidationError(refusal)

    members = {m.person_id: m for m in members_in_month(familie, maaned)}
    if version is not None:
        current = rules.month_version(
            Registrering.objects.filter(person_id__in=list(members), maaned=maaned).values_list(
                "person_id", "aendret"
            )
        )
        if current != version:
            raise MonthChangedError(
                _(
                    "Registreringen for %(month)s er gemt af en anden, efter du åbnede den. "
                    "Dine indtastninger er ikke gemt: se de nye værdier, og ret dem igen."
                )
                % {"month": rules.month_label(maaned)}
            )
    unknown = [pk for pk in indtastning if pk not in members]
    if unknown:
        raise ValidationError(
            _("Personen var ikke medlem af en aktiv familie i %(month)s.")
            % {"month": rules.month_label(maaned)}
        )
    defs = indicators_for(familie.projekt.kommune_id)
    by_code = {(d.gaelder_for, d.kode): d for d in defs}
    rule_defs = {
        rolle: [d.as_def() for d in defs if d.gaelder_for == rolle] for rolle in ("barn", "voksen")
    }

    cleaned: dict[int, dict[str, rules.Parsed]] = {}
    errors: dict[str, list[str]] = {}
    for person_id, raw in indtastning.items():
        medlemskab = members[person_id]
        for code in raw:
            defn = by_code.get((medlemskab.rolle, code))
            if defn is not None and defn.sektor not in changeable:
                raise PermissionDenied
        values, member_errors = rules.clean_member(
            rule_defs[medlemskab.rolle],
            rolle=medlemskab.rolle,
            age=rules.age_in_month(medlemskab.person.foedselsdato, maaned),
            raw=raw,
        )
        cleaned[person_id] = values
        for code, message in member_errors.items():
            errors[field_key(person_id, code)] = [message]
    existing = {
        r.person_id: r
        for r in Registrering.objects.select_for_update().filter(
            person_id__in=list(indtastning), maaned=maaned
        )
    }
    for person_id, registrering in existing.items():
        if registrering.familie_id != familie.pk:
            errors.setdefault("__all__", []).append(
                _(
                    "%(name)s er allerede registreret for %(month)s i en anden familie; "
                    "ret registreringen dér."
                )
                % {"name": members[person_id].person.fulde_navn, "month": rules.month_label(maaned)}
            )
    if errors:
        raise ValidationError(errors)

    sagsdele = {s.sektor: s for s in adgang.ensure_sagsdele(familie).values()}
    stored: dict[tuple[int, int], Vaerdi] = {
        (v.registrering.person_id, v.indikator_id): v
        for v in Vaerdi.objects.filter(registrering__in=existing.values()).select_related(
            "registrering"
        )
    }
    result = SaveResult(created=0, changed=0)
    for person_id, values in cleaned.items():
        medlemskab = members[person_id]
        registrering = existing.get(person_id)
        if registrering is None and all(v.empty for v in values.values()):
            continue
        created = registrering is None
        if created:
            registrering = Registrering(
                person_id=person_id,
                familie=familie,
                maaned=maaned,
                registreret_af=acting_user,
                aendret_af=acting_user,
            )
            registrering.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():
                    registrering.save()
            except IntegrityError:
                # Registered for another family in the same instant: the constraint decides.
                raise ValidationError(
                    _("Personen er allerede registreret for denne måned.")
                ) from None
        changed_codes = _apply_values(
            registrering=registrering,
            rolle=medlemskab.rolle,
            values=values,
            by_code=by_code,
            sagsdele=sagsdele,
            stored=stored,
        )
        if not created and not changed_codes:
            continue
        _refresh_completeness(registrering, medlemskab, rule_defs[medlemskab.rolle], by_code)
        registrering.aendret_af = acting_user
        registrering.save(update_fields=["komplet", "mangler", "aendret_af", "aendret"])
        audit.log(
            user=acting_user,
            handling=Handling.CREATE if created else Handling.CHANGE,
            formaal=Formaal.REGISTRERING,
            familie=familie,
            person=person_id,
            objekt=registrering,
            detaljer={"maaned": f"{maaned:%Y-%m}", "indikatorer": sorted(changed_codes)},
        )
        if created:
            result.created += 1
        else:
            result.changed += 1
    return result


def _apply_values(
    *,
    registrering: Registrering,
    rolle: str,
    values: Mapping[str, rules.Parsed],
    by_code: Mapping[tuple[str, str], Indikator],
    sagsdele: Mapping[str, Sagsdel],
    stored: Mapping[tuple[int, int], Vaerdi],
) -> list[str]:
    """Create, change or clear one registration's values; returns the codes that changed."""
    changed: list[str] = []
    new: list[Vaerdi] = []
    updated: list[Vaerdi] = []
    cleared: list[int] = []
    for code, parsed in values.items():
        indikator = by_code[(rolle, code)]
        current = stored.get((registrering.person_id, indikator.pk))
        if parsed.empty:
            if current is not None:
                cleared.append(current.pk)
                changed.append(code)
            continue
        if current is None:
            new.append(
                Vaerdi(
                    registrering=registrering,
                    sagsdel=sagsdele[indikator.sektor],
                    indikator=indikator,
                    tal=parsed.tal,
                    tekst=parsed.tekst,
                )
            )
            changed.append(code)
        elif current.tal != parsed.tal or current.tekst != parsed.tekst:
            current.tal, current.tekst = parsed.tal, parsed.tekst
            updated.append(current)
            changed.append(code)
    if cleared:
        Vaerdi.objects.filter(pk__in=cleared).delete()
    if new:
        Vaerdi.objects.bulk_create(new)
    if updated:
        Vaerdi.objects.bulk_update(updated, ["tal", "tekst"])
    return changed


def _refresh_completeness(
    registrering: Registrering,
    medlemskab: Familiemedlemskab,
    defs: list[rules.IndikatorDef],
    by_code: Mapping[tuple[str, str], Indikator],
) -> None:
    """Recompute what the registration still lacks, from all its values (every sector)."""
    codes_by_pk = {
        ind.pk: code for (rolle, code), ind in by_code.items() if rolle == medlemskab.rolle
    }
    values = {
        codes_by_pk[indikator_id]: rules.Parsed(tal=tal, tekst=tekst)
        for indikator_id, tal, tekst in registrering.vaerdier.values_list(
            "indikator_id", "tal", "tekst"
        )
        if indikator_id in codes_by_pk
    }
    registrering.mangler = rules.missing_codes(
        defs,
        rolle=medlemskab.rolle,
        age=rules.age_in_month(medlemskab.person.foedselsdato, registrering.maaned),
        values=values,
    )
    registrering.komplet = not registrering.mangler


@transaction.atomic
def maaned_genaabn(
    *,
    acting_user: Any,
    familie: Familie,
    maaned: datetime.date,
    begrundelse: str,
    aaben_til: datetime.date,
    today: datetime.date | None = None,
) -> Maanedsaabning:
    """The project leader reopens a locked month for one family until a date, with a reason."""
    today = today or timezone.localdate()
    maaned = rules.month_start(maaned)
    _require_project_leader(acting_user, familie)
    errors: dict[str, list[str]] = {}
    state = rules.month_state(
        maaned,
        today=today,
        deadline_day=familie.projekt.registreringsfrist_dag,
        reopened_until=reopened_until(familie, maaned),
    )
    if state == rules.MonthState.FUTURE:
        errors["__all__"] = [_("En fremtidig måned kan ikke genåbnes.")]
    elif state == rules.MonthState.OPEN:
        errors["__all__"] = [_("Måneden er stadig åben; den skal ikke genåbnes.")]
    if not begrundelse.strip():
        errors["begrundelse"] = [_("Skriv, hvorfor måneden genåbnes.")]
    if aaben_til < today:
        errors["aaben_til"] = [
            _("Datoen for, hvornår måneden lukker igen, må ikke ligge i fortiden.")
        ]
    elif aaben_til > today + datetime.timedelta(days=MAX_REOPEN_DAYS):
        errors["aaben_til"] = [
            _("En måned kan højst genåbnes i %(days)s dage ad gangen.") % {"days": MAX_REOPEN_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    aabning = Maanedsaabning(
        familie=familie,
        maaned=maaned,
        aaben_til=aaben_til,
        begrundelse=begrundelse.strip(),
        aabnet_af=acting_user,
    )
    aabning.full_clean()
    aabning.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.REGISTRERING,
        familie=familie,
        objekt=aabning,
        detaljer={"genaabnet": f"{maaned:%Y-%m}", "aaben_til": aaben_til.isoformat()},
    )
    return aabning


MAX_REOPEN_DAYS = 31


# --- Questionnaires ---------------------------------------------------------------------------


@transaction.atomic
def spoergeskema_registrer(
    *,
    acting_user: Any,
    familie: Familie,
    person: Person,
    type: str,
    version: str,
    maalepunkt: str,
    dato: datetime.date,
    svar: Mapping[str, int | None],
    today: datetime.date | None = None,
) -> Spoergeskema:
    """Register one answered SDQ or WHO-5 for a member of the family, scored on the way in."""
    today = today or timezone.localdate()
    sektor = Spoergeskema.SEKTOR.get(type)
    if sektor is None:
        raise ValidationError({"type": [_("Ukendt spørgeskema.")]})
    if sektor not in adgang.sectors_for(acting_user, familie, adgang.CHANGE):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if dato > today:
        errors["dato"] = [_("Datoen må ikke ligge i fremtiden.")]
    if maalepunkt not in Spoergeskema.Maalepunkt.values:
        errors["maalepunkt"] = [_("Vælg et målepunkt.")]
    medlemskab = next(
        (m for m in members_in_month(familie, rules.month_start(dato)) if m.person_id == person.pk),
        None,
    )
    if familie.status != Familie.Status.AKTIV or medlemskab is None:
        errors["person"] = [_("Personen var ikke medlem af en aktiv familie på datoen.")]
    age = rules.age_on(person.foedselsdato, dato)
    answers = {key: value for key, value in svar.items() if value is not None}
    if type == Spoergeskema.Type.SDQ:
        sdq_version = scoring.SDQ_VERSIONS.get(version)
        if sdq_version is None:
            errors["version"] = [_("Vælg en SDQ-version.")]
        else:
            if age is None or not sdq_version.min_age <= age <= sdq_version.max_age:
                errors.setdefault("person", []).append(
                    _("%(version)s bruges for børn på %(low)s–%(high)s år.")
                    % {
                        "version": sdq_version.label,
                        "low": sdq_version.min_age,
                        "high": sdq_version.max_age,
                    }
                )
            errors.update({k: [v] for k, v in scoring.validate_sdq(version, answers).items()})
    else:
        version = "who5"
        if medlemskab is not None and medlemskab.rolle != Familiemedlemskab.Rolle.VOKSEN:
            errors.setdefault("person", []).append(_("WHO-5 bruges for voksne."))
        errors.update({k: [v] for k, v in scoring.validate_who5(answers).items()})
    if errors:
        raise ValidationError(errors)
    if type == Spoergeskema.Type.SDQ:
        score = scoring.score_sdq(version, answers).total
    else:
        score = scoring.score_who5(answers).percentage
    sagsdel = adgang.ensure_sagsdele(familie)[sektor]
    skema = Spoergeskema(
        sagsdel=sagsdel,
        person=person,
        type=type,
        version=version,
        maalepunkt=maalepunkt,
        dato=dato,
        svar=answers,
        score=score,
        registreret_af=acting_user,
    )
    skema.full_clean()
    skema.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.REGISTRERING,
        familie=familie,
        person=person,
        sektor=sektor,
        objekt=skema,
        detaljer={"type": type, "maalepunkt": maalepunkt},
    )
    return skema


# --- Project risks and milestones -------------------------------------------------------------


def _require_leader_of(user: Any, projekt: Projekt) -> None:
    if Rolle.PROJEKTLEDER not in adgang.roles_in(user, projekt):
        raise PermissionDenied


def _check_transition(transitions: Mapping, old: str, new: str) -> None:
    if old != new and new not in transitions.get(old, set()):
        raise ValidationError(
            {
                "status": [
                    _("Status kan ikke skifte fra %(old)s til %(new)s.") % {"old": old, "new": new}
                ]
            }
        )


RISIKO_FIELDS = ("beskrivelse", "sandsynlighed", "konsekvens", "afhjaelpning", "ejer")


@transaction.atomic
def risiko_gem(
    *,
    acting_user: Any,
    projekt: Projekt,
    data: Mapping[str, Any],
    maaned: datetime.date,
    risiko: Risiko | None = None,
    note: str = "",
) -> Risiko:
    """Create a risk or record this month's assessment of one; every save is a history row."""
    _require_leader_of(acting_user, projekt)
    if risiko is None:
        risiko = Risiko(projekt=projekt, status=data.get("status") or Risiko.Status.AABEN)
        old_status = ""
    else:
        risiko = Risiko.objects.select_for_update().get(pk=risiko.pk, projekt=projekt)
        old_status = risiko.status
        new_status = data.get("status") or old_status
        _check_transition(Risiko.TRANSITIONS, old_status, new_status)
        risiko.status = new_status
    for name in RISIKO_FIELDS:
        if name in data:
            setattr(risiko, name, data[name])
    risiko.maaned = rules.month_start(maaned)
    risiko.full_clean()
    risiko.save()
    RisikoAendring.objects.create(
        risiko=risiko,
        maaned=risiko.maaned,
        fra_status=old_status,
        til_status=risiko.status,
        sandsynlighed=risiko.sandsynlighed,
        konsekvens=risiko.konsekvens,
        note=note.strip(),
        aendret_af=acting_user,
    )
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE if old_status else Handling.CREATE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=risiko,
        detaljer={"fra": old_status, "til": risiko.status},
    )
    return risiko


MILEPAEL_FIELDS = ("titel", "frist", "note")


@transaction.atomic
def milepael_gem(
    *,
    acting_user: Any,
    projekt: Projekt,
    data: Mapping[str, Any],
    maaned: datetime.date,
    milepael: Milepael | None = None,
    bemaerkning: str = "",
) -> Milepael:
    _require_leader_of(acting_user, projekt)
    if milepael is None:
        milepael = Milepael(projekt=projekt, status=data.get("status") or Milepael.Status.PLANLAGT)
        old_status = ""
    else:
        milepael = Milepael.objects.select_for_update().get(pk=milepael.pk, projekt=projekt)
        old_status = milepael.status
        new_status = data.get("status") or old_status
        _check_transition(Milepael.TRANSITIONS, old_status, new_status)
        milepael.status = new_status
    for name in MILEPAEL_FIELDS:
        if name in data:
            setattr(milepael, name, data[name])
    milepael.maaned = rules.month_start(maaned)
    milepael.full_clean()
    milepael.save()
    MilepaelAendring.objects.create(
        milepael=milepael,
        maaned=milepael.maaned,
        fra_status=old_status,
        til_status=milepael.status,
        frist=milepael.frist,
        note=bemaerkning.strip(),
        aendret_af=acting_user,
    )
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE if old_status else Handling.CREATE,
        formaal=Formaal.RAPPORT,
        projekt_id=projekt.pk,
        objekt=milepael,
        detaljer={"fra": old_status, "til": milepael.status},
    )
    return milepael


# --- CSV import of objective indicators -------------------------------------------------------

IMPORT_COLUMNS = ("cpr", "maaned", "indikator", "vaerdi")
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 20_000
IMPORT_ROLES = (Rolle.PROJEKTLEDER, Rolle.KOORDINATOR, Rolle.SAGSBEHANDLER, Rolle.ADMINISTRATIV)


def _read_csv(content: bytes) -> tuple[list[dict[str, str]], str | None]:
    """Rows keyed by column from a Danish Excel CSV (semicolons or commas, UTF-8 with BOM),
    checked by kerne.csvfil (size, text, header, row count, no formula cells)."""
    try:
        _header, rows = csvfil.read_rows(
            content,
            required=IMPORT_COLUMNS,
            max_bytes=IMPORT_MAX_BYTES,
            max_rows=IMPORT_MAX_ROWS,
        )
    except csvfil.CsvFileError as error:
        return [], str(error)
    if not rows:
        return [], _("Filen indeholder ingen linjer under overskriften.")
    return [values for _line, values in rows], None


@dataclass
class _Target:
    person: Person
    medlemskab: Familiemedlemskab
    familie: Familie


def _check_import(
    *, acting_user: Any, projekt: Projekt, rows: list[dict[str, str]], today: datetime.date
) -> tuple[list[dict], list[dict]]:
    """Validate every row the way a registration would; returns (good rows, errors)."""
    defs = indicators_for(projekt.kommune_id)
    objective = {(d.gaelder_for, d.kode): d for d in defs if d.type != Indikator.Type.SKALA}
    digits_by_line: dict[int, str | None] = {}
    for line, row in enumerate(rows, start=2):
        try:
            digits_by_line[line] = cpr.normalise(row.get("cpr", ""))
        except ValidationError:
            digits_by_line[line] = None
    persons = {
        p.cpr: p
        for p in Person.objects.with_cpr(*[d for d in digits_by_line.values() if d]).filter(
            kommune=projekt.kommune
        )
    }
    memberships: dict[int, list[Familiemedlemskab]] = {}
    for m in Familiemedlemskab.objects.filter(
        person__in=persons.values(), familie__projekt=projekt, familie__status=Familie.Status.AKTIV
    ).select_related("familie__projekt", "person"):
        memberships.setdefault(m.person_id, []).append(m)
    changeable: dict[int, set[str]] = {}
    for familie_id, sektor in (
        adgang.sagsdele_for(acting_user, adgang.CHANGE)
        .filter(familie__projekt=projekt)
        .values_list("familie_id", "sektor")
    ):
        changeable.setdefault(familie_id, set()).add(sektor)
    reopenings: dict[tuple[int, datetime.date], datetime.date] = {}
    for familie_id, maaned, til in Maanedsaabning.objects.filter(
        familie__projekt=projekt
    ).values_list("familie_id", "maaned", "aaben_til"):
        key = (familie_id, maaned)
        reopenings[key] = max(til, reopenings.get(key, til))

    good: list[dict] = []
    errors: list[dict] = []
    seen: set[tuple[int, datetime.date, str]] = set()

    def fail(line: int, felt: str, besked: str) -> None:
        errors.append({"linje": line, "felt": felt, "besked": besked})

    for line, row in enumerate(rows, start=2):
        digits = digits_by_line[line]
        if digits is None:
            fail(line, "cpr", _("CPR-nummeret er ikke gyldigt."))
            continue
        person = persons.get(digits)
        maaned = rules.parse_month(row.get("maaned", ""))
        if maaned is None:
            fail(line, "maaned", _("Måneden skal skrives som ÅÅÅÅ-MM, fx 2026-03."))
            continue
        medlemskab = next(
            (
                m
                for m in memberships.get(person.pk if person else 0, [])
                if rules.active_in_month(m.fra, m.til, maaned)
            ),
            None,
        )
        # An unknown number and one the user may not write for look the same: no disclosure.
        if person is None or medlemskab is None or not changeable.get(medlemskab.familie_id):
            fail(
                line,
                "cpr",
                _(
                    "Ukendt CPR-nummer %(cpr)s: ingen person i en aktiv familie i projektet, "
                    "som du kan registrere for, i måneden."
                )
                % {"cpr": cpr.mask(digits)},
            )
            continue
        defn = objective.get((medlemskab.rolle, row.get("indikator", "")))
        if defn is None:
            fail(
                line,
                "indikator",
                _("Ukendt objektiv indikator for et %(rolle)s: %(code)s.")
                % {
                    "rolle": medlemskab.get_rolle_display().lower(),
                    "code": row.get("indikator", ""),
                },
            )
            continue
        if defn.sektor not in changeable[medlemskab.familie_id]:
            fail(
                line,
                "indikator",
                _("Du kan ikke registrere %(field)s for familien.") % {"field": defn.navn},
            )
            continue
        refusal = rules.month_refusal(
            maaned,
            today=today,
            deadline_day=projekt.registreringsfrist_dag,
            reopened_until=reopenings.get((medlemskab.familie_id, maaned)),
        )
        if refusal:
            fail(line, "maaned", refusal)
            continue
        age = rules.age_in_month(person.foedselsdato, maaned)
        values, value_errors = rules.clean_member(
            [defn.as_def()], rolle=medlemskab.rolle, age=age, raw={defn.kode: row.get("vaerdi", "")}
        )
        if value_errors:
            fail(line, "vaerdi", value_errors[defn.kode])
            continue
        if values[defn.kode].empty:
            fail(line, "vaerdi", _("Værdien mangler."))
            continue
        key = (person.pk, maaned, defn.kode)
        if key in seen:
            fail(
                line,
                "indikator",
                _("Samme person, måned og indikator står også på en tidligere linje."),
            )
            continue
        seen.add(key)
        good.append(
            {
                "linje": line,
                "person": person.pk,
                "familie": medlemskab.familie_id,
                "maaned": f"{maaned:%Y-%m}",
                "kode": defn.kode,
                "vaerdi": row.get("vaerdi", ""),
                "visning": rules.display_value(
                    defn.as_def(), values[defn.kode].tal, values[defn.kode].tekst
                ),
                "navn": defn.navn,
            }
        )
    return good, errors


@transaction.atomic
def indlaesning_forhaandsvis(
    *,
    acting_user: Any,
    projekt: Projekt,
    filnavn: str,
    indhold: bytes,
    today: datetime.date | None = None,
) -> Indlaesning:
    """The dry run: check every row and keep the result for the user to approve. Writes no value."""
    if not set(IMPORT_ROLES) & set(adgang.roles_in(acting_user, projekt)):
        raise PermissionDenied
    rows, file_error = _read_csv(indhold)
    if file_error:
        raise ValidationError({"fil": [file_error]})
    good, errors = _check_import(
        acting_user=acting_user, projekt=projekt, rows=rows, today=today or timezone.localdate()
    )
    indlaesning = Indlaesning(
        projekt=projekt,
        filnavn=filnavn[:200],
        antal_linjer=len(rows),
        raekker=good,
        fejl=errors,
        oprettet_af=acting_user,
    )
    indlaesning.full_clean()
    indlaesning.save()
    return indlaesning


@transaction.atomic
def indlaesning_gennemfoer(
    *, acting_user: Any, indlaesning: Indlaesning, today: datetime.date | None = None
) -> int:
    """Commit a previewed import: every row, or none. Returns the number of values written.

    The rows are checked again (a month may have locked since the preview); any error now
    refuses the whole import.
    """
    indlaesning = Indlaesning.objects.select_for_update().get(pk=indlaesning.pk)
    if indlaesning.oprettet_af_id != acting_user.pk:
        raise PermissionDenied
    if indlaesning.status != Indlaesning.Status.FORHAANDSVIST:
        raise ValidationError(_("Indlæsningen er allerede gennemført."))
    if indlaesning.fejl:
        raise ValidationError(_("Filen har fejl. Ret dem og indlæs filen igen; intet er gemt."))
    today = today or timezone.localdate()
    grouped: dict[tuple[int, datetime.date], dict[int, dict[str, str]]] = {}
    for row in indlaesning.raekker:
        maaned = rules.parse_month(row["maaned"])
        grouped.setdefault((row["familie"], maaned), {}).setdefault(row["person"], {})[
            row["kode"]
        ] = row["vaerdi"]
    familier = Familie.objects.in_bulk([familie_id for familie_id, _m in grouped])
    written = 0
    try:
        for (familie_id, maaned), indtastning in sorted(grouped.items()):
            maaned_registrer(
                acting_user=acting_user,
                familie=familier[familie_id],
                maaned=maaned,
                indtastning=indtastning,
                today=today,
            )
            written += sum(len(v) for v in indtastning.values())
    except (ValidationError, PermissionDenied, KeyError):
        raise ValidationError(
            _(
                "Indlæsningen kan ikke gennemføres, fordi data har ændret sig siden kontrollen "
                "(fx en låst måned). Indlæs filen igen; intet er gemt."
            )
        ) from None
    indlaesning.status = Indlaesning.Status.GENNEMFOERT
    indlaesning.gennemfoert = timezone.now()
    indlaesning.save(update_fields=["status", "gennemfoert"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.REGISTRERING,
        projekt_id=indlaesning.projekt_id,
        objekt=indlaesning,
        detaljer={
            "import": True,
            "linjer": len(indlaesning.raekker),
            "familier": sorted({familie_id for familie_id, _m in grouped}),
        },
    )
    return written


# --- Reminders ----------------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = 5


def reminder_month(today: datetime.date, deadline_day: int) -> datetime.date | None:
    """The month whose deadline falls within the next few days (inclusive of today), if any."""
    previous = rules.add_months(rules.month_start(today), -1)
    until = rules.deadline(previous, deadline_day) - today
    return (
        previous
        if datetime.timedelta(0) <= until <= datetime.timedelta(REMINDER_DAYS_BEFORE)
        else None
    )


@transaction.atomic
def paamindelser_send(*, today: datetime.date | None = None) -> int:
    """Remind each case manager with gaps in the month about to lock. Counts only: no names.

    Idempotent per day: a Paamindelse row per (user, project, month, day) is written first.
    """
    from registrering import selectors

    today = today or timezone.localdate()
    sent = 0
    for projekt in Projekt.objects.all():
        maaned = reminder_month(today, projekt.registreringsfrist_dag)
        if maaned is None:
            continue
        for row in selectors.gaps_by_case_manager(projekt, maaned):
            if not row["mangler"] or row["koordinator"] is None:
                continue
            _reminder, created = Paamindelse.objects.get_or_create(
                bruger=row["koordinator"],
                projekt=projekt,
                maaned=maaned,
                dato=today,
                defaults={"antal_mangler": row["mangler"]},
            )
            if not created or not row["koordinator"].email:
                continue
            frist = rules.deadline(maaned, projekt.registreringsfrist_dag)
            send_mail(
                subject=_("Registreringer mangler for %(month)s")
                % {"month": rules.month_label(maaned)},
                message=_(
                    "Der mangler %(count)s registreringer for %(month)s i %(project)s. "
                    "Fristen er %(deadline)s. Se dine opgaver: %(url)s"
                )
                % {
                    "count": row["mangler"],
                    "month": rules.month_label(maaned),
                    "project": projekt.navn,
                    "deadline": frist.strftime("%d.%m.%Y"),
                    "url": reverse("registrering:opgaver"),
                },
                from_email=None,
                recipient_list=[row["koordinator"].email],
                fail_silently=True,
            )
            sent += 1
    return sent
