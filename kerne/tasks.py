"""Celery tasks of the shared kernel."""

from celery import shared_task


@shared_task
def ping(value: int) -> int:
    """Round-trip probe for tests and operations: returns its argument plus one."""
    return value + 1
