"""System check: production needs the evaluator export's pseudonym key from the environment."""

from django.conf import settings
from django.core import checks


def pseudonym_key_check(app_configs, **kwargs) -> list:
    if getattr(settings, "EVALUATOR_PSEUDONYM_KEY", ""):
        return []
    return [
        checks.Error(
            "EVALUATOR_PSEUDONYM_KEY is not set.",
            hint="Set the municipality's pseudonym key in the environment; the evaluator "
            "export refuses to run without it (docs/rapporter.md: key rotation).",
            id="rapporter.E001",
        )
    ]


def register() -> None:
    checks.register(pseudonym_key_check, checks.Tags.security, deploy=True)
