"""CPR numbers at rest: authenticated encryption (Fernet) and a keyed hash for finding them.

The database holds a Fernet token (AES-128-CBC with HMAC-SHA256, a fresh IV each time) and
HMAC-SHA256 of the ten digits under a separate key. The token is what can be read back; the
hash is deterministic, so equality lookups and the per-municipality uniqueness constraint work
without the digits ever being stored. Keys come from the environment (`CPR_KEYS`, newest
first; `CPR_HASH_KEY`, with `CPR_HASH_KEY_PREVIOUS` only while `rotate_cpr_keys` runs). With
DEBUG and a key unset, that key derives from SECRET_KEY (demo data only); without DEBUG a
missing or malformed key is ImproperlyConfigured at the first use. No database access here.
"""

import hashlib
import hmac
import re
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.crypto import salted_hmac

# HMAC-SHA256 is as strong as its key: 32 characters of a random string is 128 bits or more.
MIN_HASH_KEY_LENGTH = 32
_DIGITS = re.compile(r"([0-9]{6})-?([0-9]{4})")
_SETTINGS = {"CPR_KEYS", "CPR_HASH_KEY", "CPR_HASH_KEY_PREVIOUS", "SECRET_KEY", "DEBUG"}


class CprKeyError(ImproperlyConfigured):
    """The configured keys cannot serve a stored CPR number (a key removed too early)."""


@dataclass(frozen=True)
class Keyring:
    fernet: MultiFernet  # encrypts with the first key, decrypts with any
    newest: Fernet
    hash_key: bytes
    previous_hash_key: bytes | None


def _derived(purpose: str) -> bytes:
    # Only reached with DEBUG: demo data on a developer's machine, never real citizens.
    return salted_hmac(f"kerne.cpr_crypto.{purpose}", "", algorithm="sha256").digest()


@cache
def keyring() -> Keyring:
    keys = [key.strip() for key in settings.CPR_KEYS if key.strip()]
    hash_key = settings.CPR_HASH_KEY.encode()
    given = (("CPR_KEYS", keys), ("CPR_HASH_KEY", hash_key))
    missing = [name for name, value in given if not value]
    if missing and not settings.DEBUG:
        raise ImproperlyConfigured(
            f"{' and '.join(missing)} not set: CPR numbers are stored encrypted with keys from "
            "the environment (docs/operations.md, 'CPR keys')."
        )
    if not keys:
        keys = [urlsafe_b64encode(_derived("encryption")).decode()]
    if not hash_key:
        hash_key = _derived("hash")
    try:
        fernets = [Fernet(key) for key in keys]
    except (ValueError, TypeError):
        # Never echo the value: it is a secret.
        raise ImproperlyConfigured(
            "CPR_KEYS must be Fernet keys (32 bytes, URL-safe base64), comma-separated, newest "
            "first: generate one with `python manage.py rotate_cpr_keys --new-key`."
        ) from None
    previous = settings.CPR_HASH_KEY_PREVIOUS.encode() or None
    for name, value in (("CPR_HASH_KEY", hash_key), ("CPR_HASH_KEY_PREVIOUS", previous)):
        if value is not None and len(value) < MIN_HASH_KEY_LENGTH:
            raise ImproperlyConfigured(f"{name} must be at least {MIN_HASH_KEY_LENGTH} characters.")
    return Keyring(
        fernet=MultiFernet(fernets),
        newest=fernets[0],
        hash_key=hash_key,
        previous_hash_key=previous,
    )


def _forget_keys(*, setting: str, **_kwargs) -> None:
    if setting in _SETTINGS:
        keyring.cache_clear()


setting_changed.connect(_forget_keys, dispatch_uid="kerne-cpr-crypto-keys")


def canonical(number: str) -> str | None:
    """The ten digits of DDMMYYSSSS or DDMMYY-SSSS, else None (lookups find nothing for it)."""
    match = _DIGITS.fullmatch(number.strip()) if number else None
    return match.group(1) + match.group(2) if match else None


def encrypt(digits: str) -> str:
    return keyring().fernet.encrypt(digits.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return keyring().fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        raise CprKeyError(
            "A stored CPR number opens with none of the keys in CPR_KEYS: a key was removed "
            "before `rotate_cpr_keys` had re-encrypted every row (docs/operations.md)."
        ) from None


def digest(digits: str, *, key: bytes | None = None) -> str:
    """The keyed hash stored beside the token (hex), under the current hash key by default."""
    return hmac.digest(key or keyring().hash_key, digits.encode(), hashlib.sha256).hex()


def lookup_digests(digits: str) -> list[str]:
    """The hashes a stored number may have: the current key's, and the previous key's while a
    rotation of the hash key is under way."""
    ring = keyring()
    found = [digest(digits, key=ring.hash_key)]
    if ring.previous_hash_key:
        found.append(digest(digits, key=ring.previous_hash_key))
    return found


def rotate(token: str) -> tuple[str, str]:
    """(token under the newest key, the digits); the same token when it already is."""
    ring = keyring()
    try:
        return token, ring.newest.decrypt(token.encode()).decode()
    except InvalidToken:
        pass
    digits = decrypt(token)  # an older key's token; CprKeyError when no key opens it
    return ring.fernet.rotate(token.encode()).decode(), digits


def new_key() -> str:
    return Fernet.generate_key().decode()
