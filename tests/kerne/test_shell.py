"""The shell: sign-in, start pages by role, health, locked accounts, error pages, settings."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from kerne.models import Projektrolle, Rolle
from tests.factories import TEST_PASSWORD, ProjektFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_debug_is_off_and_the_app_speaks_danish_in_copenhagen():
    assert settings.DEBUG is False
    assert settings.LANGUAGE_CODE == "da"
    assert settings.TIME_ZONE == "Europe/Copenhagen"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # The idle limit is renewed by kerne.middleware.SessionLifetimeMiddleware (test_sessions).
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.AXES_FAILURE_LIMIT == 3
    assert settings.AXES_COOLOFF_TIME == 24


@pytest.mark.parametrize(
    ("rolle", "start_url"),
    [
        (Rolle.PROJEKTLEDER, "rapporter:start_projektleder"),
        (Rolle.KOORDINATOR, "rapporter:start_koordinator"),
        (Rolle.SAGSBEHANDLER, "rapporter:start_afdeling"),
        (Rolle.AFDELINGSLEDER, "rapporter:start_afdeling"),
        (Rolle.ADMINISTRATIV, "rapporter:start_administration"),
        (Rolle.FAGPERSON, "rapporter:start_fagperson"),
        (Rolle.EVALUATOR, "rapporter:start_evaluator"),
        (Rolle.BORGER, "familieplan:portal"),
    ],
)
def test_signing_in_lands_each_role_on_its_own_start_page(client, make_user, rolle, start_url):
    make_user(rolle, username="maria")

    response = client.post(
        reverse("login"), {"username": "maria", "password": TEST_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(start_url)
    assert response.status_code == 200


def test_a_start_page_refuses_a_role_it_is_not_for(client, make_user):
    client.force_login(make_user(Rolle.BORGER))

    response = client.get(reverse("rapporter:start_projektleder"))

    assert response.status_code == 403
    assert "Du har ikke adgang til denne side" in response.content.decode()


def test_a_user_without_a_role_is_told_so(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("start"))

    assert response.status_code == 403
    assert "Du har endnu ingen rolle" in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("rapporter:start_koordinator"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_header_shows_municipality_and_project(client, make_user, projekt):
    client.force_login(make_user(Rolle.KOORDINATOR))

    page = client.get(reverse("rapporter:start_koordinator")).content.decode()

    assert projekt.kommune.navn in page
    assert projekt.navn in page
    assert 'href="#main-content"' in page
    assert '<main id="main-content"' in page


def test_a_user_with_two_projects_can_switch_between_them(client, make_user):
    user = make_user(Rolle.KOORDINATOR)
    other = ProjektFactory(navn="Andet projekt")
    Projektrolle.objects.create(bruger=user, projekt=other, rolle=Rolle.PROJEKTLEDER)
    client.force_login(user)

    client.post(reverse("kerne:projekt_vaelg"), {"projekt": other.pk})
    response = client.get(reverse("start"))

    assert response["Location"] == reverse("rapporter:start_projektleder")


def test_switching_to_a_project_without_a_role_is_refused(client, make_user):
    client.force_login(make_user(Rolle.KOORDINATOR))
    foreign = ProjektFactory()

    response = client.post(reverse("kerne:projekt_vaelg"), {"projekt": foreign.pk}, follow=True)

    assert "Du har ingen rolle i det valgte projekt" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("rapporter:start_koordinator")


def test_unknown_pages_answer_a_danish_404(client, make_user):
    client.force_login(make_user(Rolle.KOORDINATOR))

    response = client.get("/findes-ikke/")

    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.content.decode()


def test_healthz_reports_database_and_broker(client, settings):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    expected_broker = "ok" if settings.REDIS_URL else "eager"
    assert response.json() == {"database": "ok", "broker": expected_broker}


def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    # Nothing listens on port 1: a real refused connection, not a mock.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_every_response_carries_a_request_id(client):
    first = client.get(reverse("login"))
    echoed = client.get(reverse("login"), headers={"X-Request-ID": "abc12345-proxy"})
    forged = client.get(reverse("login"), headers={"X-Request-ID": "<script>"})

    assert len(first["X-Request-ID"]) == 32
    assert echoed["X-Request-ID"] == "abc12345-proxy"
    assert forged["X-Request-ID"] != "<script>"


def test_danish_is_used_whatever_the_browser_asks_for(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})

    assert response["Content-Language"] == "da"
    assert "Adgangskode" in response.content.decode()


def test_english_is_available_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("login"))

    assert response["Content-Language"] == "en"
    assert "Password" in response.content.decode()


def test_weak_passwords_are_refused_with_a_danish_reason(client, make_user):
    client.force_login(make_user(Rolle.KOORDINATOR))

    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "for kort" in page
    assert "udelukkende numerisk" in page


def _fail_sign_in(client, username: str, times: int = 3) -> None:
    for _attempt in range(times):
        client.post(reverse("login"), {"username": username, "password": "forkert"})


def test_three_failures_lock_the_account_and_the_project_leader_unlocks_it(
    client, make_user, projekt
):
    make_user(Rolle.KOORDINATOR, username="laast")
    leader = make_user(Rolle.PROJEKTLEDER)
    _fail_sign_in(client, "laast")

    locked = client.post(reverse("login"), {"username": "laast", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "spærret" in locked.content.decode()

    client.force_login(leader)
    listing = client.get(reverse("kerne:laaste_konti"))
    attempt = AccessAttempt.objects.get(username="laast")
    assert "laast" in listing.content.decode()
    unlocked = client.post(reverse("kerne:laas_op"), {"attempt": attempt.pk}, follow=True)
    assert "Kontoen laast er låst op" in unlocked.content.decode()
    client.logout()

    response = client.post(reverse("login"), {"username": "laast", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_project_leader_cannot_see_or_unlock_another_projects_users(client, make_user):
    make_user(Rolle.KOORDINATOR, in_projekt=ProjektFactory(), username="fremmed")
    leader = make_user(Rolle.PROJEKTLEDER)
    _fail_sign_in(client, "fremmed")
    attempt = AccessAttempt.objects.get(username="fremmed")
    client.force_login(leader)

    listing = client.get(reverse("kerne:laaste_konti"))
    response = client.post(reverse("kerne:laas_op"), {"attempt": attempt.pk}, follow=True)

    assert "fremmed" not in listing.content.decode().split("<main", 1)[1].split("</form>", 1)[0]
    assert "Kontoen er ikke længere låst" in response.content.decode()
    assert AccessAttempt.objects.filter(username="fremmed").exists()


def test_only_project_leaders_reach_the_locked_accounts(client, make_user):
    client.force_login(make_user(Rolle.KOORDINATOR))

    assert client.get(reverse("kerne:laaste_konti")).status_code == 403
    assert client.post(reverse("kerne:laas_op"), {"attempt": 1}).status_code == 403


@override_settings(AXES_COOLOFF_TIME=0.0001)
def test_the_lock_ends_by_itself_after_the_cool_off(client, make_user):
    import time

    make_user(Rolle.KOORDINATOR, username="kort")
    _fail_sign_in(client, "kort")
    time.sleep(0.5)

    response = client.post(reverse("login"), {"username": "kort", "password": TEST_PASSWORD})

    assert response.status_code == 302


def test_seed_demo_creates_the_demo_users_only_when_allowed_and_is_idempotent(db):
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    call_command("seed_demo")
    assert not user_model.objects.filter(username="projektleder").exists()

    call_command("seed_demo", "--allow-demo-users")
    call_command("seed_demo", "--allow-demo-users")

    expected = {
        "projektleder",
        "koordinator1",
        "koordinator2",
        "koordinator3",
        "koordinator4",
        "jobcenter",
        "familieafdeling",
        "leder.jobstart",
        "leder.familie",
        "borger1",
        "evaluator",
        "projektleder2",
    }
    # Apps' seeders may add users of their own (e.g. a professional named in a stafetlog).
    assert expected <= set(user_model.objects.values_list("username", flat=True))
    assert Projektrolle.objects.filter(bruger__username__in=expected).count() == len(expected)
    assert user_model.objects.get(username="koordinator1").check_password("demo")
    assert (
        Projektrolle.objects.get(bruger__username="projektleder2").projekt.kommune.navn
        == "Anden Kommune"
    )


def test_the_case_managers_start_page_lists_their_own_families(client, make_user, projekt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import family_of

    koordinator = make_user(Rolle.KOORDINATOR)
    other = make_user(Rolle.KOORDINATOR)
    mine = family_of(koordinator, projekt, betegnelse="Familien Min")
    family_of(other, projekt, betegnelse="Familien Anden")
    client.force_login(koordinator)

    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("rapporter:start_koordinator")).content.decode()
    for _index in range(5):
        family_of(koordinator, projekt)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("rapporter:start_koordinator"))

    assert "Familien Min" in page
    assert "Familien Anden" not in page
    assert reverse("kerne:familie_detalje", kwargs={"pk": mine.pk}) in page
    assert len(few) == len(more)
