"""Sign-in through OpenID Connect (ASVS V2.1x federation): staff at the municipality's IdP and
families through a MitID broker, against a real provider on loopback."""

from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from kerne.models import Adgangslog, OidcIdentitet, Person, Projektrolle, Rolle
from tests.factories import ProjektFactory, UserFactory, family_of, user_with_role
from tests.kerne.oidc_provider import Provider

pytestmark = pytest.mark.django_db
Handling = Adgangslog.Handling
SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
LOA = "https://data.gov.dk/concept/core/nsis/loa"


def _enable(settings, name: str, backend: str, provider: Provider) -> None:
    setattr(
        settings,
        name,
        {
            **getattr(settings, name),
            "ENABLED": True,
            "OP_ISSUER": provider.issuer,
            "RP_CLIENT_ID": provider.client_id,
            "RP_CLIENT_SECRET": provider.client_secret,
        },
    )
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, backend]


@pytest.fixture
def idp(settings):
    provider = Provider(client_id="helhed-medarbejder", client_secret="hemmelig-1")
    _enable(settings, "OIDC_STAFF", "kerne.oidc.StaffOidcBackend", provider)
    yield provider
    provider.stop()


@pytest.fixture
def broker(settings):
    provider = Provider(client_id="helhed-familie", client_secret="hemmelig-2")
    _enable(settings, "OIDC_MITID", "kerne.oidc.MitIdBackend", provider)
    yield provider
    provider.stop()


def _sign_in(client, start: str):
    """Start at our page, let the provider answer, and bring its answer to our callback."""
    redirect = client.get(reverse(start))
    assert redirect.status_code == 302
    authorize = requests.get(redirect["Location"], allow_redirects=False, timeout=10)
    assert authorize.status_code == 302, authorize.text
    callback = urlparse(authorize.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def _staff(provider: Provider, *, sub="medarb-1", loa=SUBSTANTIAL, roles=(), email="a@k.dk"):
    provider.id_claims = {"sub": sub, LOA: loa}
    provider.userinfo = {
        "given_name": "Anna",
        "family_name": "Andersen",
        "email": email,
        "roles": list(roles),
    }


def _signed_in_user(client):
    from django.contrib.auth import get_user_model

    pk = client.session.get(SESSION_KEY)
    return get_user_model().objects.get(pk=pk) if pk else None


# --- Staff ------------------------------------------------------------------------------------


def test_staff_sign_in_maps_the_role_claim_to_project_roles(client, idp):
    projekt = ProjektFactory(kraev_totp=True)
    _staff(
        idp,
        roles=[
            f"helhed:{projekt.kode}:koordinator",
            "helhed:ukendt-projekt:koordinator",
            f"helhed:{projekt.kode}:borger",
            "andet-system:admin",
        ],
    )
    response = _sign_in(client, "oidc_login")
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    user = _signed_in_user(client)
    assert user is not None
    assert not user.has_usable_password()
    assert set(Projektrolle.objects.filter(bruger=user).values_list("projekt_id", "rolle")) == {
        (projekt.pk, Rolle.KOORDINATOR)
    }
    identity = OidcIdentitet.objects.get(bruger=user)
    assert (identity.issuer, identity.subject) == (idp.issuer, "medarb-1")
    assert user.email == "a@k.dk"
    assert Adgangslog.objects.filter(
        handling=Handling.PERMISSION_CHANGE,
        projekt_id=projekt.pk,
        detaljer__rolle=Rolle.KOORDINATOR,
        detaljer__tildelt=True,
        detaljer__kilde="identitetsudbyder",
    ).exists()
    # The IdP's sign-in stands in for TOTP: the code step is only for local passwords.
    assert client.get(reverse("kerne:familie_liste")).status_code == 200
    assert "POST /token" in idp.requests
    assert "GET /userinfo" in idp.requests


def test_a_role_removed_at_the_idp_is_removed_here_at_the_next_sign_in(client, idp):
    projekt = ProjektFactory()
    _staff(
        idp,
        roles=[f"helhed:{projekt.kode}:koordinator", f"helhed:{projekt.kode}:projektleder"],
    )
    _sign_in(client, "oidc_login")
    user = _signed_in_user(client)
    assert Projektrolle.objects.filter(bruger=user).count() == 2

    client.post(reverse("logout"))
    _staff(idp, roles=[f"helhed:{projekt.kode}:koordinator"])
    _sign_in(client, "oidc_login")
    assert _signed_in_user(client) == user
    assert list(Projektrolle.objects.filter(bruger=user).values_list("rolle", flat=True)) == [
        Rolle.KOORDINATOR
    ]
    removed = Adgangslog.objects.get(handling=Handling.PERMISSION_CHANGE, detaljer__tildelt=False)
    assert removed.detaljer["rolle"] == Rolle.PROJEKTLEDER
    assert removed.projekt_id == projekt.pk


def test_staff_are_identified_by_issuer_and_subject_never_by_email(client, idp):
    local = UserFactory(email="sara@kommune.dk")
    _staff(idp, sub="sara-at-idp", email="sara@kommune.dk")
    _sign_in(client, "oidc_login")
    first = _signed_in_user(client)
    assert first != local

    client.post(reverse("logout"))
    _staff(idp, sub="sara-at-idp", email="sara.ny@kommune.dk")
    _sign_in(client, "oidc_login")
    assert _signed_in_user(client) == first
    assert OidcIdentitet.objects.count() == 1


@pytest.mark.parametrize("loa", ["https://data.gov.dk/concept/core/nsis/loa/Low", None])
def test_an_assurance_level_below_betydelig_is_refused_with_a_danish_message(client, idp, loa):
    projekt = ProjektFactory()
    _staff(idp, loa=loa, roles=[f"helhed:{projekt.kode}:koordinator"])
    response = _sign_in(client, "oidc_login")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert _signed_in_user(client) is None
    assert not OidcIdentitet.objects.exists()
    page = client.get(reverse("login")).content.decode()
    assert "sikringsniveau Betydelig" in page
    row = Adgangslog.objects.get(handling=Handling.SIGN_IN_FAILED)
    assert row.detaljer["trin"] == "medarbejder"
    assert row.detaljer["aarsag"] == "sikringsniveau"


def test_a_token_issued_to_another_application_is_refused(client, idp):
    _staff(idp)
    idp.audience = "en-anden-app"
    response = _sign_in(client, "oidc_login")
    assert response["Location"] == reverse("login")
    assert _signed_in_user(client) is None
    row = Adgangslog.objects.get(handling=Handling.SIGN_IN_FAILED)
    assert row.detaljer["aarsag"] == "ugyldigt_svar"


def test_a_callback_with_a_state_we_never_issued_signs_nobody_in(client, idp):
    _staff(idp)
    client.get(reverse("oidc_login"))
    response = client.get(reverse("oidc_callback"), {"code": "x", "state": "forged"})
    assert response.status_code in (302, 400)
    assert _signed_in_user(client) is None


def test_oidc_is_off_by_default(client):
    for name in ("oidc_login", "oidc_callback", "mitid_login", "mitid_callback"):
        assert client.get(reverse(name)).status_code == 404
    assert 'data-testid="oidc-login"' not in client.get(reverse("login")).content.decode()


# --- Families through MitID ---------------------------------------------------------------------


@pytest.fixture
def familie(projekt):
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    return family_of(koordinator, projekt)


def _citizen(provider: Provider, cpr: str, *, loa=SUBSTANTIAL) -> None:
    provider.id_claims = {"sub": "mitid-uuid-1", LOA: loa}
    provider.userinfo = {"dk.cpr": cpr}


def test_a_family_member_signs_in_with_mitid_to_their_portal(client, broker, familie):
    person = familie.medlemskaber.filter(rolle="voksen").first().person
    _citizen(broker, person.cpr)
    response = _sign_in(client, "mitid_login")
    assert response.status_code == 302
    user = _signed_in_user(client)
    person.refresh_from_db()
    assert person.bruger == user
    assert set(Projektrolle.objects.filter(bruger=user).values_list("projekt_id", "rolle")) == {
        (familie.projekt_id, Rolle.BORGER)
    }
    assert client.get(reverse("familieplan:portal")).status_code == 200
    assert client.get(reverse("kerne:familie_liste")).status_code == 403

    client.post(reverse("logout"))
    _sign_in(client, "mitid_login")
    assert _signed_in_user(client) == user


def test_mitid_below_betydelig_is_refused(client, broker, familie):
    person = familie.medlemskaber.first().person
    _citizen(broker, person.cpr, loa="https://data.gov.dk/concept/core/nsis/loa/Low")
    assert _sign_in(client, "mitid_login")["Location"] == reverse("login")
    assert _signed_in_user(client) is None
    person.refresh_from_db()
    assert person.bruger is None
    assert Adgangslog.objects.filter(
        handling=Handling.SIGN_IN_FAILED, detaljer__aarsag="sikringsniveau"
    ).exists()


def test_an_unknown_cpr_number_is_refused_and_nobody_is_created(client, broker, familie):
    from django.contrib.auth import get_user_model

    users_before = get_user_model().objects.count()
    _citizen(broker, "0101011234")
    _sign_in(client, "mitid_login")
    assert _signed_in_user(client) is None
    assert get_user_model().objects.count() == users_before
    assert "Vi kan ikke finde dig" in client.get(reverse("login")).content.decode()
    row = Adgangslog.objects.get(handling=Handling.SIGN_IN_FAILED)
    assert row.detaljer["aarsag"] == "ingen_person"
    assert "0101011234" not in str(row.detaljer)


def test_mitid_never_signs_in_a_staff_account(client, broker, familie, projekt):
    person = familie.medlemskaber.first().person
    staff = user_with_role(Rolle.KOORDINATOR, projekt)
    Person.objects.filter(pk=person.pk).update(bruger=staff)
    _citizen(broker, person.cpr)
    _sign_in(client, "mitid_login")
    assert _signed_in_user(client) is None
    assert Adgangslog.objects.filter(
        handling=Handling.SIGN_IN_FAILED, detaljer__aarsag="ikke_borger"
    ).exists()


def test_a_staff_state_does_not_complete_a_mitid_sign_in(client, idp, broker, familie):
    person = familie.medlemskaber.first().person
    _citizen(broker, person.cpr)
    _staff(idp)
    redirect = client.get(reverse("oidc_login"))
    authorize = requests.get(redirect["Location"], allow_redirects=False, timeout=10)
    query = urlparse(authorize.headers["Location"]).query
    response = client.get(f"{reverse('mitid_callback')}?{query}")
    assert response["Location"] == reverse("login")
    assert _signed_in_user(client) is None
