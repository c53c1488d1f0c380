"""Factories for the secure messages' tests: a family with a citizen sign-in, files to attach."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kerne.models import Familie, Person, Rolle
from tests.factories import family_of, user_with_role
from tests.familieplan.factories import integrated

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@dataclass
class Setup:
    projekt: Any
    koordinator: Any
    borger: Any
    familie: Familie
    person: Person


def family_with_citizen(projekt, koordinator=None, *, username=None, **user_fields) -> Setup:
    """An active family of the case manager whose adult member signs in as a citizen."""
    integrated(projekt)
    koordinator = koordinator or user_with_role(Rolle.KOORDINATOR, projekt)
    familie = family_of(koordinator, projekt)
    fields = {"username": username} if username else {}
    borger = user_with_role(Rolle.BORGER, projekt, **fields, **user_fields)
    person = familie.medlemskaber.get(rolle="voksen").person
    person.bruger = borger
    person.save(update_fields=["bruger"])
    return Setup(projekt, koordinator, borger, familie, person)
