"""The audit log itself: append-only, complete enough to answer who, when, why and from where."""

import json
import subprocess
import sys

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from kerne import audit
from kerne.models import Adgangslog, Rolle
from tests.factories import family_of

pytestmark = pytest.mark.django_db


def _row() -> Adgangslog:
    return audit.log(user=None, handling=audit.Handling.READ, formaal=audit.Formaal.SUPPORT)


def test_the_application_has_no_update_or_delete_path():
    row = _row()

    row.formaal = audit.Formaal.RAPPORT
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()
    assert Adgangslog.objects.get(pk=row.pk).formaal == audit.Formaal.SUPPORT


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE kerne_adgangslog SET brugernavn = 'skjult' WHERE id = %s",
        "DELETE FROM kerne_adgangslog WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_of_audit_rows(statement):
    row = _row()

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [row.pk])
    # Queryset paths are refused the same way.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Adgangslog.objects.filter(pk=row.pk).update(brugernavn="skjult")
    assert Adgangslog.objects.filter(pk=row.pk, brugernavn="").exists()


def test_a_page_read_records_user_purpose_family_ip_and_request_id(client, make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    familie = family_of(koordinator, projekt)
    client.force_login(koordinator)

    response = client.get(
        reverse("kerne:familie_detalje", kwargs={"pk": familie.pk}),
        headers={"X-Request-ID": "trace-12345678"},
        REMOTE_ADDR="10.1.2.3",
    )

    assert response.status_code == 200
    row = Adgangslog.objects.get(handling=Adgangslog.Handling.READ, familie_id=familie.pk)
    assert row.bruger_id == koordinator.pk
    assert row.brugernavn == koordinator.username
    assert row.formaal == Adgangslog.Formaal.SAGSBEHANDLING
    assert row.projekt_id == projekt.pk
    assert row.ip == "10.1.2.3"
    assert row.request_id == "trace-12345678"


def test_no_cpr_number_in_clear_text_reaches_the_log(client, make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    familie = family_of(koordinator, projekt)
    person = familie.medlemskaber.first().person
    client.force_login(koordinator)
    client.get(reverse("kerne:familie_liste"), {"q": person.cpr})
    client.get(reverse("kerne:familie_detalje", kwargs={"pk": familie.pk}))
    client.post(reverse("kerne:person_cpr", kwargs={"pk": person.pk}), {"familie": familie.pk})

    dumped = json.dumps(list(Adgangslog.objects.values()), default=str)
    assert Adgangslog.objects.filter(handling=Adgangslog.Handling.CPR_REVEAL).exists()
    assert person.cpr not in dumped
    assert f"{person.cpr[:6]}-{person.cpr[6:]}" not in dumped


def test_retention_below_six_months_is_refused_at_start_up():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "AUDIT_RETENTION_MONTHS": "5"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "AUDIT_RETENTION_MONTHS must be at least 6" in result.stderr
