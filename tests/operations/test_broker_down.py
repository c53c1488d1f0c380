"""Redis down (issue 10, §7): pages still work, ordering a PDF says it could not be queued (no
500), and the order is queued again when Redis returns.

A private redis-server on its own port plays the broker, so stopping it disturbs nothing
else; the Celery app publishes to it for the length of the test.
"""

import base64
import json
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.urls import reverse

from config.celery import app
from kerne import services, tasks
from kerne.models import Dokument, Rolle
from tests.factories import family_of, user_with_role

pytestmark = [pytest.mark.celery, pytest.mark.django_db]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _attempt in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def queued(self, queue: str) -> list[dict]:
        client = redis.Redis.from_url(self.url)
        return [json.loads(raw) for raw in client.lrange(queue, 0, -1)]


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the broker fault test")
    private = PrivateRedis()
    private.start()
    before = (app.conf.broker_url, app.conf.task_always_eager)
    _use_broker(private.url)
    app.conf.task_always_eager = False
    yield private
    private.stop()
    app.conf.task_always_eager = before[1]
    _use_broker(before[0])


def test_an_order_while_redis_is_down_says_so_and_is_queued_when_redis_returns(
    client, broker, projekt, django_capture_on_commit_callbacks
):
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    familie = family_of(koordinator, projekt)
    client.force_login(koordinator)
    broker.stop()

    # Pages that need no background work still answer.
    assert client.get(reverse("kerne:familie_detalje", args=[familie.pk])).status_code == 200
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        dokument = services.dokument_bestil(
            acting_user=koordinator,
            kind="test-familie",
            key="redis-nede",
            projekt=projekt,
            familie=familie,
            titel="Familieplan",
        )
    assert time.monotonic() - began < 15  # gives up within seconds, not minutes
    dokument.refresh_from_db()
    assert dokument.tilstand == Dokument.Tilstand.VENTENDE
    assert "kunne ikke sættes i kø" in dokument.fejl
    status = client.get(reverse("kerne:dokument_status", args=[dokument.pk]))
    assert status.status_code == 200
    assert 'data-testid="dokument-ikke-i-koe"' in status.content.decode()

    broker.start()
    assert tasks.dokumenter_genkoe() == 1
    dokument.refresh_from_db()
    assert dokument.fejl == ""
    queued = broker.queued(app.conf.task_default_queue)
    assert [message["headers"]["task"] for message in queued] == ["kerne.tasks.dokument_byg"]
    assert json.loads(base64.b64decode(queued[0]["body"]))[0] == [dokument.pk]
