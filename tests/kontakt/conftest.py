"""Fixtures of the secure messages' tests: private files in a temporary folder, SMS in memory."""

import pytest
from django.core.files.storage import FileSystemStorage

from kerne import notifikationer
from kontakt.models import Vedhaeftning


@pytest.fixture(autouse=True)
def private_dir(tmp_path, monkeypatch):
    field = Vedhaeftning._meta.get_field("fil")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path / "private"))
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "kerne.notifikationer.LocmemSmsBackend"
    notifikationer.outbox.clear()
    yield
    notifikationer.outbox.clear()
