"""Attachments: PDF and images only, known by content; size-capped; clear refusals; private."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from kontakt import services, vedhaeftninger
from kontakt.models import Besked, Vedhaeftning
from tests.kontakt.factories import PDF_BYTES, family_with_citizen, jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(projekt):
    return family_with_citizen(projekt)


def _send(s, *files):
    return services.besked_send(
        acting_user=s.borger, familie=s.familie, tekst="Se vedhæftet", filer=list(files)
    )


def test_pdf_png_and_jpeg_are_stored_privately_with_their_real_type(s, private_dir):
    besked = _send(
        s,
        upload("brev.pdf", PDF_BYTES),
        upload("foto.png", png_bytes()),
        upload("scan.jpg", jpeg_bytes()),
    )
    stored = list(besked.vedhaeftninger.order_by("pk"))
    assert [(v.filnavn, v.mimetype) for v in stored] == [
        ("brev.pdf", "application/pdf"),
        ("foto.png", "image/png"),
        ("scan.jpg", "image/jpeg"),
    ]
    for v in stored:
        path = v.fil.path
        assert path.startswith(str(private_dir))
        assert "brev" not in path
        assert "foto" not in path
        assert not path.startswith(str(settings.STATIC_ROOT))
    assert stored[0].fil.open("rb").read() == PDF_BYTES


def test_the_production_storage_is_under_private_media_root():
    # The autouse fixture swaps the storage for a temporary folder; the model's own callable
    # is what production uses.
    from kontakt.models import _private_storage

    location = str(_private_storage().location)
    assert location == str(settings.PRIVATE_MEDIA_ROOT)
    assert not location.startswith(str(settings.STATIC_ROOT))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100),  # a Windows program
        ("side.png", b"<html><script>alert(1)</script></html>"),
        ("halv.png", png_bytes()[:30]),  # a broken picture
        ("uden-slut.pdf", b"%PDF-1.4\n" + b"0" * 200),  # no end-of-file marker
        ("tekst.jpg", "Bare tekst æøå".encode()),
    ],
)
def test_other_content_is_refused_with_the_file_named_and_nothing_stored(s, name, content):
    with pytest.raises(ValidationError) as error:
        _send(s, upload("ok.pdf", PDF_BYTES), upload(name, content, "application/pdf"))
    messages = error.value.message_dict["vedhaeftninger"]
    assert messages == [
        f"Filen “{name}” kan ikke sendes. Du kan kun vedhæfte PDF-filer og billeder (PNG eller "
        "JPEG)."
    ]
    assert Besked.objects.count() == 0
    assert Vedhaeftning.objects.count() == 0


def test_too_large_files_are_refused_with_the_limit(s, settings):
    settings.KONTAKT_VEDHAEFTNING_MAX_MB = 1
    big = PDF_BYTES[:-7] + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(ValidationError) as error:
        _send(s, upload("stor.pdf", big))
    assert error.value.message_dict["vedhaeftninger"] == [
        "Filen “stor.pdf” er for stor. Den må højst fylde 1 MB."
    ]
    assert Besked.objects.count() == 0


def test_more_than_five_files_are_refused(s):
    with pytest.raises(ValidationError) as error:
        _send(s, *[upload(f"{n}.png", png_bytes()) for n in range(6)])
    assert "højst vedhæfte 5" in error.value.message_dict["vedhaeftninger"][0]


def test_names_lose_folders_and_control_characters():
    assert vedhaeftninger.clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert vedhaeftninger.clean_name("C:\\Users\\bente\\brev.pdf") == "brev.pdf"
    assert vedhaeftninger.clean_name("a\x00b\n.pdf") == "ab.pdf"
    assert vedhaeftninger.clean_name("") == "fil"


def test_a_decompression_bomb_is_refused():
    # A PNG whose header claims a huge picture: refused without decoding it.
    assert vedhaeftninger.sniff(png_bytes((20000, 20000))) is None
