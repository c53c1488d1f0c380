"""Writes of the visitation: one business action per function, in one transaction.

The family's lifecycle (DOMAIN.md §3) lives here: TRANSITIONS declares every legal move and
who may make it, and `familie_status_saet` is the only code that changes `Familie.status`.
Every change is kept as a Statusskift row (who, when, from, to, why) and re-derives the
family's grants in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne import adgang, audit, cpr
from kerne import services as kerne_services
from kerne.models import Familie, Familiemedlemskab, Person, Projekt, Rolle
from visitation import regler
from visitation.models import (
    Dagsordenspunkt,
    Forloeb,
    Indstilling,
    Statusskift,
    Tildeling,
    Visitationsmoede,
)

User = get_user_model()
S = Familie.Status
Handling = audit.Handling
Formaal = audit.Formaal

# Who refers a family: a department's case worker, or the project leader (DOMAIN.md §3).
REFERRERS = frozenset({Rolle.SAGSBEHANDLER, Rolle.PROJEKTLEDER})
BOARD = frozenset({Rolle.AFDELINGSLEDER, Rolle.PROJEKTLEDER})
LEADER = frozenset({Rolle.PROJEKTLEDER})

# (from, to) → the roles that may make the move. Anything not here is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.KLADDE, S.INDSTILLET): REFERRERS,
    # A family rejected or discharged earlier may be referred again.
    (S.AFVIST, S.INDSTILLET): REFERRERS,
    (S.AFSLUTTET, S.INDSTILLET): REFERRERS,
    # A submitted referral goes on the next meeting's agenda at once, in the referrer's action.
    (S.INDSTILLET, S.PAA_DAGSORDEN): REFERRERS | LEADER,
    (S.VENTELISTE, S.PAA_DAGSORDEN): LEADER,
    # Taken off the agenda before a decision: back where it came from.
    (S.PAA_DAGSORDEN, S.INDSTILLET): LEADER,
    (S.PAA_DAGSORDEN, S.OPTAGET): BOARD,
    (S.PAA_DAGSORDEN, S.AFVIST): BOARD,
    (S.PAA_DAGSORDEN, S.VENTELISTE): BOARD,
    (S.VENTELISTE, S.OPTAGET): LEADER,
    (S.OPTAGET, S.AKTIV): LEADER,
    (S.AKTIV, S.AFSLUTTET): frozenset({Rolle.PROJEKTLEDER, Rolle.KOORDINATOR}),
}
# Moves that need a reason in words.
REASON_REQUIRED = frozenset({S.AFVIST, S.AFSLUTTET})
# A family in one of these is in the project or on its way: a new referral is refused.
BUSY_STATUSES = frozenset({S.INDSTILLET, S.PAA_DAGSORDEN, S.VENTELISTE, S.OPTAGET, S.AKTIV})


def allowed_targets(fra: str) -> list[str]:
    """The statuses a family in `fra` may move to, in the lifecycle's order."""
    return [til for til in S.values if (fra, til) in TRANSITIONS]


def _roles(user: Any, projekt: Projekt) -> set[str]:
    return set(adgang.roles_in(user, projekt))


def _require_role(user: Any, projekt: Projekt, roller: Iterable[str]) -> None:
    if not _roles(user, projekt) & set(roller):
        raise PermissionDenied


def _label(status: str) -> str:
    return str(S(status).label) if status else "–"


# --- The one function that changes a family's status --------------------------------------------


@transaction.atomic
def familie_status_saet(
    *,
    acting_user: Any,
    familie: Familie,
    til: str,
    begrundelse: str = "",
    udsluset: date | None = None,
) -> Statusskift:
    """Move the family to `til` if the table allows it and the user may; keep the row.

    Raises ValidationError for an illegal move or a missing reason, PermissionDenied when
    the user may not make this move or cannot see the family.
    """
    locked = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    if not adgang.can(acting_user, adgang.VIEW, locked):
        raise PermissionDenied
    fra = locked.status
    if locked.anonymiseret is not None:
        # Its people are gone from the record (retention): a new referral starts a new family.
        raise ValidationError(
            {"status": _("Familien er anonymiseret og kan ikke skifte status.")},
            code="anonymised",
        )
    allowed = TRANSITIONS.get((fra, til))
    if allowed is None:
        raise ValidationError(
            {
                "status": _("Familien kan ikke skifte fra »%(fra)s« til »%(til)s«.")
                % {"fra": _label(fra), "til": _label(til)}
            },
            code="illegal_transition",
        )
    _require_role(acting_user, locked.projekt, allowed)
    begrundelse = begrundelse.strip()
    if til in REASON_REQUIRED and not begrundelse:
        raise ValidationError(
            {
                "begrundelse": _("Skriv en begrundelse for, at familien skifter til »%(til)s«.")
                % {"til": _label(til)}
            },
            code="reason_required",
        )
    locked.status = til
    update_fields = ["status"]
    if S.AFSLUTTET in (fra, til):
        # The retention deadline (kerne.opbevaring) runs from the discharge day: the closed
        # stay's date when udslus passes it, today for a move straight to `afsluttet`.
        locked.afsluttet = (udsluset or timezone.localdate()) if til == S.AFSLUTTET else None
        update_fields.append("afsluttet")
        familie.afsluttet = locked.afsluttet
    locked.save(update_fields=update_fields)
    familie.status = til
    skift = Statusskift(
        familie=locked,
        fra=fra,
        til=til,
        tidspunkt=timezone.now(),
        udfoert_af=acting_user,
        begrundelse=begrundelse,
    )
    skift.full_clean()
    skift.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.VISITATION,
        familie=locked,
        objekt=skift,
        detaljer={"fra": fra, "til": til},
    )
    adgang.sync_family_grants(locked, reason="familie_status_saet", acting_user=acting_user)
    return skift


# --- Referrals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonData:
    """One person of a new family, as the referral form gives it."""

    cpr: str
    fornavn: str
    efternavn: str
    rolle: str
    relation: str
    foraeldremyndighed: bool = False


@dataclass(frozen=True)
class IndstillingData:
    """What a referral says; a draft may leave any of it open."""

    begrundelse: str = ""
    kriterier: dict | None = None  # {field: True/False/None, f"{field}_note": str}
    samtykke_givet_af: Person | None = None
    samtykke_dato: date | None = None
    samtykke_form: str = ""


def refusal_for(familie: Familie) -> str:
    """Why the family cannot be referred now, or "" when it can."""
    if familie.anonymiseret is not None:
        return _("Familien er anonymiseret. Opret en ny familie for at indstille den igen.")
    messages = {
        S.AKTIV: _("Familien er allerede aktiv i projektet og kan ikke indstilles igen."),
        S.OPTAGET: _("Familien er allerede optaget i projektet og venter på en koordinator."),
        S.PAA_DAGSORDEN: _("Familien er allerede på dagsordenen til et visitationsmøde."),
        S.INDSTILLET: _("Familien er allerede indstillet og venter på et visitationsmøde."),
        S.VENTELISTE: _("Familien står allerede på ventelisten."),
    }
    if familie.status in messages:
        return str(messages[familie.status])
    if Indstilling.objects.filter(familie=familie, lukket__isnull=True).exists():
        return _("Familien har allerede en indstilling under udarbejdelse.")
    return ""


def _apply(indstilling: Indstilling, data: IndstillingData) -> None:
    indstilling.begrundelse = data.begrundelse.strip()
    kriterier = data.kriterier or {}
    for felt in regler.KRITERIE_FELTER:
        setattr(indstilling, felt, kriterier.get(felt))
        setattr(indstilling, f"{felt}_note", (kriterier.get(f"{felt}_note") or "").strip())
    indstilling.samtykke_givet_af = data.samtykke_givet_af
    indstilling.samtykke_dato = data.samtykke_dato
    indstilling.samtykke_form = data.samtykke_form


def _check_consent_giver(familie: Familie, person: Person | None) -> None:
    if person is None:
        return
    if not Familiemedlemskab.objects.filter(
        familie=familie, person=person, til__isnull=True, rolle=Familiemedlemskab.Rolle.VOKSEN
    ).exists():
        raise ValidationError(
            {"samtykke_givet_af": _("Samtykket skal gives af en voksen i familien.")}
        )


def _referring_department(user: Any):
    medarbejder = getattr(user, "medarbejder", None)
    forvaltning = getattr(medarbejder, "forvaltning", None)
    return forvaltning if forvaltning is not None and forvaltning.sektor else None


def _open_department_case(acting_user: Any, familie: Familie) -> None:
    """The referring department's case on the family: criterion 1 says it has one.

    It is what keeps the referrer's access to the family (and their own sector) after the
    board's decision, through the kernel's policy; nothing here hands out a grant of its own.
    """
    forvaltning = _referring_department(acting_user)
    if forvaltning is None:
        return
    today = timezone.localdate()
    has_open = any(
        sag.lukket is None or sag.lukket >= today
        for sag in familie.afdelingssager.filter(forvaltning=forvaltning)
    )
    if not has_open:
        kerne_services.afdelingssag_aabn(
            acting_user=acting_user,
            familie=familie,
            forvaltning=forvaltning,
            sagsbehandler=acting_user,
        )


def _log_created(acting_user: Any, familie: Familie) -> None:
    Statusskift.objects.create(
        familie=familie,
        fra="",
        til=familie.status,
        tidspunkt=timezone.now(),
        udfoert_af=acting_user,
        begrundelse=_("Familien er oprettet ved en indstilling."),
    )


def _busy_person_rows(projekt: Projekt, personer: list[PersonData]) -> list[int]:
    """Rows (1-based) whose CPR number belongs to a member of a family already in the project."""
    by_digits = {}
    for index, data in enumerate(personer, start=1):
        if data.cpr:
            try:
                by_digits[cpr.normalise(data.cpr)] = index
            except ValidationError:
                continue
    if not by_digits:
        return []
    found = (
        Person.objects.with_cpr(*by_digits)
        .filter(
            kommune=projekt.kommune,
            medlemskaber__til__isnull=True,
            medlemskaber__familie__projekt=projekt,
            medlemskaber__familie__status__in=list(BUSY_STATUSES),
        )
        .distinct()
    )
    return sorted(by_digits[person.cpr] for person in found)


@transaction.atomic
def indstilling_opret_ny_familie(
    *,
    acting_user: Any,
    projekt: Projekt,
    betegnelse: str,
    personer: list[PersonData],
    data: IndstillingData,
) -> Indstilling:
    """A draft referral of a family not yet registered: the family and its persons with it."""
    _require_role(acting_user, projekt, REFERRERS)
    if not betegnelse.strip():
        raise ValidationError(
            {"betegnelse": _("Skriv familiens betegnelse, fx »Familien Jensen«.")}
        )
    if not any(p.rolle == Familiemedlemskab.Rolle.VOKSEN for p in personer):
        raise ValidationError({"personer": _("Registrér mindst én voksen i familien.")})
    busy = _busy_person_rows(projekt, personer)
    if busy:
        raise ValidationError(
            {
                "personer": _(
                    "Personen i række %(rows)s er allerede medlem af en familie, der er "
                    "indstillet eller aktiv i projektet. Indstil den eksisterende familie, "
                    "eller kontakt projektlederen."
                )
                % {"rows": ", ".join(str(row) for row in busy)}
            }
        )
    familie = kerne_services.familie_opret(
        acting_user=acting_user, projekt=projekt, betegnelse=betegnelse
    )
    _log_created(acting_user, familie)
    indstilling = _new_referral(acting_user, familie, data, check_consent=False)
    for index, person_data in enumerate(personer, start=1):
        try:
            person, _created = kerne_services.person_registrer(
                acting_user=acting_user,
                kommune=projekt.kommune,
                cpr_nummer=person_data.cpr or None,
                fornavn=person_data.fornavn,
                efternavn=person_data.efternavn,
            )
            kerne_services.medlem_tilfoej(
                acting_user=acting_user,
                familie=familie,
                person=person,
                rolle=person_data.rolle,
                relation=person_data.relation,
                foraeldremyndighed=person_data.foraeldremyndighed,
            )
        except ValidationError as error:
            raise ValidationError(
                {
                    "personer": [
                        _("Række %(row)s: %(message)s") % {"row": index, "message": message}
                        for message in error.messages
                    ]
                }
            ) from None
    return indstilling


@transaction.atomic
def indstilling_opret(*, acting_user: Any, familie: Familie, data: IndstillingData) -> Indstilling:
    """A draft referral of a family already registered (and visible to the referrer)."""
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    _require_role(acting_user, familie.projekt, REFERRERS)
    if not adgang.can(acting_user, adgang.VIEW, familie):
        raise PermissionDenied
    refusal = refusal_for(familie)
    if refusal:
        raise ValidationError({"familie": refusal}, code="duplicate_referral")
    return _new_referral(acting_user, familie, data, check_consent=True)


def _new_referral(
    acting_user: Any, familie: Familie, data: IndstillingData, *, check_consent: bool
) -> Indstilling:
    if check_consent:
        _check_consent_giver(familie, data.samtykke_givet_af)
    indstilling = Indstilling(
        familie=familie, forvaltning=_referring_department(acting_user), oprettet_af=acting_user
    )
    _apply(indstilling, data)
    indstilling.full_clean()
    indstilling.save()
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.VISITATION,
        familie=familie,
        objekt=indstilling,
    )
    # The draft's grant (see grants.py) lets the referrer build the family's members.
    adgang.sync_family_grants(familie, reason="indstilling_opret", acting_user=acting_user)
    _open_department_case(acting_user, familie)
    return indstilling


def _require_author(acting_user: Any, indstilling: Indstilling) -> None:
    """The referral's author, or the project's leader, works on a referral."""
    if (
        indstilling.oprettet_af_id == acting_user.pk
        and _roles(acting_user, indstilling.familie.projekt) & REFERRERS
    ):
        return
    _require_role(acting_user, indstilling.familie.projekt, LEADER)


def may_edit_referral(user: Any, indstilling: Indstilling) -> bool:
    """May the user change and submit this referral (if it is still a draft)?"""
    try:
        _require_author(user, indstilling)
    except PermissionDenied:
        return False
    return True


def _locked_referral(indstilling: Indstilling) -> Indstilling:
    return (
        Indstilling.objects.select_for_update()
        .select_related("familie__projekt")
        .get(pk=indstilling.pk)
    )


@transaction.atomic
def indstilling_opdater(
    *, acting_user: Any, indstilling: Indstilling, data: IndstillingData
) -> Indstilling:
    """Change a draft; a submitted referral is the board's record and stays as submitted."""
    indstilling = _locked_referral(indstilling)
    _require_author(acting_user, indstilling)
    if not indstilling.er_kladde:
        raise ValidationError(_("Indstillingen er indsendt og kan ikke længere ændres."))
    _check_consent_giver(indstilling.familie, data.samtykke_givet_af)
    _apply(indstilling, data)
    indstilling.full_clean()
    indstilling.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.VISITATION,
        familie=indstilling.familie,
        objekt=indstilling,
    )
    return indstilling


@transaction.atomic
def indstilling_indsend(*, acting_user: Any, indstilling: Indstilling) -> Indstilling:
    """Submit a draft: the family is referred and goes on the next meeting's agenda, if any."""
    indstilling = _locked_referral(indstilling)
    _require_author(acting_user, indstilling)
    if not indstilling.er_kladde:
        raise ValidationError(_("Indstillingen er allerede indsendt."))
    today = timezone.localdate()
    missing = regler.missing_for_submission(
        svar={felt: getattr(indstilling, felt) for felt in regler.KRITERIE_FELTER},
        begrundelse=indstilling.begrundelse,
        samtykke_givet_af=indstilling.samtykke_givet_af,
        samtykke_dato=indstilling.samtykke_dato,
        samtykke_form=indstilling.samtykke_form,
        today=today,
    )
    if missing:
        raise ValidationError(missing, code="incomplete")
    familie = indstilling.familie
    if familie.status in BUSY_STATUSES:
        raise ValidationError({"familie": refusal_for(familie)}, code="duplicate_referral")
    indstilling.indsendt = timezone.now()
    indstilling.save(update_fields=["indsendt"])
    familie_status_saet(
        acting_user=acting_user,
        familie=familie,
        til=S.INDSTILLET,
        begrundelse=_("Indstillet til visitationsudvalget."),
    )
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.VISITATION,
        familie=familie,
        objekt=indstilling,
        detaljer={"indsendt": True},
    )
    moede = next_meeting(familie.projekt, today=today)
    if moede is not None:
        _punkt_tilfoej(acting_user, moede, indstilling)
    return indstilling


# --- Board meetings and their agenda -----------------------------------------------------------


def next_meeting(projekt: Projekt, *, today: date) -> Visitationsmoede | None:
    """The next open meeting of the project (today counts): where a new referral goes."""
    return (
        Visitationsmoede.objects.filter(projekt=projekt, afsluttet__isnull=True, dato__gte=today)
        .order_by("dato", F("tidspunkt").asc(nulls_first=True), "pk")
        .first()
    )


def board_candidates(projekt: Projekt):
    """Who may sit on the board: the department leaders and the project leader(s)."""
    return User.objects.filter(
        projektroller__projekt=projekt, projektroller__rolle__in=list(BOARD)
    ).distinct()


def _bump(moede: Visitationsmoede) -> None:
    Visitationsmoede.objects.filter(pk=moede.pk).update(version=F("version") + 1)


def _require_open(moede: Visitationsmoede) -> None:
    if moede.afsluttet is not None:
        raise ValidationError(_("Mødet er afsluttet; dagsordenen kan ikke ændres."))


@transaction.atomic
def moede_opret(
    *,
    acting_user: Any,
    projekt: Projekt,
    dato: date,
    sted: str,
    medlemmer: Iterable[Any],
    tidspunkt: time | None = None,
) -> Visitationsmoede:
    """Plan a meeting. A coming meeting takes every referral that waits for an agenda."""
    _require_role(acting_user, projekt, LEADER)
    medlemmer = list(medlemmer)
    allowed = set(board_candidates(projekt).values_list("pk", flat=True))
    if not medlemmer:
        raise ValidationError({"medlemmer": _("Vælg mindst ét medlem af udvalget.")})
    if any(m.pk not in allowed for m in medlemmer):
        raise ValidationError(
            {"medlemmer": _("Medlemmer skal være afdelingsledere eller projektleder i projektet.")}
        )
    moede = Visitationsmoede(
        projekt=projekt, dato=dato, tidspunkt=tidspunkt, sted=sted.strip(), oprettet_af=acting_user
    )
    moede.full_clean()
    moede.save()
    moede.medlemmer.set(medlemmer)
    audit.log(
        user=acting_user,
        handling=Handling.CREATE,
        formaal=Formaal.VISITATION,
        projekt_id=projekt.pk,
        objekt=moede,
        detaljer={"medlemmer": sorted(m.pk for m in medlemmer)},
    )
    if dato >= timezone.localdate():
        waiting = (
            Indstilling.objects.filter(
                familie__projekt=projekt,
                familie__status=S.INDSTILLET,
                indsendt__isnull=False,
                lukket__isnull=True,
            )
            .select_related("familie__projekt")
            .order_by("indsendt", "pk")
        )
        for indstilling in waiting:
            _punkt_tilfoej(acting_user, moede, indstilling)
    return moede


def _punkt_tilfoej(
    acting_user: Any, moede: Visitationsmoede, indstilling: Indstilling
) -> Dagsordenspunkt:
    familie = indstilling.familie
    if indstilling.er_kladde or indstilling.lukket is not None:
        raise ValidationError(_("Kun indsendte, uafgjorte indstillinger kan komme på dagsordenen."))
    if familie.projekt_id != moede.projekt_id:
        raise ValidationError(_("Indstillingen hører til et andet projekt."))
    _require_open(moede)
    # The meeting's row is the lock for its agenda: positions are handed out one at a time.
    Visitationsmoede.objects.select_for_update().filter(pk=moede.pk).exists()
    raekkefoelge = (moede.punkter.aggregate(m=Max("raekkefoelge"))["m"] or 0) + 1
    punkt = Dagsordenspunkt(
        moede=moede,
        indstilling=indstilling,
        familie=familie,
        raekkefoelge=raekkefoelge,
        forrige_status=familie.status,
    )
    punkt.full_clean()
    punkt.save()
    familie_status_saet(
        acting_user=acting_user,
        familie=familie,
        til=S.PAA_DAGSORDEN,
        begrundelse=_("Sat på dagsordenen til visitationsmødet %(dato)s.")
        % {"dato": f"{moede.dato:%d.%m.%Y}"},
    )
    _bump(moede)
    return punkt


@transaction.atomic
def punkt_tilfoej(
    *, acting_user: Any, moede: Visitationsmoede, indstilling: Indstilling
) -> Dagsordenspunkt:
    """Put a referred or waiting family on a meeting's agenda (the project leader)."""
    moede = Visitationsmoede.objects.select_for_update().get(pk=moede.pk)
    _require_role(acting_user, moede.projekt, LEADER)
    indstilling = _locked_referral(indstilling)
    if indstilling.familie.status not in (S.INDSTILLET, S.VENTELISTE):
        raise ValidationError(
            _("Kun indstillede familier og familier på ventelisten kan sættes på dagsordenen.")
        )
    return _punkt_tilfoej(acting_user, moede, indstilling)


def _locked_item(punkt: Dagsordenspunkt) -> Dagsordenspunkt:
    return (
        Dagsordenspunkt.objects.select_for_update()
        .select_related("moede__projekt", "familie__projekt", "indstilling")
        .get(pk=punkt.pk)
    )


@transaction.atomic
def punkt_flyt(*, acting_user: Any, punkt: Dagsordenspunkt, retning: str) -> None:
    """Move an item one place up ("op") or down ("ned") on its agenda."""
    punkt = _locked_item(punkt)
    moede = punkt.moede
    _require_role(acting_user, moede.projekt, LEADER)
    _require_open(moede)
    if retning not in ("op", "ned"):
        raise ValidationError({"retning": _("Vælg op eller ned.")})
    items = list(moede.punkter.select_for_update().order_by("raekkefoelge", "pk"))
    index = next(i for i, item in enumerate(items) if item.pk == punkt.pk)
    other = index - 1 if retning == "op" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        if item.raekkefoelge != position:
            item.raekkefoelge = position
            item.save(update_fields=["raekkefoelge"])
    _bump(moede)
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.VISITATION,
        projekt_id=moede.projekt_id,
        objekt=moede,
        detaljer={"flyttet_punkt": punkt.pk, "retning": retning},
    )


@transaction.atomic
def punkt_fjern(*, acting_user: Any, punkt: Dagsordenspunkt) -> None:
    """Take an undecided item off the agenda; the family goes back to where it was."""
    punkt = _locked_item(punkt)
    moede = punkt.moede
    _require_role(acting_user, moede.projekt, LEADER)
    _require_open(moede)
    if punkt.beslutning:
        raise ValidationError(_("Punktet er afgjort og kan ikke fjernes fra dagsordenen."))
    familie, tilbage = punkt.familie, punkt.forrige_status
    punkt.delete()
    familie_status_saet(
        acting_user=acting_user,
        familie=familie,
        til=tilbage,
        begrundelse=_("Taget af dagsordenen til visitationsmødet %(dato)s.")
        % {"dato": f"{moede.dato:%d.%m.%Y}"},
    )
    _bump(moede)


def is_board_member(user: Any, moede: Visitationsmoede) -> bool:
    """A member of this meeting who still holds a board role, or the project's leader."""
    roller = _roles(user, moede.projekt)
    if Rolle.PROJEKTLEDER in roller:
        return True
    return Rolle.AFDELINGSLEDER in roller and moede.medlemmer.filter(pk=user.pk).exists()


@transaction.atomic
def beslutning_registrer(
    *, acting_user: Any, punkt: Dagsordenspunkt, beslutning: str, begrundelse: str = ""
) -> Dagsordenspunkt:
    """The board's decision on one item: admit, reject (with a reason) or waiting list."""
    punkt = _locked_item(punkt)
    moede = punkt.moede
    if not is_board_member(acting_user, moede):
        raise PermissionDenied
    _require_open(moede)
    if punkt.beslutning:
        raise ValidationError(_("Punktet er allerede afgjort."))
    today = timezone.localdate()
    if moede.dato > today:
        raise ValidationError(_("Beslutninger kan først registreres på mødedagen."))
    if beslutning not in Dagsordenspunkt.Beslutning.values:
        raise ValidationError({"beslutning": _("Vælg optag, afvis eller venteliste.")})
    begrundelse = begrundelse.strip()
    if beslutning == Dagsordenspunkt.Beslutning.AFVIS and not begrundelse:
        raise ValidationError({"begrundelse": _("Skriv begrundelsen for afvisningen.")})
    punkt.beslutning = beslutning
    punkt.begrundelse = begrundelse
    punkt.besluttet_af = acting_user
    punkt.besluttet = timezone.now()
    punkt.full_clean()
    punkt.save(update_fields=["beslutning", "begrundelse", "besluttet_af", "besluttet"])
    til = {
        Dagsordenspunkt.Beslutning.OPTAG: S.OPTAGET,
        Dagsordenspunkt.Beslutning.AFVIS: S.AFVIST,
        Dagsordenspunkt.Beslutning.VENTELISTE: S.VENTELISTE,
    }[beslutning]
    if til in (S.OPTAGET, S.AFVIST):
        Indstilling.objects.filter(pk=punkt.indstilling_id).update(lukket=punkt.besluttet)
    if til == S.OPTAGET:
        _open_stay(punkt.familie, optaget=moede.dato)
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.VISITATION,
        familie=punkt.familie,
        objekt=punkt,
        detaljer={"beslutning": beslutning},
    )
    # The status change re-derives the grants: the board's view of the family ends here.
    familie_status_saet(
        acting_user=acting_user,
        familie=punkt.familie,
        til=til,
        begrundelse=begrundelse
        or _("Besluttet på visitationsmødet %(dato)s.") % {"dato": f"{moede.dato:%d.%m.%Y}"},
    )
    _bump(moede)
    return punkt


@transaction.atomic
def moede_afslut(*, acting_user: Any, moede: Visitationsmoede, referat: str = "") -> None:
    """Close the meeting with its minutes; every item must be decided or taken off first."""
    moede = Visitationsmoede.objects.select_for_update().get(pk=moede.pk)
    _require_role(acting_user, moede.projekt, LEADER)
    _require_open(moede)
    if moede.punkter.filter(beslutning="").exists():
        raise ValidationError(
            _("Alle punkter skal være afgjort eller taget af dagsordenen, før mødet afsluttes.")
        )
    moede.referat = referat.strip()
    moede.afsluttet = timezone.now()
    moede.afsluttet_af = acting_user
    moede.version = F("version") + 1
    moede.full_clean(exclude=["version"])
    moede.save(update_fields=["referat", "afsluttet", "afsluttet_af", "version"])
    moede.refresh_from_db(fields=["version"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.VISITATION,
        projekt_id=moede.projekt_id,
        objekt=moede,
        detaljer={"afsluttet": True},
    )


@transaction.atomic
def referat_pdf_bestil(*, acting_user: Any, moede: Visitationsmoede):
    """Order the minutes as a PDF (the project leader); the same version gives the same PDF."""
    from visitation import pdf

    _require_role(acting_user, moede.projekt, LEADER)
    moede = Visitationsmoede.objects.get(pk=moede.pk)
    return kerne_services.dokument_bestil(
        acting_user=acting_user,
        kind=pdf.KIND,
        key=pdf.key_for(moede),
        projekt=moede.projekt,
        titel=_("Referat af visitationsmøde %(dato)s") % {"dato": f"{moede.dato:%d.%m.%Y}"},
    )


# --- Waiting list, stays, assignment ----------------------------------------------------------


def _open_stay(familie: Familie, *, optaget: date) -> Forloeb:
    forloeb = Forloeb(
        familie=familie,
        optaget=optaget,
        udredningsfrist=regler.assessment_deadline(
            optaget=optaget, maaneder=familie.projekt.udredningsfrist_maaneder
        ),
    )
    forloeb.full_clean()
    forloeb.save()
    Familie.objects.filter(pk=familie.pk).update(optaget=optaget)
    familie.optaget = optaget
    return forloeb


def _current_stay(familie: Familie) -> Forloeb:
    """The family's open stay; made from its history for a family admitted before this app."""
    forloeb = Forloeb.objects.select_for_update().filter(familie=familie, afsluttet__isnull=True)
    found = forloeb.first()
    if found is not None:
        return found
    admitted = (
        Statusskift.objects.filter(familie=familie, til=S.OPTAGET)
        .order_by("-tidspunkt")
        .values_list("tidspunkt", flat=True)
        .first()
    )
    optaget = timezone.localdate(admitted) if admitted else timezone.localdate(familie.oprettet)
    return _open_stay(familie, optaget=optaget)


@transaction.atomic
def venteliste_optag(*, acting_user: Any, familie: Familie, begrundelse: str = "") -> Familie:
    """Admit a family from the waiting list (a place has become free)."""
    familie_status_saet(
        acting_user=acting_user,
        familie=familie,
        til=S.OPTAGET,
        begrundelse=begrundelse or _("Optaget fra ventelisten."),
    )
    Indstilling.objects.filter(familie=familie, lukket__isnull=True).update(lukket=timezone.now())
    _open_stay(familie, optaget=timezone.localdate())
    return familie


def active_count(koordinator: Any, projekt: Projekt, *, exclude: Familie | None = None) -> int:
    families = Familie.objects.filter(projekt=projekt, status=S.AKTIV, koordinator=koordinator)
    if exclude is not None:
        families = families.exclude(pk=exclude.pk)
    return families.count()


@transaction.atomic
def koordinator_tildel(
    *,
    acting_user: Any,
    familie: Familie,
    koordinator: Any,
    bekraeft_over_kapacitet: bool = False,
    begrundelse: str = "",
) -> Tildeling:
    """Give an admitted (or active) family its case manager, within capacity unless confirmed.

    Beyond the project's capacity per case manager the project leader must confirm and give
    a reason; the assignment is then flagged.
    """
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    projekt = familie.projekt
    _require_role(acting_user, projekt, LEADER)
    if familie.status not in (S.OPTAGET, S.AKTIV):
        raise ValidationError(
            {"familie": _("Kun optagne og aktive familier kan få en koordinerende sagsbehandler.")}
        )
    # One assignment at a time per case manager, so two cannot both take the last place.
    koordinator = User.objects.select_for_update().get(pk=koordinator.pk)
    if Rolle.KOORDINATOR not in _roles(koordinator, projekt):
        raise ValidationError(
            {"koordinator": _("Den valgte bruger er ikke koordinerende sagsbehandler i projektet.")}
        )
    if familie.koordinator_id == koordinator.pk:
        raise ValidationError(
            {"koordinator": _("Familien har allerede denne koordinerende sagsbehandler.")}
        )
    aktive = active_count(koordinator, projekt, exclude=familie)
    kapacitet = projekt.kapacitet_pr_koordinator
    over = regler.needs_capacity_confirmation(aktive=aktive, kapacitet=kapacitet)
    begrundelse = begrundelse.strip()
    if over and not bekraeft_over_kapacitet:
        raise ValidationError(
            {
                "bekraeft_over_kapacitet": _(
                    "%(navn)s har allerede %(aktive)s aktive familier, og kapaciteten er "
                    "%(kapacitet)s. Bekræft, at familien skal tildeles ud over kapaciteten."
                )
                % {
                    "navn": koordinator.get_full_name() or koordinator.get_username(),
                    "aktive": aktive,
                    "kapacitet": kapacitet,
                }
            },
            code="over_capacity",
        )
    if over and not begrundelse:
        raise ValidationError(
            {"begrundelse": _("Skriv en begrundelse for at tildele ud over kapaciteten.")}
        )
    kerne_services.koordinator_tildel(
        acting_user=acting_user, familie=familie, koordinator=koordinator
    )
    if familie.status == S.OPTAGET:
        if not Forloeb.objects.filter(familie=familie, afsluttet__isnull=True).exists():
            _current_stay(familie)
        familie_status_saet(
            acting_user=acting_user,
            familie=familie,
            til=S.AKTIV,
            begrundelse=_("Koordinerende sagsbehandler tildelt: %(navn)s.")
            % {"navn": koordinator.get_full_name() or koordinator.get_username()},
        )
    tildeling = Tildeling(
        familie=familie,
        koordinator=koordinator,
        tildelt_af=acting_user,
        tidspunkt=timezone.now(),
        aktive_foer=aktive,
        kapacitet=kapacitet,
        over_kapacitet=over,
        begrundelse=begrundelse,
    )
    tildeling.full_clean()
    tildeling.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.VISITATION,
        familie=familie,
        objekt=tildeling,
        detaljer={"koordinator_id": koordinator.pk, "over_kapacitet": over},
    )
    return tildeling


# --- Assessment and discharge ------------------------------------------------------------------


def _require_case_manager_or_leader(acting_user: Any, familie: Familie) -> None:
    roller = _roles(acting_user, familie.projekt)
    if Rolle.PROJEKTLEDER in roller:
        return
    if Rolle.KOORDINATOR in roller and familie.koordinator_id == acting_user.pk:
        return
    raise PermissionDenied


def may_discharge(user: Any, familie: Familie) -> bool:
    """The family's own case manager or the project's leader closes its assessment and stay."""
    try:
        _require_case_manager_or_leader(user, familie)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def udredning_afslut(*, acting_user: Any, familie: Familie, dato: date) -> Forloeb:
    """Record that the family's assessment (udredning) is done: its deadline is met."""
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    _require_case_manager_or_leader(acting_user, familie)
    if familie.status != S.AKTIV:
        raise ValidationError(_("Udredningen kan kun registreres for en aktiv familie."))
    forloeb = _current_stay(familie)
    if forloeb.udredning_afsluttet is not None:
        raise ValidationError(_("Udredningen er allerede registreret som afsluttet."))
    if dato > timezone.localdate():
        raise ValidationError({"dato": _("Datoen må ikke ligge i fremtiden.")})
    if dato < forloeb.optaget:
        raise ValidationError(
            {
                "dato": _("Datoen skal ligge på eller efter optagelsen %(dato)s.")
                % {"dato": f"{forloeb.optaget:%d.%m.%Y}"}
            }
        )
    forloeb.udredning_afsluttet = dato
    forloeb.full_clean()
    forloeb.save(update_fields=["udredning_afsluttet"])
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=forloeb,
        detaljer={"udredning_afsluttet": dato.isoformat()},
    )
    return forloeb


@transaction.atomic
def udslus(
    *,
    acting_user: Any,
    familie: Familie,
    aarsag: str,
    dato: date,
    overdragelsesnote: str,
    aarsag_tekst: str = "",
) -> Forloeb:
    """Discharge the family: reason, date and a hand-over note to the department case workers.

    Afterwards the family is read-only for the team (the kernel's policy for `afsluttet`).
    """
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    _require_case_manager_or_leader(acting_user, familie)
    if familie.status != S.AKTIV:
        raise ValidationError(
            {
                "status": _("Kun en aktiv familie kan sluses ud (status nu: %(status)s).")
                % {"status": _label(familie.status)}
            }
        )
    errors: dict[str, str] = {}
    if aarsag not in Forloeb.Aarsag.values:
        errors["aarsag"] = _("Vælg en årsag til udslusningen.")
    elif aarsag == Forloeb.Aarsag.ANDET and not aarsag_tekst.strip():
        errors["aarsag_tekst"] = _("Beskriv årsagen, når du vælger »Andet«.")
    if dato > timezone.localdate():
        errors["dato"] = _("Udslusningsdatoen må ikke ligge i fremtiden.")
    if not overdragelsesnote.strip():
        errors["overdragelsesnote"] = _(
            "Skriv en overdragelsesnote til sagsbehandlerne i afdelingerne."
        )
    if errors:
        raise ValidationError(errors)
    forloeb = _current_stay(familie)
    if dato < forloeb.optaget:
        raise ValidationError(
            {
                "dato": _("Udslusningsdatoen skal ligge på eller efter optagelsen %(dato)s.")
                % {"dato": f"{forloeb.optaget:%d.%m.%Y}"}
            }
        )
    forloeb.afsluttet = dato
    forloeb.aarsag = aarsag
    forloeb.aarsag_tekst = aarsag_tekst.strip() if aarsag == Forloeb.Aarsag.ANDET else ""
    forloeb.overdragelsesnote = overdragelsesnote.strip()
    forloeb.afsluttet_af = acting_user
    forloeb.registreret = timezone.now()
    forloeb.full_clean()
    forloeb.save()
    audit.log(
        user=acting_user,
        handling=Handling.CHANGE,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=forloeb,
        detaljer={"udslusning": aarsag},
    )
    reason = str(Forloeb.Aarsag(aarsag).label)
    if forloeb.aarsag_tekst:
        reason = f"{reason}: {forloeb.aarsag_tekst}"
    familie_status_saet(
        acting_user=acting_user,
        familie=familie,
        til=S.AFSLUTTET,
        begrundelse=reason,
        udsluset=dato,
    )
    return forloeb
