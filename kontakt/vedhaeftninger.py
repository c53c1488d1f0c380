"""Attachment checks: PDF and images only, known by their content (not their name), size-capped."""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILES = 5
PDF = "application/pdf"
# Pillow format name → MIME type: the image kinds phones and scanners send that browsers show.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
ALLOWED = frozenset({PDF, *IMAGE_TYPES.values()})


@dataclass(frozen=True)
class Fil:
    """A checked attachment, ready to store."""

    filnavn: str
    mimetype: str
    indhold: bytes


def max_bytes() -> int:
    return settings.KONTAKT_VEDHAEFTNING_MAX_MB * 1024 * 1024


def clean_name(name: str) -> str:
    """The file's own name without folders or control characters, at most 200 characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base or "fil")[-200:]


def sniff(content: bytes) -> str | None:
    """The MIME type the content really has, among the allowed ones; None for anything else."""
    if content.startswith(b"%PDF-"):
        # A real PDF ends with an end-of-file marker (possibly followed by whitespace).
        return PDF if b"%%EOF" in content[-2048:] else None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            image.verify()  # structure and checksums, without decoding the whole picture
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_TYPES.get(kind or "")


def check(files: list) -> list[Fil]:
    """Check uploaded files (Django UploadedFile or anything with name, size, read()).

    Refusals name the file and the rule; nothing is stored when any file is refused.
    """
    if len(files) > MAX_FILES:
        raise ValidationError(
            {
                "vedhaeftninger": [
                    _("Du kan højst vedhæfte %(antal)d filer til én besked.") % {"antal": MAX_FILES}
                ]
            }
        )
    checked: list[Fil] = []
    errors: list[str] = []
    limit = max_bytes()
    for upload in files:
        name = clean_name(getattr(upload, "name", ""))
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            errors.append(
                _("Filen “%(navn)s” er for stor. Den må højst fylde %(mb)d MB.")
                % {"navn": name, "mb": settings.KONTAKT_VEDHAEFTNING_MAX_MB}
            )
            continue
        content = upload.read(limit + 1)
        if len(content) > limit:
            errors.append(
                _("Filen “%(navn)s” er for stor. Den må højst fylde %(mb)d MB.")
                % {"navn": name, "mb": settings.KONTAKT_VEDHAEFTNING_MAX_MB}
            )
            continue
        if not content:
            errors.append(_("Filen “%(navn)s” er tom.") % {"navn": name})
            continue
        mimetype = sniff(content)
        if mimetype is None:
            errors.append(
                _(
                    "Filen “%(navn)s” kan ikke sendes. Du kan kun vedhæfte PDF-filer og billeder "
                    "(PNG eller JPEG)."
                )
                % {"navn": name}
            )
            continue
        checked.append(Fil(filnavn=name, mimetype=mimetype, indhold=content))
    if errors:
        raise ValidationError({"vedhaeftninger": errors})
    return checked
