"""System check: production needs the CPR keys from the environment, well-formed."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from kerne import cpr_crypto


def cpr_keys_check(app_configs, **kwargs) -> list:
    try:
        cpr_crypto.keyring()
    except ImproperlyConfigured as error:
        return [
            checks.Error(
                str(error),
                hint="CPR numbers are stored encrypted: set CPR_KEYS and CPR_HASH_KEY "
                "(docs/operations.md, 'CPR keys').",
                id="kerne.E010",
            )
        ]
    return []


def register() -> None:
    checks.register(cpr_keys_check, checks.Tags.security, deploy=True)
