"""The audit log page, its CSV export, and a person's right of access."""

import csv
import io

import pytest
from django.urls import reverse

from kerne.models import Adgangslog, Rolle
from tests.factories import ProjektFactory, family_of

pytestmark = pytest.mark.django_db
LOG = reverse("kerne:adgangslog")
LOG_CSV = reverse("kerne:adgangslog_csv")


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Danish Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


@pytest.fixture
def scene(client, make_user, projekt):
    """A project leader, a case manager with two families, and the reads of both overviews."""
    leader = make_user(Rolle.PROJEKTLEDER, username="leder")
    koordinator = make_user(Rolle.KOORDINATOR, username="karin")
    first = family_of(koordinator, projekt)
    second = family_of(koordinator, projekt)
    client.force_login(koordinator)
    for familie in (first, second, first):
        client.get(reverse("kerne:familie_detalje", args=[familie.pk]))
    client.logout()
    return {"leader": leader, "koordinator": koordinator, "first": first, "second": second}


def test_the_project_leader_searches_the_log_by_family(client, scene):
    client.force_login(scene["leader"])

    response = client.get(LOG, {"familie": scene["first"].pk})

    rows = list(response.context["page_obj"].object_list)
    assert response.status_code == 200
    assert rows
    assert {row.familie_id for row in rows} == {scene["first"].pk}
    reads = [row for row in rows if row.handling == Adgangslog.Handling.READ]
    assert len(reads) == 2
    page = response.content.decode()
    assert "karin" in page
    assert "Læsning" in page


def test_the_log_filters_by_user_and_period(client, scene):
    client.force_login(scene["leader"])

    by_user = client.get(LOG, {"bruger": "karin"})
    unknown = client.get(LOG, {"bruger": "ingen-saadan"})
    future = client.get(LOG, {"fra": "2099-01-01"})

    assert {row.bruger_id for row in by_user.context["page_obj"].object_list} == {
        scene["koordinator"].pk
    }
    assert "bruger" in unknown.context["form"].errors
    assert list(future.context["page_obj"].object_list) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"fra": "2026-13-45"}, "fra"),
        ({"til": "i går"}, "til"),
        ({"fra": "2026-05-02", "til": "2026-05-01"}, "til"),
        ({"familie": "abc"}, "familie"),
    ],
)
def test_bad_filters_give_a_form_error_not_a_server_error(client, scene, params, field):
    client.force_login(scene["leader"])

    page = client.get(LOG, params)
    export = client.get(LOG_CSV, params)

    assert page.status_code == 200
    assert field in page.context["form"].errors
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/html")
    assert not Adgangslog.objects.filter(handling=Adgangslog.Handling.EXPORT).exists()


def test_the_csv_holds_the_filtered_rows_and_the_export_is_logged(client, scene):
    client.force_login(scene["leader"])
    expected = Adgangslog.objects.filter(familie_id=scene["first"].pk).count()

    response = client.get(LOG_CSV, {"familie": scene["first"].pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    header, *rows = read_csv(response)
    assert header[:4] == ["Tidspunkt", "Bruger", "Handling", "Formål"]
    assert len(rows) == expected
    assert {row[4] for row in rows} == {str(scene["first"].pk)}
    export = Adgangslog.objects.get(handling=Adgangslog.Handling.EXPORT)
    assert export.bruger_id == scene["leader"].pk
    assert export.formaal == Adgangslog.Formaal.TILSYN
    assert export.projekt_id == scene["first"].projekt_id
    assert export.detaljer == {"filters": {"familie": scene["first"].pk}, "rows": expected}


def test_a_formula_in_a_cell_is_defused(client, scene, make_user):
    sneaky = make_user(Rolle.PROJEKTLEDER, username="=cmd")
    client.force_login(sneaky)
    client.get(reverse("kerne:familie_detalje", args=[scene["first"].pk]))

    rows = read_csv(client.get(LOG_CSV, {"bruger": "=cmd"}))[1:]

    assert rows
    assert {row[1] for row in rows} == {"'=cmd"}


@pytest.mark.parametrize("url", [LOG, LOG_CSV])
def test_a_case_manager_may_not_read_the_log(client, scene, url):
    client.force_login(scene["koordinator"])

    assert client.get(url).status_code == 403


def test_the_data_protection_role_reads_the_log(client, scene, make_user):
    client.force_login(make_user(Rolle.DATABESKYTTELSE))

    response = client.get(LOG)

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count > 0


def test_another_projects_leader_sees_none_of_the_rows(client, scene, make_user):
    client.force_login(make_user(Rolle.PROJEKTLEDER, in_projekt=ProjektFactory()))

    response = client.get(LOG, {"familie": scene["first"].pk})

    assert list(response.context["page_obj"].object_list) == []


def test_the_log_pages_by_fifty(client, scene, make_user):
    client.force_login(scene["koordinator"])
    for _ in range(30):
        client.get(reverse("kerne:familie_liste"))
    client.force_login(scene["leader"])

    first = client.get(LOG)
    second = client.get(LOG, {"side": 2})

    assert len(first.context["page_obj"].object_list) == 50
    assert second.context["page_obj"].number == 2


# --- A person's right of access ---------------------------------------------------------------


def insight_url(person) -> str:
    return reverse("kerne:person_indsigt", args=[person.pk])


def test_the_access_report_lists_the_reads_without_usernames_by_default(client, scene):
    person = scene["first"].medlemskaber.first().person
    client.force_login(scene["koordinator"])
    client.get(reverse("kerne:person_detalje", args=[person.pk]))
    client.force_login(scene["leader"])

    header, *rows = read_csv(client.get(insight_url(person)))

    assert header == ["Dato og tid", "Formål", "Handling"]
    reads = [row for row in rows if row[2] == "Læsning"]
    assert len(reads) == 3  # two overviews of the first family and the person page
    assert {row[1] for row in reads} == {"Sagsbehandling"}
    assert all(len(row) == 3 for row in rows)
    assert "karin" not in str(rows)
    export = Adgangslog.objects.get(handling=Adgangslog.Handling.EXPORT)
    assert (export.person_id, export.formaal) == (person.pk, Adgangslog.Formaal.TILSYN)
    assert export.detaljer["rows"] == len(rows)


def test_the_access_report_names_the_staff_when_asked(client, scene):
    person = scene["first"].medlemskaber.first().person
    client.force_login(scene["leader"])

    header, *rows = read_csv(client.get(insight_url(person), {"med_medarbejdere": "1"}))

    assert header == ["Dato og tid", "Formål", "Handling", "Medarbejder"]
    assert "karin" in {row[3] for row in rows}
    assert Adgangslog.objects.get(handling=Adgangslog.Handling.EXPORT).detaljer["med_medarbejdere"]


def test_the_access_report_is_for_the_project_leader_and_the_projects_persons_only(
    client, scene, make_user
):
    person = scene["first"].medlemskaber.first().person
    elsewhere = ProjektFactory(kommune=scene["first"].projekt.kommune)
    outsider = family_of(make_user(Rolle.KOORDINATOR, in_projekt=elsewhere), elsewhere)
    stranger = outsider.medlemskaber.first().person

    client.force_login(scene["koordinator"])
    assert client.get(insight_url(person)).status_code == 403
    client.force_login(scene["leader"])
    assert client.get(insight_url(stranger)).status_code == 404
    assert not Adgangslog.objects.filter(handling=Adgangslog.Handling.EXPORT).exists()
