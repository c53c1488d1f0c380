"""Sign-in through OpenID Connect: staff at the municipality's IdP, citizens through a MitID broker.

Both clients are mozilla-django-oidc's authorization code flow (with PKCE and a nonce), each
reading its own settings (`settings.OIDC_STAFF`, `settings.OIDC_MITID`) and answering only at
its own callback. On top of the library this module:

- checks the ID token's issuer and audience (the library verifies the signature only);
- refuses an assurance level (NSIS) below "Betydelig", with a Danish message and an audit row;
- identifies staff by (issuer, subject), never by e-mail, and keeps their project roles in step
  with the provider's role claim at every sign-in;
- identifies a citizen by the broker's CPR claim and gives them their person's portal user,
  never a staff role.

A refusal is recorded on the request (`auth_refusal`) and returned as "no user", so Django's
`user_login_failed` signal fires once and kerne.auth_events writes the one audit row for it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from kerne import cpr as cpr_module
from kerne.models import Person, Rolle

logger = logging.getLogger(__name__)

STAFF = "medarbejder"
MITID = "mitid"
CLIENT_SETTINGS = {STAFF: "OIDC_STAFF", MITID: "OIDC_MITID"}
CALLBACK_URL_NAMES = {STAFF: "oidc_callback", MITID: "mitid_callback"}
# mozilla-django-oidc's setting names → the keys of one client's settings dictionary.
_LIBRARY_NAMES = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "OP_JWKS_ENDPOINT",
    "OIDC_RP_CLIENT_ID": "RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "RP_CLIENT_SECRET",
    "OIDC_RP_SIGN_ALGO": "RP_SIGN_ALGO",
    "OIDC_RP_SCOPES": "RP_SCOPES",
    "OIDC_TIMEOUT": "TIMEOUT",
}
_DISCOVERED = {
    "OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OP_TOKEN_ENDPOINT": "token_endpoint",
    "OP_USER_ENDPOINT": "userinfo_endpoint",
    "OP_JWKS_ENDPOINT": "jwks_uri",
}
# Fixed for both clients: no unsigned tokens, PKCE and nonce always, no tokens in the session.
_FIXED = {
    "OIDC_USE_PKCE": True,
    "OIDC_USE_NONCE": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_RP_IDP_SIGN_KEY": None,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_CREATE_USER": True,
    "OIDC_VERIFY_SSL": True,
}
# Staff roles an IdP may give. A citizen's role comes only from MitID and their own family.
STAFF_ROLES = frozenset(Rolle.values) - {Rolle.BORGER}


class SignInRefusedError(Exception):
    """The provider answered, but we do not let this person in; `reason` goes to the audit."""

    def __init__(self, reason: str, message: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.details = details


def client_settings(client: str) -> dict:
    return getattr(settings, CLIENT_SETTINGS[client])


def enabled(client: str) -> bool:
    return bool(client_settings(client)["ENABLED"])


@functools.lru_cache(maxsize=8)
def _discovery(issuer: str, timeout: int) -> dict:
    """The provider's published configuration, read once per process."""
    response = requests.get(
        f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=timeout
    )
    response.raise_for_status()
    return response.json()


def client_value(client: str, key: str) -> Any:
    """One setting of a client; an endpoint left empty comes from the issuer's discovery."""
    conf = client_settings(client)
    value = conf.get(key)
    if value in ("", None) and key in _DISCOVERED and conf["OP_ISSUER"]:
        value = _discovery(conf["OP_ISSUER"], conf["TIMEOUT"]).get(_DISCOVERED[key])
    return value


def _library_setting(client: str, attr: str, *default: Any) -> Any:
    if attr in _FIXED:
        return _FIXED[attr]
    if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
        return CALLBACK_URL_NAMES[client]
    if attr == "LOGIN_REDIRECT_URL_FAILURE":
        return reverse("login")
    if attr in _LIBRARY_NAMES:
        value = client_value(client, _LIBRARY_NAMES[attr])
        if value in ("", None):
            prefix = CLIENT_SETTINGS[client].removeprefix("OIDC_")
            variable = {"STAFF": "OIDC", "MITID": "MITID"}[prefix]
            raise ImproperlyConfigured(f"{variable}_{_LIBRARY_NAMES[attr]} is not set.")
        return value
    return import_from_settings(attr, *default)


def parse_roles(values: Any, prefix: str) -> set[tuple[str, str]]:
    """(projektkode, rolle) pairs from a role claim of "<prefix>:<projektkode>:<rolle>" values.

    Anything else (other systems' roles, unknown roles, a citizen role) is ignored: the claim
    is shared by every application at the IdP.
    """
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return set()
    pairs = set()
    for value in values:
        if not isinstance(value, str):
            continue
        parts = value.split(":")
        if len(parts) == 3 and parts[0] == prefix and parts[1] and parts[2] in STAFF_ROLES:
            pairs.add((parts[1], parts[2]))
    return pairs


def persons_with_cpr(cpr: str) -> QuerySet[Person]:
    """THE lookup of a person by CPR number for sign-in: the keyed hash, never the digits."""
    return Person.objects.with_cpr(cpr)


class _ClientBackend(OIDCAuthenticationBackend):
    client = ""

    def get_settings(self, attr: str, *default: Any) -> Any:  # type: ignore[override]
        return _library_setting(self.client, attr, *default)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback of this client signs in with it; everything else is another
        # backend's business (a password, the other client).
        if request is None or getattr(request, "oidc_client", None) != self.client:
            return None
        request.auth_step = self.client
        try:
            return super().authenticate(request, **kwargs)
        except SignInRefusedError as refusal:
            self._refuse(request, refusal)
            return None
        except (
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWTError,
            ValueError,
            KeyError,
            TypeError,
        ) as exc:
            logger.warning("OIDC sign-in (%s) failed: %s", self.client, type(exc).__name__)
            self._refuse(
                request,
                SignInRefusedError(
                    "ugyldigt_svar",
                    _("Log ind hos identitetsudbyderen mislykkedes. Prøv igen."),
                    fejl=type(exc).__name__,
                ),
            )
            return None

    def _refuse(self, request: HttpRequest, refusal: SignInRefusedError) -> None:
        request.auth_refusal = {"aarsag": refusal.reason, **refusal.details}
        messages.error(request, refusal.message)

    def get_payload_data(self, token: bytes, key: Any) -> dict:
        """The library checks the signature; the issuer and audience are checked here, so a
        token the provider issued to another application or another provider is refused."""
        payload = super().get_payload_data(token, key)
        issuer = client_settings(self.client)["OP_ISSUER"]
        if not issuer or payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token issuer mismatch")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience mismatch")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token without subject")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") not in (None, payload["sub"]):
            raise SuspiciousOperation("userinfo subject differs from the ID token")
        # The signed ID token wins over the userinfo answer where both carry a claim.
        claims = {**userinfo, **payload}
        self._require_assurance(claims)
        return self.sign_in(claims)

    def _require_assurance(self, claims: dict) -> None:
        conf = client_settings(self.client)
        level = claims.get(conf["LOA_CLAIM"])
        if level not in conf["LOA_ACCEPTED"]:
            raise SignInRefusedError(
                "sikringsniveau",
                _(
                    "Dit log ind er ikke sket på sikringsniveau Betydelig, som kræves for at se "
                    "personoplysninger. Log ind igen med en løsning på mindst niveau Betydelig "
                    "(fx MitID-appen)."
                ),
                sikringsniveau=str(level)[:200] if level is not None else None,
            )

    def sign_in(self, claims: dict) -> Any:
        raise NotImplementedError


class StaffOidcBackend(_ClientBackend):
    """Staff at the municipality's identity provider."""

    client = STAFF

    def sign_in(self, claims: dict) -> Any:
        from kerne import services

        conf = client_settings(STAFF)
        return services.oidc_medarbejder_log_ind(
            issuer=claims["iss"],
            subject=str(claims["sub"]),
            fornavn=str(claims.get("given_name", ""))[:150],
            efternavn=str(claims.get("family_name", ""))[:150],
            email=str(claims.get("email", ""))[:254],
            roller=parse_roles(claims.get(conf["ROLE_CLAIM"]), conf["ROLE_PREFIX"]),
        )


class MitIdBackend(_ClientBackend):
    """Family members through a MitID broker, identified by their CPR number."""

    client = MITID

    def sign_in(self, claims: dict) -> Any:
        from kerne import services

        try:
            cpr = cpr_module.normalise(str(claims.get(client_settings(MITID)["CPR_CLAIM"], "")))
        except ValidationError as error:
            raise SignInRefusedError(
                "cpr_mangler",
                _("MitID-svaret indeholdt ikke et gyldigt CPR-nummer. Kontakt din kommune."),
            ) from error
        persons = list(persons_with_cpr(cpr)[:2])
        if len(persons) != 1:
            raise SignInRefusedError(
                "ingen_person" if not persons else "flere_personer",
                _(
                    "Vi kan ikke finde dig som deltager i Helhedsindsats. Kontakt din "
                    "koordinerende sagsbehandler."
                ),
            )
        try:
            return services.mitid_borger_log_ind(person=persons[0])
        except services.IkkeBorgerError as error:
            raise SignInRefusedError(
                "ikke_borger",
                _("Denne konto kan ikke bruges til familieportalen. Kontakt din kommune."),
                person_id=persons[0].pk,
            ) from error


# --- Views: one start and one callback per client ---------------------------------------------


class _ClientViewMixin:
    client = ""

    def get_settings(self, attr: str, *default: Any) -> Any:
        return _library_setting(self.client, attr, *default)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled(self.client):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


STATE_CLIENT_KEY = "klient"


class SignInStartView(_ClientViewMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE challenge."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads its settings in __init__, before dispatch can answer 404 for a
        # client that is switched off; read them on the first request instead.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response = super().get(request)
        # Bind the new state to this client, so one client's state never completes the other's.
        states = request.session.get("oidc_states", {})
        for value in states.values():
            value.setdefault(STATE_CLIENT_KEY, self.client)
        request.session["oidc_states"] = states
        return response


class CallbackView(_ClientViewMixin, OIDCAuthenticationCallbackView):
    """The provider's answer: exchange the code, check the tokens, sign in or refuse."""

    @property
    def failure_url(self) -> str:
        return reverse("login")

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state")
        states = request.session.get("oidc_states", {})
        if state in states and states[state].get(STATE_CLIENT_KEY) != self.client:
            del states[state]
            request.session["oidc_states"] = states
            return HttpResponseRedirect(self.failure_url)
        request.oidc_client = self.client
        return super().get(request)


class StaffSignInStartView(SignInStartView):
    client = STAFF


class StaffCallbackView(CallbackView):
    client = STAFF


class MitIdSignInStartView(SignInStartView):
    client = MITID


class MitIdCallbackView(CallbackView):
    client = MITID
