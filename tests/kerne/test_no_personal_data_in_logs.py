"""No CPR number, name or other personal data in application logs, error pages, URLs or
Celery task arguments (ASVS V7.1, V8.3): a working day on the demo data is captured and
scanned for every demo person's CPR number and name."""

import re

import pytest
from celery.signals import task_prerun
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kerne.models import Familie, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def task_calls():
    calls: list[str] = []

    def record(sender=None, args=None, kwargs=None, **_extra):
        calls.append(f"{sender.name} {args!r} {kwargs!r}")

    task_prerun.connect(record, weak=False)
    yield calls
    task_prerun.disconnect(record)


def _secrets() -> list[str]:
    secrets = []
    for person in Person.objects.all():
        secrets.append(f"{person.fornavn} {person.efternavn}")
        if person.cpr:
            secrets += [person.cpr, f"{person.cpr[:6]}-{person.cpr[6:]}"]
    return secrets


def test_a_working_day_leaves_no_personal_data_in_logs_urls_or_task_arguments(
    client, caplog, task_calls
):
    caplog.set_level("DEBUG")
    call_command("seed_demo", families=6, months=3, allow_demo_users=True, verbosity=0)
    koordinator = get_user_model().objects.get(username="koordinator1")
    own = Familie.objects.filter(koordinator=koordinator).order_by("pk")[:3]
    others = Familie.objects.exclude(projekt=own[0].projekt).first()
    client.force_login(koordinator)

    urls = [reverse("kerne:familie_liste")]
    for familie in own:
        urls += [
            reverse("kerne:familie_detalje", args=[familie.pk]),
            reverse("familieplan:plan", args=[familie.pk]),
            reverse("registrering:familie", args=[familie.pk]),
            reverse("investering:familie_oekonomi", args=[familie.pk]),
        ]
    visited = []
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        visited += [url] + [hop for hop, _status in response.redirect_chain]
    hidden = client.get(reverse("kerne:familie_detalje", args=[others.pk]))
    assert hidden.status_code == 404
    assert others.betegnelse not in hidden.content.decode()  # the error page names nothing
    assert others.medlemskaber.exists()
    # A month form refused with errors: logged as a 400 with its path (ids) only.
    month = timezone.localdate()
    adult = own[0].medlemskaber.filter(rolle="voksen").first()
    bad = client.post(
        reverse("registrering:familie_maaned", args=[own[0].pk, month.year, month.month]),
        {f"p{adult.person_id}-egenomsorg": "9"},
    )
    assert bad.status_code == 400
    visited.append(bad.request["PATH_INFO"])

    secrets = _secrets()
    assert secrets, "the demo has persons"
    logs = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    cpr_like = re.compile(r"\b\d{6}-?\d{4}\b")
    assert not cpr_like.search(logs), cpr_like.search(logs)
    for secret in secrets:
        assert secret not in logs
        assert not any(secret in url for url in visited)
        assert not any(secret in call for call in task_calls)
    assert not any(cpr_like.search(url) for url in visited)
