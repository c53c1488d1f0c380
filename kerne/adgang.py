"""The one access policy: who may see and do what. Every view, selector and service asks here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from kerne import audit
from kerne.models import (
    Delingsregel,
    EksplicitAdgang,
    Familie,
    Familiemedlemskab,
    FamilieUserObjectPermission,
    Medarbejder,
    Person,
    Projekt,
    Projektrolle,
    Rolle,
    Sagsdel,
    SagsdelUserObjectPermission,
    Sektor,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest, HttpResponse

    AnyUser = AbstractBaseUser | AnonymousUser

ACTIVE_PROJECT_SESSION_KEY = "aktivt_projekt_id"

# When a user holds several roles in a project, the start page follows the first of these.
ROLE_PRIORITY = [
    Rolle.PROJEKTLEDER,
    Rolle.KOORDINATOR,
    Rolle.AFDELINGSLEDER,
    Rolle.SAGSBEHANDLER,
    Rolle.ADMINISTRATIV,
    Rolle.DATABESKYTTELSE,
    Rolle.FAGPERSON,
    Rolle.EVALUATOR,
    Rolle.BORGER,
]


# Roles whose holders see personal data: every staff role but the evaluator's, who sees only
# pseudonymised exports. A local account holding one in a project with kraev_totp must give a
# code from an authenticator app at sign-in.
PERSONAL_DATA_ROLES = tuple(r for r in ROLE_PRIORITY if r not in (Rolle.EVALUATOR, Rolle.BORGER))


def totp_required(user: AnyUser) -> bool:
    """Must this local account give a TOTP code to sign in (and to obtain an API token)?

    Always for a superuser: the break-glass account opens the admin, which demands it anyway.
    """
    if user.is_superuser:
        return True
    return Projektrolle.objects.filter(
        bruger=user, rolle__in=PERSONAL_DATA_ROLES, projekt__kraev_totp=True
    ).exists()


def projects_for(user: AnyUser) -> list[Projekt]:
    """The projects in which the user holds any role; none for anonymous users."""
    if not user.is_authenticated:
        return []
    return list(Projekt.objects.filter(roller__bruger=user).select_related("kommune").distinct())


def request_projects(request: HttpRequest) -> list[Projekt]:
    """The signed-in user's projects, read once per request: the menu's project switcher and
    the active project both need them on every page."""
    cached = getattr(request, "_projekter", None)
    if cached is None:
        cached = request._projekter = projects_for(request.user)
    return cached


def roles_in(user: AnyUser, projekt: Projekt | None) -> list[str]:
    """The user's roles in the project, highest priority first."""
    if projekt is None or not user.is_authenticated:
        return []
    held = set(
        Projektrolle.objects.filter(bruger=user, projekt=projekt).values_list("rolle", flat=True)
    )
    return [rolle for rolle in ROLE_PRIORITY if rolle in held]


def active_project(request: HttpRequest) -> Projekt | None:
    """The project the user works in now: the one chosen in the session, else their first."""
    cached = getattr(request, "_aktivt_projekt", None)
    if cached is not None:
        return cached
    projekter = request_projects(request)
    chosen_id = request.session.get(ACTIVE_PROJECT_SESSION_KEY)
    projekt = next((p for p in projekter if p.pk == chosen_id), None)
    if projekt is None and projekter:
        projekt = projekter[0]
    request._aktivt_projekt = projekt
    return projekt


def active_roles(request: HttpRequest) -> list[str]:
    cached = getattr(request, "_aktive_roller", None)
    if cached is None:
        cached = roles_in(request.user, active_project(request))
        request._aktive_roller = cached
    return cached


def has_role(request: HttpRequest, *roller: str) -> bool:
    return any(rolle in active_roles(request) for rolle in roller)


def require_role(*roller: str) -> Callable:
    """View decorator: the user must hold one of the roles in the active project."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request, *roller):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roller  # read by the URL permission matrix test
        return wrapped

    return decorator


# --- Object access: families and their sector parts ------------------------------------------
#
# Grants live in guardian's direct-foreign-key tables and are derived from facts by
# sync_family_grants(); nothing else writes them. Reads are one indexed subquery on them.

VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Grant:
    """One derived permission: a user may view/change a family or one sector of it."""

    user_id: int
    action: str  # VIEW or CHANGE
    sektor: str = ""  # blank: the family level (members, status, case manager)


# Domain apps add facts that give access (a board member with the family's referral on the
# agenda, ...) by registering a function here in their AppConfig.ready(); kerne imports none
# of them. Each source returns the grants its facts give on one family.
GrantSource = Callable[[Familie, date], set[Grant]]
GRANT_SOURCES: list[GrantSource] = []


def register_grant_source(source: GrantSource) -> GrantSource:
    if source not in GRANT_SOURCES:
        GRANT_SOURCES.append(source)
    return source


@lru_cache(maxsize=8)
def _permission_id(model_name: str, action: str) -> int:
    return Permission.objects.get(
        content_type__app_label="kerne", codename=f"{action}_{model_name}"
    ).pk


def _rule(regler: dict[tuple[str, str], str], rolle: str, sektor: str) -> str:
    return regler.get((rolle, sektor), Delingsregel.Regel.NEVER)


def derive_grants(familie: Familie, *, today: date | None = None) -> set[Grant]:
    """Every grant the facts give on one family. Pure reading; no writes."""
    today = today or timezone.localdate()
    projekt = familie.projekt
    regler = {(r.rolle, r.sektor): r.regel for r in Delingsregel.objects.filter(projekt=projekt)}
    roller: dict[int, set[str]] = {}
    for bruger_id, rolle in Projektrolle.objects.filter(projekt=projekt).values_list(
        "bruger_id", "rolle"
    ):
        roller.setdefault(bruger_id, set()).add(rolle)
    afdeling_af = dict(
        Medarbejder.objects.filter(bruger_id__in=roller).values_list("bruger_id", "forvaltning_id")
    )
    # Which departments may receive which sector's data of this family (consent or legal basis).
    lawful: set[tuple[int, str]] = set()
    for samtykke in familie.samtykker.filter(tilbagekaldt__isnull=True).prefetch_related(
        "modtagere"
    ):
        if samtykke.is_valid_on(today):
            for modtager in samtykke.modtagere.all():
                lawful.update((modtager.pk, sektor) for sektor in samtykke.sektorer)
    for hjemmel in familie.hjemler.all():
        if hjemmel.is_valid_on(today):
            lawful.add((hjemmel.modtager_id, hjemmel.sektor))

    grants: set[Grant] = set()

    def by_policy(user_id: int, rolle: str, action: str, skip: str = "") -> None:
        for sektor in Sektor.values:
            if sektor == skip:
                continue
            rule = _rule(regler, rolle, sektor)
            afdeling = afdeling_af.get(user_id)
            if rule == Delingsregel.Regel.ALWAYS or (
                rule == Delingsregel.Regel.WITH_CONSENT and (afdeling, sektor) in lawful
            ):
                grants.add(Grant(user_id, VIEW, sektor))
                if action == CHANGE:
                    grants.add(Grant(user_id, CHANGE, sektor))

    # The project's leaders and administration see every family of the project.
    for user_id, held in roller.items():
        for rolle in (Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV):
            if rolle in held:
                grants.add(Grant(user_id, VIEW))
                by_policy(user_id, rolle, VIEW)

    # The assigned case manager works on the whole family.
    koordinator_id = familie.koordinator_id
    if koordinator_id and Rolle.KOORDINATOR in roller.get(koordinator_id, set()):
        grants.update({Grant(koordinator_id, VIEW), Grant(koordinator_id, CHANGE)})
        by_policy(koordinator_id, Rolle.KOORDINATOR, CHANGE)

    # A department with an open case: its case worker owns the department's sector.
    for sag in familie.afdelingssager.select_related("forvaltning"):
        if sag.lukket is not None and sag.lukket < today:
            continue
        sektor = sag.forvaltning.sektor
        for user_id, held in roller.items():
            if afdeling_af.get(user_id) != sag.forvaltning_id:
                continue
            is_case_worker = Rolle.SAGSBEHANDLER in held and (
                sag.sagsbehandler_id in (None, user_id)
            )
            if is_case_worker:
                grants.add(Grant(user_id, VIEW))
                if sektor:
                    grants.update({Grant(user_id, VIEW, sektor), Grant(user_id, CHANGE, sektor)})
                by_policy(user_id, Rolle.SAGSBEHANDLER, VIEW, skip=sektor)
            if Rolle.AFDELINGSLEDER in held:
                grants.add(Grant(user_id, VIEW))
                if sektor:
                    grants.add(Grant(user_id, VIEW, sektor))

    for eksplicit in familie.eksplicitte_adgange.filter(gyldig_til__gte=today):
        grants.add(Grant(eksplicit.bruger_id, VIEW))
        if eksplicit.sektor:
            grants.add(Grant(eksplicit.bruger_id, VIEW, eksplicit.sektor))
        if eksplicit.tilladelse == EksplicitAdgang.Tilladelse.CHANGE:
            grants.add(Grant(eksplicit.bruger_id, CHANGE, eksplicit.sektor))

    for source in GRANT_SOURCES:
        grants |= source(familie, today)

    if familie.status == Familie.Status.AFSLUTTET:
        # After discharge the team keeps a read-only view; nobody changes the family's data.
        grants = {g for g in grants if g.action == VIEW}
    return grants


def current_grants(familie: Familie) -> set[Grant]:
    """The grants stored in guardian's tables for one family."""
    actions = {
        _permission_id("familie", VIEW): VIEW,
        _permission_id("familie", CHANGE): CHANGE,
        _permission_id("sagsdel", VIEW): VIEW,
        _permission_id("sagsdel", CHANGE): CHANGE,
    }
    stored = {
        Grant(user_id, actions[perm_id])
        for user_id, perm_id in FamilieUserObjectPermission.objects.filter(
            content_object=familie
        ).values_list("user_id", "permission_id")
    }
    stored |= {
        Grant(user_id, actions[perm_id], sektor)
        for user_id, perm_id, sektor in SagsdelUserObjectPermission.objects.filter(
            content_object__familie=familie
        ).values_list("user_id", "permission_id", "content_object__sektor")
    }
    return stored


def ensure_sagsdele(familie: Familie) -> dict[str, Sagsdel]:
    """One Sagsdel per sector for the family, created when missing."""
    existing = {s.sektor: s for s in familie.sagsdele.all()}
    missing = [Sagsdel(familie=familie, sektor=s) for s in Sektor.values if s not in existing]
    if missing:
        Sagsdel.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.sektor: s for s in familie.sagsdele.all()}
    return existing


@transaction.atomic
def sync_family_grants(familie: Familie, *, reason: str, acting_user: Any = None) -> dict:
    """Make the stored grants equal to what the facts give; audit what changed.

    Call it in the transaction of every change to a fact: assignment, department cases,
    roles, sharing policy, consent, legal basis, explicit grants.
    """
    familie = Familie.objects.select_for_update().select_related("projekt").get(pk=familie.pk)
    sagsdele = ensure_sagsdele(familie)
    wanted = derive_grants(familie)
    stored = current_grants(familie)
    added, removed = wanted - stored, stored - wanted
    for grant in removed:
        if grant.sektor:
            SagsdelUserObjectPermission.objects.filter(
                user_id=grant.user_id,
                permission_id=_permission_id("sagsdel", grant.action),
                content_object=sagsdele[grant.sektor],
            ).delete()
        else:
            FamilieUserObjectPermission.objects.filter(
                user_id=grant.user_id,
                permission_id=_permission_id("familie", grant.action),
                content_object=familie,
            ).delete()
    FamilieUserObjectPermission.objects.bulk_create(
        FamilieUserObjectPermission(
            user_id=g.user_id,
            permission_id=_permission_id("familie", g.action),
            content_object=familie,
        )
        for g in added
        if not g.sektor
    )
    SagsdelUserObjectPermission.objects.bulk_create(
        SagsdelUserObjectPermission(
            user_id=g.user_id,
            permission_id=_permission_id("sagsdel", g.action),
            content_object=sagsdele[g.sektor],
        )
        for g in added
        if g.sektor
    )
    change = {"added": _describe(added), "removed": _describe(removed)}
    if added or removed:
        audit.log(
            user=acting_user,
            handling=audit.Handling.GRANTS,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=familie,
            detaljer={"reason": reason, **change},
        )
    return change


def _describe(grants: set[Grant]) -> list[list]:
    return sorted([g.user_id, g.action, g.sektor] for g in grants)


def sync_project_grants(projekt: Projekt, *, reason: str, acting_user: Any = None) -> int:
    """Re-derive every family of a project (after a role or policy change); returns the count."""
    familier = list(Familie.objects.filter(projekt=projekt).only("pk"))
    for familie in familier:
        sync_family_grants(familie, reason=reason, acting_user=acting_user)
    return len(familier)


# --- Reads ------------------------------------------------------------------------------------


def _granted(model, user: Any, action: str):
    """Ids of the objects of a permission model the user holds `action` on (a subquery)."""
    name = "familie" if model is FamilieUserObjectPermission else "sagsdel"
    return model.objects.filter(user_id=user.pk, permission_id=_permission_id(name, action)).values(
        "content_object_id"
    )


def families_for(user: Any, action: str = VIEW) -> QuerySet[Familie]:
    """The families the user may see (or change): one indexed subquery; none when anonymous."""
    if not getattr(user, "is_authenticated", False):
        return Familie.objects.none()
    return Familie.objects.filter(pk__in=_granted(FamilieUserObjectPermission, user, action))


def sagsdele_for(user: Any, action: str = VIEW) -> QuerySet[Sagsdel]:
    if not getattr(user, "is_authenticated", False):
        return Sagsdel.objects.none()
    return Sagsdel.objects.filter(pk__in=_granted(SagsdelUserObjectPermission, user, action))


def sectors_for(user: Any, familie: Familie, action: str = VIEW) -> list[str]:
    """The sectors of one family whose data the user may see, in the sectors' order."""
    held = set(sagsdele_for(user, action).filter(familie=familie).values_list("sektor", flat=True))
    return [sektor for sektor in Sektor.values if sektor in held]


def sectors_by_family(user: Any, familie_ids: list[int], action: str = VIEW) -> dict[int, list]:
    """sectors_for for a whole page of families in one query."""
    held: dict[int, set[str]] = {pk: set() for pk in familie_ids}
    for familie_id, sektor in (
        sagsdele_for(user, action)
        .filter(familie_id__in=familie_ids)
        .values_list("familie_id", "sektor")
    ):
        held[familie_id].add(sektor)
    return {pk: [s for s in Sektor.values if s in held[pk]] for pk in familie_ids}


def visible(user: Any, action: str, queryset: QuerySet) -> QuerySet:
    """Filter any queryset of personal data down to what the user may see.

    A model holding a `sagsdel` is partitioned by sector; one holding only a `familie` is
    family-level data.
    """
    model = queryset.model
    if model is Familie:
        return queryset.filter(pk__in=families_for(user, action).values("pk"))
    if model is Sagsdel:
        return queryset.filter(pk__in=sagsdele_for(user, action).values("pk"))
    if model is Person:
        # A person is seen through the families they belong (or belonged) to.
        return queryset.filter(
            pk__in=Familiemedlemskab.objects.filter(
                familie__in=families_for(user, action).values("pk")
            ).values("person_id")
        )
    field_names = {f.name for f in model._meta.get_fields()}
    if "sagsdel" in field_names:
        return queryset.filter(sagsdel__in=sagsdele_for(user, action).values("pk"))
    if "familie" in field_names:
        return queryset.filter(familie__in=families_for(user, action).values("pk"))
    raise TypeError(f"{model.__name__} holds no family or sector part: no policy applies")


# The roles that own the project's investment model and its reports (DOMAIN.md §2): they see
# figures summed over every family and sector of their project, whatever the sharing policy,
# because a business case that left out the sectors they have no grant on would misstate the
# savings. The lines behind a sum, and any one family's amounts, still need a grant.
PROJECT_TOTALS_ROLES = (Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV)


def sees_project_totals(user: Any, projekt: Projekt | None) -> bool:
    """May the user see the project's sums over every family and sector (no drill-down)?"""
    return any(rolle in PROJECT_TOTALS_ROLES for rolle in roles_in(user, projekt))


def may_change_family(user: Any, familie: Familie) -> bool:
    """Family-level writes (members, consent): a holder of change, or the project's leader."""
    if can(user, CHANGE, familie):
        return True
    return Rolle.PROJEKTLEDER in roles_in(user, familie.projekt) and can(user, VIEW, familie)


def can(user: Any, action: str, obj: Model) -> bool:
    """May the user do `action` (view/change) on this object? Deny unless a grant says yes."""
    if obj.pk is None or not getattr(user, "is_authenticated", False):
        return False
    return visible(user, action, type(obj).objects.filter(pk=obj.pk)).exists()


def get_visible_or_404(
    user: Any, queryset: QuerySet, *, action: str = VIEW, formaal: str = "", **lookup: Any
):
    """The one way a view gets a protected object: missing and forbidden look the same (404).

    A refused attempt on an object that exists is written to the audit log.
    """
    try:
        return visible(user, action, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        target = queryset.filter(**lookup).first()
        if target is not None:
            audit.log(
                user=user,
                handling=audit.Handling.DENIED,
                formaal=formaal or audit.Formaal.SAGSBEHANDLING,
                familie=_familie_id_of(target),
                person=target if isinstance(target, Person) else None,
                objekt=target,
                detaljer={"action": action},
            )
        raise Http404 from None


def _familie_id_of(obj: Model) -> int | None:
    if isinstance(obj, Familie):
        return obj.pk
    if isinstance(obj, Person):
        return None
    if hasattr(obj, "familie_id"):
        return obj.familie_id
    sagsdel = getattr(obj, "sagsdel", None)
    return sagsdel.familie_id if sagsdel is not None else None
