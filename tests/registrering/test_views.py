"""The registration's pages: the family's month form, reopening, completeness and to-do,
questionnaires, risks and milestones, the CSV import and the family's own progress."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kerne.models import Adgangslog, Rolle
from registrering import rules, services
from registrering.models import (
    Indlaesning,
    Maanedsaabning,
    Registrering,
    SdqItemtekst,
    Spoergeskema,
)
from tests.registrering.conftest import make_family
from tests.registrering.factories import (
    THIS_MONTH,
    TODAY,
    adult,
    children,
    months_ago,
    questionnaire,
    registration,
    risk,
)
from tests.registrering.helpers import full_month

pytestmark = pytest.mark.django_db


def month_url(familie, maaned=THIS_MONTH, name="familie_maaned") -> str:
    return reverse(f"registrering:{name}", args=[familie.pk, maaned.year, maaned.month])


def form_data(entry: dict[int, dict[str, str]]) -> dict[str, str]:
    return {
        f"p{person}-{code}": value
        for person, values in entry.items()
        for code, value in values.items()
    }


@pytest.fixture
def signed_in(client, koordinator):
    client.force_login(koordinator)
    return client


# --- The family's month -----------------------------------------------------------------------


def test_the_month_page_shows_every_member_with_last_months_value(signed_in, koordinator, familie):
    mor = adult(familie)
    registration(
        familie, mor, months_ago(1), koordinator, {"egenomsorg": 3, "forsoergelse": "fleksjob"}
    )

    response = signed_in.get(month_url(familie))

    assert response.status_code == 200
    html = response.content.decode()
    for medlemskab in familie.medlemskaber.all():
        assert medlemskab.person.fulde_navn in html
    assert re.search(rf'data-testid="last-p{mor.pk}-egenomsorg">3 – svære problemer<', html)
    assert re.search(rf'data-testid="last-p{mor.pk}-forsoergelse">Fleksjob<', html)
    assert f'name="p{mor.pk}-egenomsorg"' in html
    teen = children(familie)[0]
    assert f'name="p{teen.pk}-fritidsjob"' in html  # 14 years
    assert f'name="p{children(familie)[1].pk}-fritidsjob"' not in html  # 8 years


def test_the_month_page_read_is_audited(signed_in, familie):
    signed_in.get(month_url(familie))

    assert Adgangslog.objects.filter(
        handling="read", familie_id=familie.pk, formaal="registrering", objekt_type="kerne.familie"
    ).exists()
    assert Adgangslog.objects.filter(handling="read", person_id=adult(familie).pk).exists()


def test_the_month_page_uses_as_many_queries_for_eight_members_as_for_two(
    signed_in, koordinator, projekt
):
    small = make_family(koordinator, projekt, children=(9,))
    large = make_family(koordinator, projekt, adults=2, children=(2, 5, 8, 11, 13, 15))
    for familie in (small, large):
        for medlemskab in familie.medlemskaber.all():
            registration(familie, medlemskab.person, months_ago(1), koordinator, {"sundhed": 2})
    signed_in.get(month_url(small))  # warm the permission-id cache

    with CaptureQueriesContext(connection) as two:
        assert signed_in.get(month_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as eight:
        assert signed_in.get(month_url(large)).status_code == 200

    assert large.medlemskaber.count() == 8
    assert len(two) == len(eight), (len(two), len(eight))


def test_saving_the_whole_family_redirects_and_stores_it(signed_in, familie):
    response = signed_in.post(month_url(familie), form_data(full_month(familie, THIS_MONTH)))

    assert response.status_code == 302
    assert response["Location"] == month_url(familie)
    assert (
        Registrering.objects.filter(familie=familie, maaned=THIS_MONTH, komplet=True).count() == 3
    )
    page = signed_in.get(response["Location"]).content.decode()
    assert "Registreringen for" in page
    assert "er gemt" in page


def test_a_rejected_value_is_shown_by_its_field_and_nothing_is_stored(signed_in, familie):
    entry = full_month(familie, THIS_MONTH)
    teen = children(familie)[0]
    entry[teen.pk]["skolefravaer_pct"] = "140"

    response = signed_in.post(month_url(familie), form_data(entry))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Registreringen er ikke gemt" in html
    assert "Skolefravær (%) skal være mellem 0 og 100 (du skrev 140)." in html
    assert 'value="140"' in html  # what was typed stays in the field
    assert 'aria-invalid="true"' in html
    assert not Registrering.objects.exists()


def test_the_field_check_answers_with_the_fields_message(signed_in, familie):
    teen = children(familie)[0]
    url = month_url(familie, name="felt")

    bad = signed_in.post(url, {f"p{teen.pk}-skolefravaer_pct": "140"}, HTTP_HX_REQUEST="true")
    good = signed_in.post(url, {f"p{teen.pk}-skolefravaer_pct": "14"}, HTTP_HX_REQUEST="true")
    unknown = signed_in.post(url, {"p0-x": "1"}, HTTP_HX_REQUEST="true")

    assert bad.status_code == 200
    assert "Skolefravær (%) skal være mellem 0 og 100 (du skrev 140)." in bad.content.decode()
    assert f'id="err-p{teen.pk}-skolefravaer_pct"' in bad.content.decode()
    assert "form-error-message" not in good.content.decode()
    assert unknown.status_code == 400


def test_a_locked_month_is_shown_read_only(signed_in, koordinator, familie):
    maaned = months_ago(3)
    registration(familie, adult(familie), maaned, koordinator, {"egenomsorg": 1})

    html = signed_in.get(month_url(familie, maaned)).content.decode()
    posted = signed_in.post(month_url(familie, maaned), {f"p{adult(familie).pk}-egenomsorg": "2"})

    assert "Låst" in html
    assert "Gem registreringen" not in html
    assert "disabled" in html
    assert "Genåbn måneden" not in html  # only the project leader may
    assert posted.status_code == 400
    assert "er låst" in posted.content.decode()


def test_the_project_leader_reopens_a_locked_month_with_a_reason(
    client, leder, koordinator, familie
):
    maaned = months_ago(3)
    client.force_login(leder)
    assert "Genåbn måneden" in client.get(month_url(familie, maaned)).content.decode()

    refused = client.post(
        month_url(familie, maaned, "genaabn"), {"begrundelse": "", "aaben_til": ""}
    )
    response = client.post(
        month_url(familie, maaned, "genaabn"),
        {
            "begrundelse": "Skolefravær manglede",
            "aaben_til": str(TODAY + datetime.timedelta(days=3)),
        },
    )

    assert refused.status_code == 400
    assert "Skriv, hvorfor måneden genåbnes." in refused.content.decode()
    assert response.status_code == 302
    assert Maanedsaabning.objects.get().begrundelse == "Skolefravær manglede"
    client.force_login(koordinator)
    assert "Gem registreringen" in client.get(month_url(familie, maaned)).content.decode()


def test_an_impossible_month_is_not_found(signed_in, familie):
    assert signed_in.get(f"/registrering/familier/{familie.pk}/2026/13/").status_code == 404


# --- Completeness and to-do -------------------------------------------------------------------


def test_the_overview_shows_what_each_member_lacks(signed_in, koordinator, familie, projekt):
    complete = make_family(koordinator, projekt, children=(), betegnelse="Familien Andersen")
    services.maaned_registrer(
        acting_user=koordinator,
        familie=complete,
        maaned=THIS_MONTH,
        indtastning=full_month(complete, THIS_MONTH),
    )
    mor = adult(familie)
    registration(familie, mor, THIS_MONTH, koordinator, {"egenomsorg": 1})
    Registrering.objects.filter(person=mor).update(mangler=["netvaerk", "sundhed"])

    html = signed_in.get(
        reverse("registrering:oversigt"), {"maaned": f"{THIS_MONTH:%Y-%m}"}
    ).content.decode()

    row = html[html.index(f'data-testid="family-{complete.pk}"') :]
    assert "Komplet" in row[: row.index("</tr>")]
    row = html[html.index(f'data-testid="family-{familie.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f"{mor.fulde_navn}: mangler 2 indikatorer" in " ".join(row.split())
    assert f"{children(familie)[0].fulde_navn}: ikke registreret" in " ".join(row.split())


def test_the_overview_counts_per_case_manager_for_the_project_leader(
    client, leder, koordinator, familie, projekt
):
    make_family(koordinator, projekt, children=(5,))
    client.force_login(leder)

    response = client.get(reverse("registrering:oversigt"), {"maaned": f"{THIS_MONTH:%Y-%m}"})

    summary = response.context["summary"]
    assert [(e["koordinator"], e["familier"], e["personer"], e["mangler"]) for e in summary] == [
        (koordinator, 2, 5, 5)
    ]
    assert 'data-testid="by-case-manager"' in response.content.decode()


def test_the_overview_query_count_does_not_grow_with_families(client, leder, koordinator, projekt):
    client.force_login(leder)
    make_family(koordinator, projekt)
    url = reverse("registrering:oversigt")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        make_family(koordinator, projekt, adults=2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(few) == len(many)


def test_a_future_month_in_the_overview_is_refused_with_a_message(signed_in):
    response = signed_in.get(
        reverse("registrering:oversigt"), {"maaned": f"{rules.add_months(THIS_MONTH, 2):%Y-%m}"}
    )

    assert "Vælg en måned, der ikke ligger i fremtiden." in response.content.decode()


def test_the_to_do_lists_the_case_managers_own_gaps(
    signed_in, koordinator, familie, make_user, projekt
):
    other = make_family(make_user(Rolle.KOORDINATOR), projekt, betegnelse="Familien Fremmed")

    html = signed_in.get(reverse("registrering:opgaver")).content.decode()

    assert familie.betegnelse in html
    assert other.betegnelse not in html
    assert month_url(familie) in html


# --- Questionnaires ---------------------------------------------------------------------------


def test_an_sdq_is_entered_by_item_and_shown_with_bands(signed_in, familie):
    child = children(familie)[1]
    url = reverse("registrering:spoergeskema_ny", args=[familie.pk, "sdq"])
    form = signed_in.get(url).content.decode()
    answers = {f"punkt_{n}": "1" for n in range(1, 26)}

    response = signed_in.post(
        url,
        {
            "person": child.pk,
            "version": "foraelder",
            "maalepunkt": "start",
            "dato": str(TODAY),
            **answers,
        },
    )

    assert "Punkt 3 – emotionelle symptomer" in form
    assert "Punkt 7 – adfærdsproblemer (omvendt scoret)" in form
    skema = Spoergeskema.objects.get()
    assert response.status_code == 302
    detail = signed_in.get(response["Location"]).content.decode()
    assert "Samlede vanskeligheder" in detail
    assert "20 / 40" in detail
    assert "Meget høj" in detail  # 20–40
    assert skema.score == 20


def test_licensed_sdq_texts_replace_the_neutral_labels(signed_in, familie, projekt):
    SdqItemtekst.objects.create(
        kommune=projekt.kommune, version="foraelder", punkt="3", tekst="Licenseret tekst tre"
    )

    html = signed_in.get(
        reverse("registrering:spoergeskema_ny", args=[familie.pk, "sdq"])
    ).content.decode()

    assert "Licenseret tekst tre" in html
    assert "Punkt 3 – emotionelle symptomer" not in html


def test_a_relevant_who5_change_is_flagged(signed_in, koordinator, familie):
    mor = adult(familie)
    questionnaire(
        familie,
        mor,
        koordinator,
        sektor="sundhed",
        dato=months_ago(6),
        score=40,
        svar={"1": 2, "2": 2, "3": 2, "4": 2, "5": 2},
    )
    latest = questionnaire(familie, mor, koordinator, sektor="sundhed", score=60)

    html = signed_in.get(reverse("registrering:spoergeskema", args=[latest.pk])).content.decode()
    history = signed_in.get(reverse("registrering:familie", args=[familie.pk])).content.decode()

    assert "+20" in html
    assert "Klinisk relevant ændring" in html
    assert "Relevant ændring" in history


def test_the_who5_form_shows_its_statements(signed_in, familie):
    html = signed_in.get(
        reverse("registrering:spoergeskema_ny", args=[familie.pk, "who5"])
    ).content.decode()

    assert "har jeg været glad og i godt humør" in html
    assert "På intet tidspunkt" in html


def test_an_unknown_questionnaire_type_is_not_found(signed_in, familie):
    assert (
        signed_in.get(f"/registrering/familier/{familie.pk}/spoergeskema/abc/ny/").status_code
        == 404
    )


# --- Risks and milestones ---------------------------------------------------------------------


def test_the_project_leader_assesses_a_risk_and_sees_its_history(client, leder, projekt):
    client.force_login(leder)
    response = client.post(
        reverse("registrering:risiko_ny"),
        {
            "beskrivelse": "Frafald",
            "sandsynlighed": "4",
            "konsekvens": "3",
            "ejer": "Pia",
            "status": "aaben",
            "maaned": f"{months_ago(1):%Y-%m}",
        },
    )
    assert response.status_code == 302
    risiko = projekt.risici.get()
    client.post(
        reverse("registrering:risiko_rediger", args=[risiko.pk]),
        {
            "beskrivelse": "Frafald",
            "sandsynlighed": "2",
            "konsekvens": "3",
            "ejer": "Pia",
            "status": "under_haandtering",
            "maaned": f"{THIS_MONTH:%Y-%m}",
            "note": "Opfølgning virker",
        },
    )

    page = client.get(reverse("registrering:risiko_rediger", args=[risiko.pk])).content.decode()
    last_month = client.get(
        reverse("registrering:risici_milepaele"), {"maaned": f"{months_ago(1):%Y-%m}"}
    )
    this_month = client.get(reverse("registrering:risici_milepaele"))

    assert "Opfølgning virker" in page
    assert "Åben → Under håndtering" in page
    assert [(r["sandsynlighed"], r["status"]) for r in last_month.context["risici"]] == [
        (4, "aaben")
    ]
    assert [(r["sandsynlighed"], r["status"]) for r in this_month.context["risici"]] == [
        (2, "under_haandtering")
    ]


def test_a_risk_form_names_every_missing_field(client, leder):
    client.force_login(leder)

    response = client.post(reverse("registrering:risiko_ny"), {"status": "aaben"})

    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "Beskriv risikoen.",
        "Vælg sandsynligheden fra 1 til 5.",
        "Angiv, hvem der ejer risikoen.",
        "Angiv den måned, vurderingen gælder.",
    ):
        assert message in html


def test_a_closed_risk_offers_only_reopening(client, leder, projekt):
    client.force_login(leder)
    risiko = risk(projekt, status="lukket")

    form = client.get(reverse("registrering:risiko_rediger", args=[risiko.pk])).context["form"]

    assert [value for value, _label in form.fields["status"].choices] == ["aaben", "lukket"]


# --- CSV import ---------------------------------------------------------------------------------


def test_upload_preview_and_commit(signed_in, familie):
    teen = children(familie)[0]
    content = f"cpr;maaned;indikator;vaerdi\n{teen.cpr};{THIS_MONTH:%Y-%m};skolefravaer_pct;7,5\n"

    response = signed_in.post(
        reverse("registrering:indlaesning_ny"),
        {"fil": SimpleUploadedFile("fravaer.csv", content.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    preview = signed_in.get(response["Location"]).content.decode()
    assert "Alle 1 linje er i orden. Intet er gemt endnu." in preview
    assert "7,5" in preview
    assert not Registrering.objects.exists()

    committed = signed_in.post(response["Location"])

    assert committed.status_code == 302
    assert Registrering.objects.get(person=teen).vaerdier.get().tal == 7.5
    assert Indlaesning.objects.get().status == "gennemfoert"


def test_an_upload_without_a_file_says_so(signed_in):
    response = signed_in.post(reverse("registrering:indlaesning_ny"), {})

    assert response.status_code == 400
    assert "Vælg en CSV-fil." in response.content.decode()


# --- The family's own progress ----------------------------------------------------------------


@pytest.fixture
def borger(make_user, koordinator, familie, projekt):
    """The mother signs in; the family also has a second adult without custody."""
    from tests.factories import PersonFactory, add_member

    user = make_user(Rolle.BORGER)
    mor = adult(familie)
    mor.bruger = user
    mor.save(update_fields=["bruger"])
    partner = PersonFactory(kommune=projekt.kommune, fornavn="Partner")
    add_member(familie, partner, rolle="voksen", relation="partner", fra=datetime.date(2020, 1, 1))
    for n, level in enumerate([3, 3, 3, 2, 1, 1]):
        maaned = months_ago(6 - n)
        registration(familie, mor, maaned, koordinator, {"egenomsorg": level})
        registration(familie, children(familie)[0], maaned, koordinator, {"trivsel": 1 + n // 3})
        registration(familie, partner, maaned, koordinator, {"netvaerk": 4})
    return user


def test_a_parent_sees_own_and_childrens_trends_in_plain_words(client, borger, familie):
    client.force_login(borger)

    response = client.get(reverse("registrering:min_udvikling"))

    html = response.content.decode()
    udvikling = response.context["udvikling"]
    assert [u.person for u in udvikling][:2] == [adult(familie), children(familie)[0]]
    assert [(o.navn, o.trend_label) for o in udvikling[0].omraader] == [("Egenomsorg", "bedre")]
    assert [(o.navn, o.trend_label) for o in udvikling[1].omraader] == [("Trivsel", "sværere")]
    assert "Bedre" in html
    assert "Sværere" in html
    assert "Netværk" not in html  # the partner's area: another adult's data
    assert "Partner" not in html
    assert "problemer" not in html  # never raw scores or their scale words


def test_a_parent_without_custody_sees_only_their_own(client, make_user, koordinator, familie):
    from kerne.models import Familiemedlemskab

    user = make_user(Rolle.BORGER)
    mor = adult(familie)
    mor.bruger = user
    mor.save(update_fields=["bruger"])
    Familiemedlemskab.objects.filter(person=mor).update(foraeldremyndighed=False)
    registration(familie, children(familie)[0], months_ago(1), koordinator, {"trivsel": 1})
    client.force_login(user)

    udvikling = client.get(reverse("registrering:min_udvikling")).context["udvikling"]

    assert [u.person for u in udvikling] == [mor]
