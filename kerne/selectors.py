"""Reads of the shared kernel across the permission boundary: filtered for the user already."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kerne import adgang, audit, cpr
from kerne.models import (
    Adgangslog,
    Afdelingssag,
    Familie,
    Familiemedlemskab,
    Person,
    Projekt,
    Projektrolle,
    Rolle,
    Samtykke,
)

User = get_user_model()
_CPR_LIKE = re.compile(r"^\s*[0-9]{6}-?[0-9]{4}\s*$")


def family_list(
    user: Any,
    *,
    projekt: Projekt | None = None,
    q: str = "",
    status: str = "",
    koordinator_id: int | None = None,
) -> QuerySet[Familie]:
    """The families the user may see (in one project, if given), searchable and filterable.

    The search takes a name or a CPR number; a CPR number is matched exactly.
    """
    # Members are counted per listed family by a correlated subquery, which PostgreSQL
    # evaluates after the page's LIMIT: a GROUP BY over every visible family cost more than
    # the page at national scale (docs/perf/findings.md).
    current_members = (
        Familiemedlemskab.objects.filter(familie=OuterRef("pk"), til__isnull=True)
        .order_by()
        .values("familie")
        .annotate(antal=Count("pk"))
        .values("antal")
    )
    familier = (
        adgang.families_for(user)
        .select_related("koordinator", "projekt")
        .annotate(antal_medlemmer=Coalesce(Subquery(current_members), 0))
        .order_by("betegnelse", "pk")
    )
    q = q.strip()
    if q:
        if _CPR_LIKE.match(q):
            familier = familier.filter(
                pk__in=Familiemedlemskab.objects.filter(
                    person__in=Person.objects.with_cpr(q).values("pk")
                ).values("familie_id")
            )
        else:
            words = q.split()
            for word in words:
                familier = familier.filter(
                    Q(betegnelse__icontains=word)
                    | Q(
                        pk__in=Familiemedlemskab.objects.filter(
                            Q(person__fornavn__icontains=word)
                            | Q(person__efternavn__icontains=word)
                        ).values("familie_id")
                    )
                )
    if projekt is not None:
        familier = familier.filter(projekt=projekt)
    if status:
        familier = familier.filter(status=status)
    if koordinator_id:
        familier = familier.filter(koordinator_id=koordinator_id)
    return familier


def family_detail(user: Any, pk: int, *, formaal: str = audit.Formaal.SAGSBEHANDLING) -> Familie:
    """One family with what its overview shows; 404 when not visible; the read is logged."""
    familie = adgang.get_visible_or_404(
        user,
        Familie.objects.select_related("projekt__kommune", "koordinator").prefetch_related(
            Prefetch(
                "medlemskaber",
                queryset=Familiemedlemskab.objects.select_related("person").order_by(
                    "-rolle", "person__foedselsdato"
                ),
            ),
            Prefetch(
                "samtykker",
                queryset=Samtykke.objects.select_related("person", "tilbagekaldt_af")
                .prefetch_related("modtagere")
                .order_by("-registreret"),
            ),
            Prefetch(
                "afdelingssager",
                queryset=Afdelingssag.objects.select_related("forvaltning", "sagsbehandler"),
            ),
        ),
        formaal=formaal,
        pk=pk,
    )
    # A department's case tells what kind of help the family gets: show it only to users who
    # may see that department's sector.
    familie.synlige_sektorer = adgang.sectors_for(user, familie)
    familie.synlige_afdelingssager = [
        sag
        for sag in familie.afdelingssager.all()
        if not sag.forvaltning.sektor or sag.forvaltning.sektor in familie.synlige_sektorer
    ]
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=formaal,
        familie=familie,
        objekt=familie,
    )
    return familie


def persons_for(user: Any) -> QuerySet[Person]:
    """Persons who belong (or belonged) to a family the user may see."""
    return Person.objects.filter(
        pk__in=Familiemedlemskab.objects.filter(
            familie__in=adgang.families_for(user).values("pk")
        ).values("person_id")
    )


def person_detail(user: Any, pk: int, *, formaal: str = audit.Formaal.SAGSBEHANDLING) -> Person:
    person = adgang.get_visible_or_404(
        user,
        Person.objects.select_related("kommune").prefetch_related(
            Prefetch(
                "medlemskaber",
                queryset=Familiemedlemskab.objects.filter(
                    familie__in=adgang.families_for(user).values("pk")
                )
                .select_related("familie")
                .order_by("familie__betegnelse", "fra"),
            )
        ),
        formaal=formaal,
        pk=pk,
    )
    audit.log(
        user=user, handling=audit.Handling.READ, formaal=formaal, person=person, objekt=person
    )
    return person


def consents_for(user: Any) -> QuerySet[Samtykke]:
    return adgang.visible(
        user,
        adgang.VIEW,
        Samtykke.objects.select_related("person", "familie").prefetch_related("modtagere"),
    )


def case_managers(projekt: Projekt | None) -> QuerySet:
    """The project's case managers, for filters and assignment."""
    if projekt is None:
        return User.objects.none()
    return User.objects.filter(
        pk__in=Projektrolle.objects.filter(projekt=projekt, rolle=Rolle.KOORDINATOR).values(
            "bruger_id"
        )
    ).order_by("first_name", "last_name")


def masked_cpr(person: Person) -> str:
    return cpr.mask(person.cpr) if person.cpr else ""


# --- Audit log --------------------------------------------------------------------------------


def audit_log_for(
    user: Any,
    projekt: Projekt | None,
    *,
    familie_id: int | None = None,
    person_id: int | None = None,
    bruger_id: int | None = None,
    fra=None,
    til=None,
) -> QuerySet[Adgangslog]:
    """The project's audit rows, for its project leader and data-protection role only."""
    if projekt is None or not set(adgang.roles_in(user, projekt)) & {
        Rolle.PROJEKTLEDER,
        Rolle.DATABESKYTTELSE,
    }:
        return Adgangslog.objects.none()
    family_ids = Familie.objects.filter(projekt=projekt).values("pk")
    person_ids = Familiemedlemskab.objects.filter(familie__projekt=projekt).values("person_id")
    rows = Adgangslog.objects.filter(
        Q(projekt_id=projekt.pk) | Q(familie_id__in=family_ids) | Q(person_id__in=person_ids)
    )
    if familie_id:
        rows = rows.filter(familie_id=familie_id)
    if person_id:
        rows = rows.filter(person_id=person_id)
    if bruger_id:
        rows = rows.filter(bruger_id=bruger_id)
    if fra:
        rows = rows.filter(tidspunkt__date__gte=fra)
    if til:
        rows = rows.filter(tidspunkt__date__lte=til)
    return rows.order_by("-tidspunkt", "-pk")


def accesses_to_person(person: Person) -> QuerySet[Adgangslog]:
    """Every logged use of one person's data: rows about them, and their families' rows."""
    person_ids = merged_person_ids(person)
    family_ids = Familiemedlemskab.objects.filter(person=person).values("familie_id")
    return Adgangslog.objects.filter(
        Q(person_id__in=person_ids) | Q(person_id__isnull=True, familie_id__in=family_ids)
    ).order_by("tidspunkt", "pk")


def merged_person_ids(person: Person) -> set[int]:
    """The person's id and the ids of every duplicate merged into them (the log keeps those)."""
    ids = {person.pk}
    frontier = {person.pk}
    while frontier:
        merged = set(
            Adgangslog.objects.filter(
                person_id__in=frontier, detaljer__has_key="merged_person_id"
            ).values_list("detaljer__merged_person_id", flat=True)
        )
        frontier = {int(pk) for pk in merged} - ids
        ids |= frontier
    return ids


# --- Reads for the kernel's pages (appended; imports are local so the header stays as is) ------


def current_members(user: Any, familie: Familie) -> QuerySet[Person]:
    """The family's present members the user may see (a consent is given by one of them)."""
    return persons_for(user).filter(
        pk__in=Familiemedlemskab.objects.filter(familie=familie, til__isnull=True).values(
            "person_id"
        )
    )


def departments_of(kommune: Any) -> QuerySet:
    """The municipality's departments, for choosing the recipients of a consent."""
    from kerne.models import Forvaltning

    return Forvaltning.objects.filter(kommune=kommune).order_by("navn")


def person_in_project(user: Any, projekt: Projekt | None, pk: int) -> Person:
    """A person who belongs (or belonged) to a family of the project the user may see; else 404."""
    from django.http import Http404

    if projekt is None:
        raise Http404
    person = (
        persons_for(user)
        .filter(
            pk__in=Familiemedlemskab.objects.filter(familie__projekt=projekt).values("person_id"),
            pk=pk,
        )
        .first()
    )
    if person is None:
        raise Http404
    return person


def user_id_for_username(username: str) -> int | None:
    """The id behind a username typed into a filter; None when there is no such user."""
    return User.objects.filter(username=username.strip()).values_list("pk", flat=True).first()


# --- Duplicate persons ------------------------------------------------------------------------


def _project_persons(user: Any, projekt: Projekt) -> QuerySet[Person]:
    """Persons the user may see who belong (or belonged) to a family of the project."""
    return persons_for(user).filter(
        pk__in=Familiemedlemskab.objects.filter(familie__projekt=projekt).values("person_id")
    )


def _visible_memberships(user: Any, projekt: Projekt | None = None) -> Prefetch:
    """A person's memberships of the families the user may see (of one project, if given)."""
    familier = adgang.families_for(user)
    if projekt is not None:
        familier = familier.filter(projekt=projekt)
    return Prefetch(
        "medlemskaber",
        queryset=Familiemedlemskab.objects.filter(familie__in=familier.values("pk"))
        .select_related("familie")
        .order_by("familie__betegnelse", "fra"),
    )


def duplicate_candidates(user: Any, projekt: Projekt | None) -> list[tuple[Person, Person]]:
    """Pairs of the project's persons who may be one: the same name in any case, and the same
    birth date or one of them without a CPR number. The one to keep comes first.

    One self-join finds the pairs; the persons and their families follow in two more queries.
    """
    from django.db.models import F, FilteredRelation
    from django.db.models.functions import Lower
    from django.db.models.lookups import Exact

    if projekt is None:
        return []
    candidates = _project_persons(user, projekt)
    # Persons of a municipality share its row: join them to each other through it, each pair
    # once (the other's id is the greater).
    pairs = list(
        candidates.annotate(
            anden=FilteredRelation(
                "kommune__personer", condition=Q(kommune__personer__pk__gt=F("pk"))
            )
        )
        # One filter() call, so every condition is on the same joined person.
        .filter(
            Exact(Lower("anden__fornavn"), Lower("fornavn")),
            Exact(Lower("anden__efternavn"), Lower("efternavn")),
            # Two CPR numbers are two people (the database keeps a CPR unique): a candidate
            # pair has one person without a number, and no birth dates that disagree.
            Q(cpr_hash__isnull=True) | Q(anden__cpr_hash__isnull=True),
            Q(anden__foedselsdato=F("foedselsdato"))
            | Q(foedselsdato__isnull=True)
            | Q(anden__foedselsdato__isnull=True),
            anden__in=candidates.values("pk"),
        )
        .order_by(Lower("efternavn"), Lower("fornavn"), "pk", "anden__pk")
        .values_list("pk", "anden__pk")
    )
    if not pairs:
        return []
    persons = Person.objects.prefetch_related(_visible_memberships(user, projekt)).in_bulk(
        {pk for pair in pairs for pk in pair}
    )
    result = []
    for first_id, second_id in pairs:
        first, second = persons[first_id], persons[second_id]
        # Keep the one with the CPR number, else the one registered first.
        if second.cpr and not first.cpr:
            first, second = second, first
        result.append((first, second))
    return result


def person_for_merge(user: Any, pk: int) -> Person:
    """A person the user may see, with what the merge page shows; else 404 (and logged).

    The counts are of every membership and consent, since the merge moves them all.
    """
    queryset = Person.objects.annotate(
        antal_medlemskaber=Count("medlemskaber", distinct=True),
        antal_samtykker=Count("samtykker", distinct=True),
    ).prefetch_related(_visible_memberships(user))
    return adgang.get_visible_or_404(user, queryset, formaal=audit.Formaal.SUPPORT, pk=pk)


# --- Accounts (the project leader's page) -----------------------------------------------------


def project_accounts(projekt: Projekt) -> QuerySet:
    """The project's users with what a project leader manages about their sign-in: whether
    they have an authenticator app and when their API token was issued (None if none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    return (
        get_user_model()
        .objects.filter(pk__in=Projektrolle.objects.filter(projekt=projekt).values("bruger_id"))
        .annotate(
            har_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            api_noegle_udstedt=Subquery(
                Token.objects.filter(user=OuterRef("pk")).values("created")[:1]
            ),
        )
        .order_by("username")
    )


def led_project_with_user(user: Any, bruger_id: int) -> Projekt:
    """A project the user leads and the other user holds a role in; DoesNotExist otherwise."""
    projekt = (
        Projekt.objects.filter(roller__bruger=user, roller__rolle=Rolle.PROJEKTLEDER)
        .filter(roller__bruger_id=bruger_id)
        .order_by("pk")
        .first()
    )
    if projekt is None:
        raise Projekt.DoesNotExist
    return projekt
