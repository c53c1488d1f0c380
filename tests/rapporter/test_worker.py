"""Two triggers at once give one build, with a real Celery worker on Redis."""

import threading
import time

import pytest
from django.db import connection

from kerne.models import Adgangslog
from rapporter import services, tasks
from rapporter.models import Maanedsrapport, Tilstand
from tests.conftest import wait_for
from tests.factories import ProjektFactory
from tests.rapporter.factories import JUN

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_two_triggers_at_once_give_one_built_report(celery_worker):
    """The beat's order reaches the worker twice (a redelivery) while the project leader
    orders the same month from the web at the same moment."""
    projekt = ProjektFactory(registreringsfrist_dag=10)

    def web_order():
        try:
            services.rapport_bestil(
                projekt=projekt, maaned=JUN, udloeser=Maanedsrapport.Udloeser.BESTILT
            )
        finally:
            connection.close()

    web = threading.Thread(target=web_order)
    tasks.maanedsrapport_bestil.delay(projekt.pk, "2025-06")
    web.start()
    tasks.maanedsrapport_bestil.delay(projekt.pk, "2025-06")
    web.join()

    wait_for(
        lambda: (
            set(Maanedsrapport.objects.filter(projekt=projekt).values_list("tilstand", flat=True))
            == {Tilstand.FAERDIG}
        ),
        "the worker to build the report",
    )
    reports = list(Maanedsrapport.objects.filter(projekt=projekt, maaned=JUN))
    assert len(reports) == 1
    assert reports[0].tilstand == Tilstand.FAERDIG, reports[0].fejl
    # A duplicate build task after the fact claims nothing.
    tasks.maanedsrapport_byg.delay(reports[0].pk)
    time.sleep(2)
    builds = Adgangslog.objects.filter(
        objekt_type="rapporter.maanedsrapport", objekt_id=str(reports[0].pk), handling="change"
    )
    assert builds.count() == 1
