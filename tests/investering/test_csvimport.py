"""CSV import of cost lines: row-level errors, dry run, all-or-nothing commit, audit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investering import csvimport, services
from investering.models import Omkostningslinje
from kerne.models import Adgangslog

pytestmark = pytest.mark.django_db
HEADER = "cpr;familie;omkostningstype;antal;fra;til;enhedspris;begrundelse\n"


def csv_bytes(*rows: str) -> bytes:
    return ("\ufeff" + HEADER + "\n".join(rows) + "\n").encode("utf-8")


def cpr_of(setup) -> str:
    cpr = setup.familie.medlemskaber.get(rolle="voksen").person.cpr
    return f"{cpr[:6]}-{cpr[6:]}"


def test_the_reader_gives_each_row_its_own_errors():
    rows = csvimport.read(
        csv_bytes(
            "010180-1234;;Kontanthjælp;1;01-01-2025;31-12-2025;;",
            "12345;;Kontanthjælp;en;2025-13-01;;;",
            ";7;Mentor;10;2025-01-01;2024-01-01;1.234,50;",
        )
    )
    assert rows[0].errors == []
    assert rows[0].cpr == "0101801234"
    assert any(e.startswith("cpr:") for e in rows[1].errors)
    assert any(e.startswith("antal:") for e in rows[1].errors)
    assert any(e.startswith("fra:") for e in rows[1].errors)
    assert rows[2].enhedspris == 1234.50
    assert any(e.startswith("til:") for e in rows[2].errors)
    assert any(e.startswith("begrundelse:") for e in rows[2].errors)
    assert [row.linjenr for row in rows] == [2, 3, 4]


def test_a_file_without_the_needed_columns_is_refused_as_a_whole():
    with pytest.raises(csvimport.CsvFormatError, match="mangler kolonnerne"):
        csvimport.read(b"navn;belob\nx;1\n")
    with pytest.raises(csvimport.CsvFormatError, match="tom"):
        csvimport.read(b"   ")


def test_a_dry_run_saves_nothing(setup):
    result = services.linjer_importer(
        acting_user=setup.projektleder,
        projekt=setup.projekt,
        content=csv_bytes(f"{cpr_of(setup)};;Kontanthjælp;1;01-01-2025;;;"),
        dry_run=True,
    )
    assert result.ok
    assert result.rows[0].familie == setup.familie
    assert not Omkostningslinje.objects.exists()


def test_one_bad_row_saves_nothing(setup):
    result = services.linjer_importer(
        acting_user=setup.projektleder,
        projekt=setup.projekt,
        content=csv_bytes(
            f"{cpr_of(setup)};;Kontanthjælp;1;01-01-2025;;;",
            f";{setup.familie.pk};Ukendt ydelse;1;01-01-2025;;;",
            "010101-0000;;Kontanthjælp;1;01-01-2025;;;",
        ),
        dry_run=False,
    )
    assert not result.ok
    assert result.rows[0].errors == []
    assert "findes ikke i prislisten" in result.rows[1].errors[0]
    assert "ingen familie i projektet" in result.rows[2].errors[0]
    assert not Omkostningslinje.objects.exists()


def test_a_clean_file_is_saved_whole_and_audited(setup):
    result = services.linjer_importer(
        acting_user=setup.projektleder,
        projekt=setup.projekt,
        content=csv_bytes(
            f"{cpr_of(setup)};;Kontanthjælp;1;01-01-2025;;;",
            f";{setup.familie.pk};Mentor;20;01-02-2025;30-04-2025;450;Aftalt sats",
        ),
        dry_run=False,
    )
    assert result.ok
    assert result.saved == 2
    linjer = Omkostningslinje.objects.order_by("pk")
    assert [linje.kilde for linje in linjer] == ["import", "import"]
    assert linjer[0].person is not None
    assert linjer[1].person is None
    assert str(linjer[1].pris_override) == "450.00"
    assert Adgangslog.objects.filter(handling="create", detaljer__import=True).exists()
    assert Adgangslog.objects.filter(objekt_type="investering.omkostningslinje").count() == 2
    # No CPR number in the audit log.
    assert not Adgangslog.objects.filter(detaljer__icontains=cpr_of(setup)[:6]).exists()


def test_a_row_in_a_sector_the_user_may_not_change_is_an_error(setup):
    result = services.linjer_importer(
        acting_user=setup.administrativ,
        projekt=setup.projekt,
        content=csv_bytes(f";{setup.familie.pk};Kontanthjælp;1;01-01-2025;;;"),
        dry_run=False,
    )
    # The administration sees no sector of the family here: the family is found, the write is not
    # allowed.
    assert not result.ok
    assert "Du må ikke registrere" in result.rows[0].errors[0]


def test_the_import_page_shows_row_errors_as_a_400(client, setup):
    client.force_login(setup.projektleder)
    upload = SimpleUploadedFile(
        "udtraek.csv", csv_bytes(f"{cpr_of(setup)};;Kontanthjælp;x;01-01-2025;;;"), "text/csv"
    )
    response = client.post(reverse("investering:importer"), {"fil": upload, "proeve": "on"})
    assert response.status_code == 400
    assert "antal: skal være et tal" in response.content.decode()
    ok = SimpleUploadedFile(
        "udtraek.csv", csv_bytes(f"{cpr_of(setup)};;Kontanthjælp;1;01-01-2025;;;"), "text/csv"
    )
    saved = client.post(reverse("investering:importer"), {"fil": ok})
    assert saved.status_code == 302
    assert Omkostningslinje.objects.count() == 1
