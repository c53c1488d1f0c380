"""Every key page and API list runs the same number of queries at 10x the data (issue 9).

Two worlds are built with the national dataset's own builder (kerne/national.py), one project
of 30 families and one of 300, each with its case managers, board, family member and three
months of registrations. The same user opens the same page (the same family: a family's
index fixes its members) in both; the query counts must be equal. A page whose count grows with
the data has an N+1 and fails here, whatever its speed on a small database.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from familieplan.models import Planversion
from kerne import national
from kerne.models import Familie, Person
from visitation.models import Visitationsmoede

SMALL, LARGE = 30, 300
MONTHS = 3


def _pages() -> list[tuple[str, str, str]]:
    """(name, username, url) in the world just built."""
    today = timezone.localdate()
    prefix = "nat001."
    users = get_user_model().objects.filter(username__startswith=prefix)
    by_name = {u.username.removeprefix(prefix): u for u in users}
    manager = by_name["koordinator01"]
    family = (
        Familie.objects.filter(koordinator=manager, status=Familie.Status.AKTIV)
        .order_by("pk")
        .first()
    )
    version = Planversion.objects.filter(familie=family).order_by("-nummer").first().pk
    meeting = Visitationsmoede.objects.filter(afsluttet__isnull=True).order_by("dato").first()
    portal_family = (
        Person.objects.get(bruger=by_name["borger"]).medlemskaber.values_list(
            "familie_id", flat=True
        )
    )[0]
    pages = [
        ("case manager's family list", "koordinator01", "/kerne/familier/"),
        ("family overview", "koordinator01", f"/kerne/familier/{family.pk}/"),
        ("family plan", "koordinator01", f"/familieplan/familie/{family.pk}/"),
        (
            "registration form",
            "koordinator01",
            f"/registrering/familier/{family.pk}/{today.year}/{today.month}/",
        ),
        ("registrations of a family", "koordinator01", f"/registrering/familier/{family.pk}/"),
        ("family economy", "projektleder", f"/investering/familier/{family.pk}/"),
        ("stay and status", "koordinator01", f"/visitation/familier/{family.pk}/"),
        ("project leader's family list", "projektleder", "/kerne/familier/"),
        ("board agenda", "projektleder", f"/visitation/moeder/{meeting.pk}/"),
        ("board meetings", "projektleder", "/visitation/moeder/"),
        ("referrals", "projektleder", "/visitation/indstillinger/"),
        ("assessment deadlines", "projektleder", "/visitation/frister/"),
        ("capacity", "projektleder", "/visitation/kapacitet/"),
        ("registration overview", "projektleder", "/registrering/"),
        ("plans", "projektleder", "/familieplan/"),
        ("follow-ups to do", "koordinator01", "/familieplan/opfoelgninger/"),
        ("family portal", "borger", f"/familieplan/portal/{portal_family}/"),
        ("citizen's progress", "borger", "/registrering/min-udvikling/"),
    ]
    for path in (
        "families",
        "persons",
        "consents",
        "referrals",
        "meetings",
        "plans",
        "activities",
        "registrations",
        "questionnaires",
        "cost-lines",
    ):
        query = f"?version={version}" if path == "activities" else ""
        pages.append((f"API {path}", "projektleder", f"/api/v1/{path}/{query}"))
    return [(name, by_name[who], url) for name, who, url in pages]


def _measure() -> dict[str, tuple[int, int]]:
    counts = {}
    clients: dict[int, Client] = {}
    for name, user, url in _pages():
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)
        # Warm first: per-process caches (content types, permission ids) fill once.
        response = client.get(url)
        if response.status_code == 302 and response["Location"].startswith("/"):
            url = response["Location"]  # the plan opens its latest version: count that page
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[name] = (response.status_code, len(queries))
    return counts


_COUNTS: dict[int, dict[str, tuple[int, int]]] = {}


@pytest.fixture
def worlds(db):
    """Query counts per page in the small and the large world, measured once per run (each
    world rolled back after its measurement; later tests read the figures)."""
    if not _COUNTS:
        for size in (SMALL, LARGE):
            with transaction.atomic():
                national.seed_national(projects=1, families=size, months=MONTHS, fast=False)
                _COUNTS[size] = _measure()
                transaction.set_rollback(True)
    return _COUNTS


PAGE_NAMES = [
    "case manager's family list",
    "family overview",
    "family plan",
    "registration form",
    "registrations of a family",
    "family economy",
    "stay and status",
    "project leader's family list",
    "board agenda",
    "board meetings",
    "referrals",
    "assessment deadlines",
    "capacity",
    "registration overview",
    "plans",
    "follow-ups to do",
    "family portal",
    "citizen's progress",
    *(
        f"API {p}"
        for p in (
            "families",
            "persons",
            "consents",
            "referrals",
            "meetings",
            "plans",
            "activities",
            "registrations",
            "questionnaires",
            "cost-lines",
        )
    ),
]


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_query_count_is_the_same_at_ten_times_the_data(worlds, page):
    small_status, small = worlds[SMALL][page]
    large_status, large = worlds[LARGE][page]
    assert small_status == 200, f"{page}: {small_status}"
    assert large_status == small_status
    assert large == small, f"{page}: {small} queries with {SMALL} families, {large} with {LARGE}"
