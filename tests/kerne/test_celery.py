"""Celery: configuration that protects tasks, and a real round trip through Redis."""

import os

import pytest
from celery.result import AsyncResult, EagerResult

from config.celery import app
from kerne.tasks import ping


def test_tasks_survive_a_killed_worker_and_fetch_one_at_a_time():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_soft_time_limit < conf.task_time_limit
    # Redis must not hand a running task to a second worker before the hard limit ends it.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.worker_max_memory_per_child > 0


def test_without_redis_tasks_run_in_process(settings):
    # The embedded default (no REDIS_URL) runs tasks eagerly; so do tests not marked `celery`.
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)
    result = ping.delay(1)
    assert isinstance(result, EagerResult)
    assert result.get() == 2


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_redis_to_a_real_worker(celery_worker):
    result = ping.delay(41)
    assert isinstance(result, AsyncResult)
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == 42
    assert celery_worker["pid"] != os.getpid()
