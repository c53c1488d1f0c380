"""Backup and restore (issue 10, §8): the documented scripts turn a live database into a dump
and the dump into a working database holding the same data, the audit log's protection
included."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kerne import audit
from kerne.models import Adgangslog, Familie, Person
from tests.factories import ProjektFactory, family_of, user_with_role

ROOT = Path(__file__).resolve().parents[2]
TABLES = (
    "kerne_familie",
    "kerne_person",
    "kerne_familiemedlemskab",
    "kerne_adgangslog",
    "auth_user",
    "guardian_userobjectpermission",
)

pytestmark = [pytest.mark.postgres]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{name}"


def _counts(url: str) -> dict[str, int]:
    # The table names are this module's constants.
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)  # noqa: S608
    out = subprocess.run(
        ["psql", url, "-At", "-F", "=", "-c", query],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {name: int(count) for name, count in (line.split("=") for line in out.splitlines())}


@pytest.fixture
def restored_database():
    name = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    subprocess.run(["createdb", "--maintenance-db", _url("postgres"), name], check=True)
    yield _url(name)
    subprocess.run(["dropdb", "--force", "--maintenance-db", _url("postgres"), name], check=True)


def test_a_backup_restores_into_a_fresh_database_with_the_same_data_and_a_working_app(
    transactional_db, restored_database, tmp_path
):
    projekt = ProjektFactory()
    koordinator = user_with_role("koordinator", projekt)
    familie = family_of(koordinator, projekt, betegnelse="Familien Backup")
    audit.log(
        user=koordinator,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=familie,
    )
    source = _url(connection.settings_dict["NAME"])
    env = {**os.environ, "DATABASE_URL": source}

    subprocess.run(
        ["bash", "scripts/backup.sh", str(tmp_path / "backup")], cwd=ROOT, env=env, check=True
    )
    assert (tmp_path / "backup" / "database.dump").stat().st_size > 0

    env["DATABASE_URL"] = restored_database
    env["PRIVATE_MEDIA_ROOT"] = str(tmp_path / "private")
    restore = subprocess.run(
        ["bash", "scripts/restore.sh", str(tmp_path / "backup")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restore.returncode == 0, restore.stderr[-2000:]
    assert "Restored database answers /healthz" in restore.stdout

    assert _counts(restored_database) == _counts(source)
    assert _counts(restored_database)["kerne_familie"] == Familie.objects.count() >= 1
    assert Person.objects.count() >= 1
    assert Adgangslog.objects.count() >= 1
    # The audit log stays append-only in the restored database: its trigger came along.
    refused = subprocess.run(
        ["psql", restored_database, "-c", "UPDATE kerne_adgangslog SET handling = 'x'"],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "append-only" in refused.stderr
