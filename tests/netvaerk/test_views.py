"""Pages of the network: the meeting page and screen, the portal's minutes, partners, the PDF."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from familieplan import services as plan_services
from familieplan.models import Aftale, Aktoer, Beslutning, Indsats
from kerne.models import Adgangslog, Dokument, Rolle
from netvaerk.models import Partner
from tests.factories import family_of
from tests.familieplan.factories import TODAY, activity_data, draft_with, integrated
from tests.netvaerk.factories import meeting, offer, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    return user


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt)


@pytest.fixture
def borger(make_user, familie):
    user = make_user(Rolle.BORGER)
    adult = familie.medlemskaber.get(rolle="voksen").person
    adult.bruger = user
    adult.save(update_fields=["bruger"])
    return user


@pytest.fixture
def held(koordinator, familie):
    """A held meeting with a visible agreement, a hidden activity decision and a note."""
    moede = meeting(koordinator, familie, days=-1)
    plan_services.beslutning_opret(
        acting_user=koordinator,
        moede=moede,
        tekst="Mor ringer til skolen",
        aftale=plan_services.AftaleData(hvem="Mor", frist=TODAY + datetime.timedelta(days=7)),
    )
    plan_services.beslutning_opret(
        acting_user=koordinator,
        moede=moede,
        tekst="Udredning hos misbrugscentret",
        indsats=activity_data(familie, titel="Skjult behandling", synlig_for_familien=False),
    )
    moede.refresh_from_db()
    plan_services.moede_ret(
        acting_user=koordinator,
        moede=moede,
        art=moede.art,
        tidspunkt=moede.tidspunkt,
        sted=moede.sted,
        dagsorden="Velkommen\nSkolen",
        referat="Vi talte om skolen.",
        intern_note="Underretning fra skolen",
    )
    moede.refresh_from_db()
    return moede


def test_the_meeting_screen_shows_nothing_hidden_from_the_family(client, koordinator, held):
    client.force_login(koordinator)
    for url in (
        reverse("netvaerk:moedetilstand", args=[held.pk]),
        reverse("netvaerk:moedetilstand_indhold", args=[held.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Mor ringer til skolen" in html
        assert "Skolen" in html  # the agenda
        assert "Udredning hos misbrugscentret" not in html
        assert "Skjult behandling" not in html
        assert "Underretning fra skolen" not in html
        assert "mainmenu" not in html  # no navigation to other families
    staff_page = client.get(reverse("netvaerk:moede", args=[held.pk])).content.decode()
    assert "Underretning fra skolen" in staff_page
    assert "Udredning hos misbrugscentret" in staff_page


def test_the_screen_poll_answers_no_change_until_the_meeting_changes(client, koordinator, held):
    client.force_login(koordinator)
    url = reverse("netvaerk:moedetilstand_indhold", args=[held.pk])
    reads = Adgangslog.objects.filter(objekt_type="familieplan.stafetmoede", handling="read")
    before = reads.count()
    assert client.get(url, {"rev": held.revision}).status_code == 204
    assert reads.count() == before  # nothing shown, nothing read
    client.post(
        reverse("netvaerk:moedetilstand_aftale", args=[held.pk]),
        {"a-hvad": "Far henter Bo", "a-hvem": "Far", "a-frist": TODAY.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    answer = client.get(url, {"rev": held.revision})
    assert answer.status_code == 200
    assert "Far henter Bo" in answer.content.decode()
    assert reads.count() == before + 1


def test_an_agreement_typed_on_the_screen_is_a_decision_and_an_agreement(client, koordinator, held):
    client.force_login(koordinator)
    answer = client.post(
        reverse("netvaerk:moedetilstand_aftale", args=[held.pk]),
        {"a-hvad": "Bo starter til fodbold", "a-hvem": "Mor", "a-frist": TODAY.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    assert answer["HX-Trigger"] == "moede-opdateret"
    aftale = Aftale.objects.get(hvad="Bo starter til fodbold")
    assert aftale.moede == held
    assert Beslutning.objects.get(aftale=aftale).tekst == "Bo starter til fodbold"
    bad = client.post(
        reverse("netvaerk:moedetilstand_aftale", args=[held.pk]),
        {"a-hvad": "", "a-hvem": "Mor", "a-frist": "i morgen"},
        HTTP_HX_REQUEST="true",
    )
    assert "Skriv, hvad der er aftalt." in bad.content.decode()
    assert Aftale.objects.filter(moede=held).count() == 2


def test_the_decision_form_makes_an_agreement_and_an_activity_in_one_step(
    client, koordinator, familie, held
):
    client.force_login(koordinator)
    adult = familie.medlemskaber.get(rolle="voksen").person
    data = activity_data(familie, titel="Fritidsjob i Netto")
    fields = {
        f"i-{name}": str(getattr(data, name))
        for name in (
            "sektor",
            "titel",
            "art",
            "maal",
            "maalopfyldelse",
            "tilbud",
            "leverandoer",
            "startdato",
            "slutdato",
            "timer_pr_uge",
            "kadence",
            "opfoelgningsform",
            "konsekvens_ved_udeblivelse",
            "ansvarlig",
        )
    }
    answer = client.post(
        reverse("netvaerk:beslutning_ny", args=[held.pk]),
        {
            "b-tekst": "Mor søger fritidsjob",
            "b-som_aftale": "on",
            "b-hvem": "Mor",
            "b-frist": TODAY.isoformat(),
            "b-som_indsats": "on",
            "b-synlig_for_familien": "on",
            "i-personer": [adult.pk],
            "i-synlig_for_familien": "on",
            **fields,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert Aftale.objects.filter(hvad="Mor søger fritidsjob").count() == 1
    assert Indsats.objects.filter(titel="Fritidsjob i Netto").count() == 1


def test_reading_the_minutes_is_audited(client, koordinator, held):
    client.force_login(koordinator)
    client.get(reverse("netvaerk:moede", args=[held.pk]))
    row = Adgangslog.objects.filter(
        objekt_type="familieplan.stafetmoede", objekt_id=str(held.pk), handling="read"
    ).last()
    assert row.bruger_id == koordinator.pk
    assert row.familie_id == held.familie_id
    assert row.detaljer["referat"] is True


def _grow(koordinator, familie, moede, count: int) -> None:
    for index in range(count):
        plan_services.beslutning_opret(
            acting_user=koordinator,
            moede=moede,
            tekst=f"Aftale {index}",
            aftale=plan_services.AftaleData(hvem="Mor", frist=TODAY),
        )
        Aktoer.objects.create(familie=familie, navn=f"Aktør {index}", rolle="x", kontakt="x")
    moede.refresh_from_db()
    plan_services.deltagere_saet(
        acting_user=koordinator,
        moede=moede,
        personer=[m.person for m in familie.medlemskaber.all()],
        aktoerer=list(Aktoer.objects.filter(familie=familie)),
    )


def test_the_meeting_pages_run_a_bounded_number_of_queries(client, koordinator, projekt):
    client.force_login(koordinator)
    counts = {}
    for size in (2, 20):
        familie = family_of(koordinator, projekt)
        moede = meeting(koordinator, familie, days=-1)
        _grow(koordinator, familie, moede, size)
        for name in ("moede", "moedetilstand", "moedetilstand_indhold"):
            with CaptureQueriesContext(connection) as queries:
                answer = client.get(reverse(f"netvaerk:{name}", args=[moede.pk]))
            assert answer.status_code == 200
            assert f"Aftale {size - 1}" in answer.content.decode()
            counts[(name, size)] = len(queries)
    for name in ("moede", "moedetilstand", "moedetilstand_indhold"):
        assert counts[(name, 2)] == counts[(name, 20)], counts
        assert counts[(name, 20)] <= 40, counts


def test_the_family_finds_and_confirms_the_minutes_in_the_portal(
    client, borger, koordinator, familie, held, projekt
):
    client.force_login(borger)
    portal = client.get(reverse("familieplan:portal_familie", args=[familie.pk])).content.decode()
    assert reverse("familieplan:portal_moede", args=[held.pk]) in portal
    page = client.get(reverse("familieplan:portal_moede", args=[held.pk])).content.decode()
    assert "Mor ringer til skolen" in page
    assert "Vi talte om skolen." in page
    assert "Underretning fra skolen" not in page
    assert "Udredning hos misbrugscentret" not in page
    answer = client.post(reverse("familieplan:portal_moede_bekraeft", args=[held.pk]))
    assert answer.status_code == 302
    held.refresh_from_db()
    assert held.bekraeftet_af.bruger == borger
    other = meeting(koordinator, family_of(koordinator, projekt), days=-1)
    assert client.get(reverse("familieplan:portal_moede", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("familieplan:portal_moede_bekraeft", args=[other.pk])).status_code
        == 404
    )


def test_the_minutes_pdf_is_the_familys_version(
    koordinator, held, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dokument = plan_services.referat_pdf_bestil(acting_user=koordinator, moede=held)
    dokument.refresh_from_db()
    assert dokument.tilstand == Dokument.Tilstand.FAERDIG, dokument.fejl
    with dokument.fil.open("rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Mor ringer til skolen" in text
    assert "Vi talte om skolen." in text
    assert "Underretning fra skolen" not in text
    assert "Udredning hos misbrugscentret" not in text


def test_partner_pages_list_and_create_within_the_municipality(
    client, koordinator, projekt, make_user
):
    client.force_login(koordinator)
    klub = partner(projekt)
    offer(klub, alder_fra=8, alder_til=12)
    foreign = Partner.objects.create(
        kommune=family_of(koordinator, projekt).projekt.kommune.__class__.objects.create(
            navn="Fremmed Kommune", kode="999"
        ),
        navn="Fremmed klub",
        art="forening",
    )
    listing = client.get(reverse("netvaerk:partnere"), {"tilbudsart": "fritidsaktivitet"})
    assert "IF Boldklubben" in listing.content.decode()
    assert "Fremmed klub" not in listing.content.decode()
    assert client.get(reverse("netvaerk:partner", args=[foreign.pk])).status_code == 404
    detail = client.get(reverse("netvaerk:partner", args=[klub.pk])).content.decode()
    assert "8–12 år" in detail
    answer = client.post(reverse("netvaerk:partner_ny"), {"navn": "", "art": "forening"})
    assert answer.status_code == 400
    assert "Skriv partnerens navn." in answer.content.decode()
    answer = client.post(
        reverse("netvaerk:partner_ny"), {"navn": "Røde Kors", "art": "frivillig", "aktiv": "on"}
    )
    assert answer.status_code == 302
    assert Partner.objects.get(navn="Røde Kors").kommune == projekt.kommune
    client.force_login(make_user(Rolle.SAGSBEHANDLER))
    assert client.get(reverse("netvaerk:partner_ny")).status_code == 403


def test_the_project_leaders_start_page_has_the_partner_panel(client, make_user, projekt):
    leder = make_user(Rolle.PROJEKTLEDER)
    partner(projekt)
    client.force_login(leder)
    html = client.get(reverse("rapporter:start_projektleder")).content.decode()
    assert 'data-testid="panel-netvaerk_partnere"' in html
    assert "Partnerne betjener nu 0 børn og 0 voksne" in html


def test_the_family_page_names_each_activitys_partner_and_links_to_choose_one(
    client, koordinator, familie, projekt
):
    klub = partner(projekt)
    fodbold = offer(klub)
    indsats = draft_with(
        koordinator, familie, {"titel": "Fodbold", "art": "fritid"}
    ).indsatser.get()
    client.force_login(koordinator)
    url = reverse("netvaerk:indsats_partner", args=[indsats.pk])
    page = client.get(reverse("netvaerk:familie", args=[familie.pk])).content.decode()
    assert url in page
    answer = client.post(url, {"partner": klub.pk, "tilbud": fodbold.pk})
    assert answer.status_code == 302
    page = client.get(reverse("netvaerk:familie", args=[familie.pk])).content.decode()
    assert "IF Boldklubben" in page
    assert "(Fodbold 8-12 år)" in page


def test_an_offer_is_changed_and_taken_off_the_catalogue(client, koordinator, projekt):
    klub = partner(projekt)
    fodbold = offer(klub)
    client.force_login(koordinator)
    url = reverse("netvaerk:tilbud_ret", args=[fodbold.pk])
    assert "Fodbold 8-12 år" in client.get(url).content.decode()
    answer = client.post(
        url,
        {"titel": "Fodbold 8–13 år", "art": "fritidsaktivitet", "alder_fra": 8, "alder_til": 13},
    )
    assert answer.status_code == 302
    fodbold.refresh_from_db()
    assert fodbold.titel == "Fodbold 8–13 år"
    assert fodbold.aktiv is False  # the box was not ticked
    bad = client.post(
        url, {"titel": "x", "art": "fritidsaktivitet", "alder_fra": 9, "alder_til": 3}
    )
    assert "Aldersgrænsen" in bad.content.decode()


def test_a_named_mentor_lists_and_reads_only_their_families_meetings(
    client, koordinator, familie, projekt, held
):
    from tests.factories import user_with_role

    mentor = user_with_role(Rolle.FAGPERSON, projekt)
    Aktoer.objects.create(
        familie=familie,
        navn="Maja Mentor",
        rolle="Mentor",
        kontakt="x",
        bruger=mentor,
        maa_laese=True,
        laeseadgang_besluttet_af=familie.medlemskaber.get(rolle="voksen").person,
    )
    other = meeting(koordinator, family_of(koordinator, projekt), days=-2)
    client.force_login(mentor)
    listing = client.get(reverse("netvaerk:mine_moeder")).content.decode()
    assert reverse("netvaerk:moede", args=[held.pk]) in listing
    assert reverse("netvaerk:moede", args=[other.pk]) not in listing
    page = client.get(reverse("netvaerk:moede", args=[held.pk])).content.decode()
    assert "Mor ringer til skolen" in page
    assert "Underretning fra skolen" not in page  # the internal note is for staff
    assert "Udredning hos misbrugscentret" not in page
    assert client.get(reverse("netvaerk:moede", args=[other.pk])).status_code == 404
