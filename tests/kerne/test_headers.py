"""Security headers (ASVS V14.4, V8.2.1): a strict Content-Security-Policy, no sniffing, no
framing, a same-origin referrer, and `no-store` on everything a signed-in user is shown."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from kerne.models import Rolle
from tests.factories import family_of, user_with_role

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


def test_the_content_security_policy_allows_only_our_own_files(client):
    csp = _directives(client.get(reverse("login")))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


def test_pages_forbid_sniffing_framing_and_cross_site_referrers(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_signed_in_page_is_never_stored(client, projekt):
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    familie = family_of(koordinator, projekt)
    client.force_login(koordinator)
    pages = (reverse("kerne:familie_liste"), reverse("kerne:familie_detalje", args=[familie.pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_an_api_answer_to_a_token_is_never_stored(client, projekt):
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    token = Token.objects.create(user=koordinator)
    response = client.get("/api/v1/families/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
