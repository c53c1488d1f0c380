"""`manage.py check --deploy` is clean with production settings (ASVS V14.1, issue 10 §4).

Runs in a subprocess with an environment built from scratch, so nothing of the caller's (a
developer's DEBUG=true, a test database) leaks in. No database is touched.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(REPO)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "helhedsindsats.example.dk",
        "CSRF_TRUSTED_ORIGINS": "https://helhedsindsats.example.dk",
        "EVALUATOR_PSEUDONYM_KEY": secrets.token_urlsafe(40),
        "CPR_KEYS": Fernet.generate_key().decode(),
        "CPR_HASH_KEY": secrets.token_urlsafe(40),
    }
    env.update(overrides)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _check_deploy(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_check_deploy_reports_a_missing_https_setting() -> None:
    """The control: the same run without HTTPS must warn, or the test above proves nothing."""
    result = _check_deploy(_production_env(HTTPS="false"))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output, f"{check} missing from:\n{output}"


def test_check_deploy_refuses_debug() -> None:
    result = _check_deploy(_production_env(DEBUG="true"))
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr
