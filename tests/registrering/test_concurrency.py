"""Two people saving the same month: one wins, the other is told, nothing is half-written
(issue 10, §7). The form carries the month's version; a save on a stale form is refused."""

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from registrering import selectors, services
from registrering.models import Vaerdi
from tests.registrering.factories import (
    THIS_MONTH,
    TODAY,
    adult,
    restore_national_indicators,
)
from tests.registrering.helpers import full_month


def _version(user, familie) -> str:
    return selectors.family_month(user, familie.pk, THIS_MONTH, today=TODAY, log_read=False).version


def _save(user, familie, level: str, version: str | None):
    return services.maaned_registrer(
        acting_user=user,
        familie=familie,
        maaned=THIS_MONTH,
        indtastning=full_month(familie, THIS_MONTH, level=level),
        today=TODAY,
        version=version,
    )


def _self_care(familie) -> Decimal:
    return Vaerdi.objects.get(
        registrering__person=adult(familie),
        registrering__maaned=THIS_MONTH,
        indikator__kode="egenomsorg",
    ).tal


@pytest.mark.django_db
def test_a_save_on_a_stale_form_is_refused_and_writes_nothing(koordinator, familie):
    drawn = _version(koordinator, familie)
    _save(koordinator, familie, "1", drawn)

    with pytest.raises(services.MonthChangedError, match="gemt af en anden"):
        _save(koordinator, familie, "3", drawn)
    assert _self_care(familie) == Decimal(1)
    # With the new version the second person's correction goes through.
    _save(koordinator, familie, "3", _version(koordinator, familie))
    assert _self_care(familie) == Decimal(3)


@pytest.mark.django_db
def test_the_form_sends_its_version_and_a_stale_post_is_answered_409(client, koordinator, familie):
    client.force_login(koordinator)
    url = reverse(
        "registrering:familie_maaned", args=[familie.pk, THIS_MONTH.year, THIS_MONTH.month]
    )
    page = client.get(url).content.decode()
    version = re.search(r'name="version" value="([0-9a-f]{16})"', page).group(1)
    fields = {
        f"p{person_id}-{code}": value
        for person_id, entry in full_month(familie, THIS_MONTH, level="1").items()
        for code, value in entry.items()
    }
    assert set(fields) <= set(re.findall(r'name="(p\d+-[a-z_]+)"', page))

    first = client.post(url, {**fields, "version": version})
    assert first.status_code == 302
    correction = {**fields, "version": version, f"p{adult(familie).pk}-egenomsorg": "3"}
    stale = client.post(url, correction)
    assert stale.status_code == 409
    assert "gemt af en anden" in stale.content.decode()
    assert _self_care(familie) == Decimal(1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins_and_the_other_is_told(koordinator, familie):
    restore_national_indicators()  # an earlier transactional test's flush may have taken them
    drawn = _version(koordinator, familie)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(level: str) -> None:
        start.wait()
        try:
            _save(koordinator, familie, level, drawn)
            outcomes[level] = "saved"
        except services.MonthChangedError:
            outcomes[level] = "told"
        except Exception as error:  # shown by the assertion below
            outcomes[level] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(level,)) for level in ("1", "3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["saved", "told"]
    winner = next(level for level, outcome in outcomes.items() if outcome == "saved")
    # Every value of the month is the winner's: nothing of the loser was written.
    levels = set(
        Vaerdi.objects.filter(
            registrering__familie=familie,
            registrering__maaned=THIS_MONTH,
            indikator__kode__in=["egenomsorg", "trivsel", "sundhed"],
        ).values_list("tal", flat=True)
    )
    assert levels == {Decimal(winner)}
