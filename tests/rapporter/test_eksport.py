"""The evaluator export: pseudonymised, no personal text, stable pseudonyms, audited."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from familieplan.models import Opfoelgning, Planversion
from kerne.models import Adgangslog, Person, Rolle
from rapporter import eksport, services
from rapporter.models import Tilstand, Udtraek
from tests.factories import user_with_role
from tests.familieplan.factories import bulk_activities
from tests.rapporter.factories import JUN, build

pytestmark = pytest.mark.django_db

SECRET_TEXT = "HEMMELIG-FRITEKST"


@pytest.fixture
def data(projekt, settings):
    settings.EVALUATOR_PSEUDONYM_KEY = "test-key-one"
    dataset = build(projekt)
    for index, person in enumerate(Person.objects.all()):
        person.adresse = f"Hemmeligvej {index + 1}"
        person.by = "Hemmeligby"
        person.save(update_fields=["adresse", "by"])
    f1 = dataset.familier["f1"]
    version = Planversion.objects.create(
        familie=f1,
        nummer=1,
        status=Planversion.Status.AFTALT,
        oprettet_af=dataset.koordinator,
        aftalt_dato=datetime.date(2025, 5, 1),
        aftalt_registreret=timezone.now(),
    )
    activities = bulk_activities(
        version,
        2,
        maal=SECRET_TEXT,
        tilbud=SECRET_TEXT,
        konsekvens_ved_udeblivelse=SECRET_TEXT,
        startdato=datetime.date(2025, 5, 1),
        slutdato=datetime.date(2025, 12, 31),
        timer_pr_uge=Decimal("7.5"),
    )
    Opfoelgning.objects.create(
        indsats=activities[0],
        sagsdel=activities[0].sagsdel,
        noegle=activities[0].noegle,
        dato=datetime.date(2025, 6, 3),
        form="Samtale",
        vurdering=Opfoelgning.Vurdering.values[0],
        notat=SECRET_TEXT,
        registreret_af=dataset.koordinator,
    )
    return dataset


def export(tmp_path, data, name="out.zip") -> dict[str, str]:
    path = tmp_path / name
    eksport.write_zip(str(path), maaned=JUN, projekt_ids=[data.projekt.pk])
    with zipfile.ZipFile(path) as archive:
        return {
            info.filename: archive.read(info.filename).decode("utf-8", errors="replace")
            for info in archive.infolist()
        }


def rows(files: dict[str, str], name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[name]), delimiter=";"))


def test_no_file_in_the_export_holds_a_cpr_number_name_address_or_free_text(tmp_path, data):
    files = export(tmp_path, data)
    assert {
        "personer.csv",
        "registreringer.csv",
        "spoergeskemaer.csv",
        "aktiviteter.csv",
        "omkostninger.csv",
        "dataordbog.csv",
        "LAESMIG.txt",
    } <= set(files)
    forbidden = {SECRET_TEXT, "Hemmeligvej", "Hemmeligby", "Familien Rapport"}
    for person in Person.objects.all():
        forbidden |= {
            person.cpr,
            f"{person.cpr[:6]}-{person.cpr[6:]}",
            person.fornavn,
            person.efternavn,
        }
    for name, text in files.items():
        for value in forbidden:
            assert value not in text, f"{value!r} found in {name}"


def test_the_export_holds_the_months_data_by_pseudonym(tmp_path, data):
    files = export(tmp_path, data)
    personer = rows(files, "personer.csv")
    assert len(personer) == 7  # three families, 3 + 2 + 2 members
    assert {row["rolle"] for row in personer} == {"voksen", "barn"}
    assert all(len(row["person"]) == 20 and row["projekt"] == data.projekt.kode for row in personer)
    a1 = eksport.Pseudonymiser(b"test-key-one")("person", data.personer["a1"].pk)
    a1_june = {
        r["indikator"]: r["vaerdi"] for r in rows(files, "registreringer.csv") if r["person"] == a1
    }
    assert a1_june["forsoergelse"] == "loenmodtager"
    assert a1_june["arbejdstimer_uge"] == "20"
    who5 = [r for r in rows(files, "spoergeskemaer.csv") if r["type"] == "who5"]
    assert {(r["dato"], r["score"]) for r in who5} == {("2025-06-20", "52"), ("2025-06-06", "44")}
    aktiviteter = rows(files, "aktiviteter.csv")
    assert [(r["sektor"], r["antal_aktiviteter"], r["timer_pr_uge"]) for r in aktiviteter] == [
        ("beskaeftigelse", "2", "15")
    ]
    ordbog = rows(files, "dataordbog.csv")
    assert {r["fil"] for r in ordbog} == set(eksport.DICTIONARY)


def test_pseudonyms_are_stable_across_months_and_differ_with_another_key(tmp_path, data, settings):
    june = {r["person"] for r in rows(export(tmp_path, data, "a.zip"), "personer.csv")}
    path = tmp_path / "b.zip"
    eksport.write_zip(str(path), maaned=datetime.date(2025, 7, 1), projekt_ids=[data.projekt.pk])
    with zipfile.ZipFile(path) as archive:
        july = {
            r["person"]
            for r in csv.DictReader(
                io.StringIO(archive.read("personer.csv").decode()), delimiter=";"
            )
        }
    assert june == july
    settings.EVALUATOR_PSEUDONYM_KEY = "test-key-two"
    other = {r["person"] for r in rows(export(tmp_path, data, "c.zip"), "personer.csv")}
    assert other.isdisjoint(june)


def test_the_export_refuses_to_run_without_a_key(tmp_path, data, settings):
    settings.EVALUATOR_PSEUDONYM_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="EVALUATOR_PSEUDONYM_KEY"):
        export(tmp_path, data)
    with pytest.raises(CommandError, match="EVALUATOR_PSEUDONYM_KEY"):
        call_command("export_evaluator", "--month", "2025-06", "--out", str(tmp_path))


def test_the_command_writes_the_zip_and_audits_the_export(tmp_path, data):
    call_command(
        "export_evaluator",
        "--month",
        "2025-06",
        "--project",
        data.projekt.kode,
        "--out",
        str(tmp_path),
    )
    path = tmp_path / f"evaluering-2025-06-{data.projekt.kode}.zip"
    assert zipfile.ZipFile(path).read("personer.csv")
    row = Adgangslog.objects.get(handling="export")
    assert row.projekt_id == data.projekt.pk
    assert row.detaljer["personer"] == 7


def test_the_command_rejects_a_bad_month_and_an_unknown_project(tmp_path, data):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("export_evaluator", "--month", "2025-13", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="No project"):
        call_command(
            "export_evaluator", "--month", "2025-06", "--project", "nope", "--out", str(tmp_path)
        )


def test_an_evaluator_orders_an_export_of_their_project_only(
    tmp_path, data, django_capture_on_commit_callbacks, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    evaluator = user_with_role(Rolle.EVALUATOR, data.projekt)
    with django_capture_on_commit_callbacks(execute=True):
        udtraek = services.udtraek_bestil(acting_user=evaluator, maaned=JUN)
    udtraek.refresh_from_db()
    assert udtraek.tilstand == Tilstand.FAERDIG, udtraek.fejl
    assert udtraek.projekt_ids == [data.projekt.pk]
    assert udtraek.antal_personer == 7
    assert Adgangslog.objects.filter(handling="export", bruger_id=evaluator.pk).count() == 1
    from django.core.exceptions import PermissionDenied

    other = user_with_role(Rolle.EVALUATOR)
    with pytest.raises(PermissionDenied):
        services.udtraek_bestil(acting_user=other, maaned=JUN, projekt=data.projekt)
    assert Udtraek.objects.count() == 1
