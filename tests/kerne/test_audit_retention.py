"""The audit log's own retention: rows older than AUDIT_RETENTION_MONTHS go, nothing else can."""

import datetime

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from kerne import audit, tasks
from kerne.models import Adgangslog

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def row_at(moment: datetime.datetime) -> Adgangslog:
    """An audit row written at `moment`, by travelling there (the row takes the clock's time)."""
    with time_machine.travel(moment, tick=False):
        return audit.log(user=None, handling=audit.Handling.READ, formaal=audit.Formaal.SUPPORT)


def months_ago(months: int) -> datetime.datetime:
    return timezone.now() - relativedelta(months=months)


def test_rows_older_than_six_months_and_a_day_are_deleted_and_younger_kept(settings):
    settings.AUDIT_RETENTION_MONTHS = 6
    old = row_at(months_ago(6) - DAY)
    older = row_at(months_ago(30))
    young = row_at(months_ago(6) + DAY)
    fresh = row_at(timezone.now())

    assert tasks.adgangslog_udloeb.delay().get() == 2

    remaining = set(Adgangslog.objects.values_list("pk", flat=True))
    assert {young.pk, fresh.pk} <= remaining
    assert not {old.pk, older.pk} & remaining
    receipt = Adgangslog.objects.filter(handling=audit.Handling.DELETE).get()
    assert receipt.detaljer == {"adgangslog_slettet": 2, "aeldre_end_maaneder": 6}
    # A second run finds nothing more and writes no receipt.
    assert tasks.adgangslog_udloeb.delay().get() == 0
    assert Adgangslog.objects.filter(handling=audit.Handling.DELETE).count() == 1


def test_a_longer_setting_keeps_more(settings):
    settings.AUDIT_RETENTION_MONTHS = 12
    seven = row_at(months_ago(7))
    thirteen = row_at(months_ago(13))

    assert tasks.adgangslog_udloeb.delay().get() == 1
    assert Adgangslog.objects.filter(pk=seven.pk).exists()
    assert not Adgangslog.objects.filter(pk=thirteen.pk).exists()


def test_the_purge_refuses_less_than_six_months():
    row_at(months_ago(5))
    with pytest.raises(ValueError, match="6 months"):
        audit.purge_expired(months=5)
    assert Adgangslog.objects.count() == 1


def test_many_rows_are_deleted_in_batches(monkeypatch):
    monkeypatch.setattr(audit, "PURGE_BATCH", 3)
    for _ in range(7):
        row_at(months_ago(8))
    keep = row_at(months_ago(1))

    assert audit.purge_expired(months=6) == 7
    assert list(
        Adgangslog.objects.exclude(handling=audit.Handling.DELETE).values_list("pk", flat=True)
    ) == [keep.pk]


# --- The trigger's narrow path (PostgreSQL) -----------------------------------------------------


def in_window(months: str | None, sql: str, pk: int) -> None:
    """Run one statement on the audit table, after opening the window when `months` is given."""
    with connection.cursor() as cursor:
        if months is not None:
            cursor.execute(
                "SELECT set_config('kerne.adgangslog_opbevaring_maaneder', %s, true)", [months]
            )
        cursor.execute(sql, [pk])


UPDATE = "UPDATE kerne_adgangslog SET brugernavn = 'skjult' WHERE id = %s"
DELETE = "DELETE FROM kerne_adgangslog WHERE id = %s"


@pytest.mark.postgres
def test_update_stays_refused_inside_the_retention_window():
    old = row_at(months_ago(12))
    with pytest.raises(DatabaseError, match="append-only: UPDATE"), transaction.atomic():
        in_window("6", UPDATE, old.pk)
    assert Adgangslog.objects.get(pk=old.pk).brugernavn == ""


@pytest.mark.postgres
def test_deleting_a_young_row_stays_refused_inside_the_retention_window():
    young = row_at(months_ago(6) + DAY)
    with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
        in_window("6", DELETE, young.pk)
    assert Adgangslog.objects.filter(pk=young.pk).exists()


@pytest.mark.postgres
def test_deleting_an_old_row_without_the_window_is_refused():
    old = row_at(months_ago(12))
    with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
        in_window(None, DELETE, old.pk)
    assert Adgangslog.objects.filter(pk=old.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("months", ["5", "0", "-1", ""])
def test_a_window_shorter_than_six_months_opens_nothing(months):
    row = row_at(months_ago(5) - DAY)
    with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
        in_window(months, DELETE, row.pk)
    assert Adgangslog.objects.filter(pk=row.pk).exists()


@pytest.mark.postgres
def test_the_window_closes_when_the_purge_is_done():
    audit.purge_expired(months=6)
    old = row_at(months_ago(12))
    with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
        in_window(None, DELETE, old.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_window_ends_with_its_transaction():
    old = row_at(months_ago(12))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('kerne.adgangslog_opbevaring_maaneder', '6', true)")
    with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
        in_window(None, DELETE, old.pk)
    assert Adgangslog.objects.filter(pk=old.pk).exists()
