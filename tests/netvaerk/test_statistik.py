"""What the partners achieve: the pure counting, and the project leader's figures by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from familieplan import services as plan_services
from kerne.models import Rolle
from netvaerk import selectors, services, statistik
from registrering.models import Indikator, Registrering, Vaerdi
from tests.factories import family_of
from tests.familieplan.factories import TODAY, activity_data, agree, draft_with, integrated
from tests.netvaerk.factories import partner

B = statistik.Betjent


def test_a_person_served_twice_by_one_partner_counts_once_and_now_if_any_link_runs():
    tal = statistik.per_partner(
        [B(1, 10, True, False), B(1, 10, True, True), B(1, 11, False, False), B(2, 10, True, False)]
    )
    assert (tal[1].boern_nu, tal[1].voksne_nu, tal[1].boern_i_alt, tal[1].voksne_i_alt) == (
        1,
        0,
        1,
        1,
    )
    assert (tal[2].boern_nu, tal[2].boern_i_alt) == (0, 1)


def test_persons_served_are_counted_in_every_month_their_period_touches():
    per = statistik.Periode
    months = [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    perioder = [
        per(1, 10, True, datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)),  # January only
        per(2, 10, True, datetime.date(2026, 2, 28), None),  # from the last day of February
        per(1, 11, False, datetime.date(2026, 1, 15), datetime.date(2026, 2, 1)),
        per(2, 11, False, datetime.date(2026, 1, 20), datetime.date(2026, 1, 31)),  # same adult
    ]
    assert statistik.served_by_month(perioder, months) == ([1, 1, 1], [1, 1, 0])
    assert statistik.month_end(datetime.date(2028, 2, 1)) == datetime.date(2028, 2, 29)


def test_shares_round_half_up_and_a_month_without_registrations_is_a_gap():
    assert statistik.share(1, 3) == Decimal("33.3")
    assert statistik.share(2, 3) == Decimal("66.7")
    assert statistik.share(1, 8) == Decimal("12.5")
    assert statistik.share(0, 0) is None
    months = statistik.months_back(datetime.date(2026, 2, 17), 3)
    assert months == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    counts = {(months[1], "fritidsjob"): (1, 4)}
    assert statistik.shares_by_month(counts, months, "fritidsjob") == [None, Decimal("25.0"), None]


@pytest.mark.django_db
def test_partner_statistics_match_a_hand_computed_example(make_user, projekt, client):
    koordinator = make_user(Rolle.KOORDINATOR)
    leder = make_user(Rolle.PROJEKTLEDER)
    integrated(projekt)
    a = family_of(koordinator, projekt)
    b = family_of(koordinator, projekt)
    anne, bo = (a.medlemskaber.get(rolle=r).person for r in ("voksen", "barn"))
    carl, dea = (b.medlemskaber.get(rolle=r).person for r in ("voksen", "barn"))
    p1, p2, p3 = partner(projekt, "IF"), partner(projekt, "Netto"), partner(projekt, "Ingen")
    day = datetime.timedelta(days=1)

    def leisure(person, familie, p, fra, til=None):
        services.fritid_tilknyt(
            acting_user=koordinator,
            familie=familie,
            person=person,
            art="fritidsaktivitet",
            partner=p,
            fra=fra,
            til=til,
        )

    leisure(bo, a, p1, TODAY - 60 * day)  # child, now
    leisure(dea, b, p1, TODAY - 365 * day, TODAY - 90 * day)  # child, ever

    # Family A: Anne's running activity names IF; Bo's activity names IF too (still one child).
    va = draft_with(koordinator, a, {"titel": "Motion", "personer": [anne]})
    va_bo = plan_services.indsats_gem(
        acting_user=koordinator, version=va, data=activity_data(a, titel="Bold", personer=[bo])
    )
    services.indsats_partner_saet(
        acting_user=koordinator, indsats=va.indsatser.get(titel="Motion"), partner=p1
    )
    services.indsats_partner_saet(acting_user=koordinator, indsats=va_bo, partner=p1)
    agree(koordinator, va)
    # A draft-only activity does not count.
    draft = plan_services.kladde_opret(acting_user=koordinator, familie=a)
    extra = plan_services.indsats_gem(
        acting_user=koordinator,
        version=draft,
        data=activity_data(a, titel="Kladde", personer=[anne]),
    )
    services.indsats_partner_saet(acting_user=koordinator, indsats=extra, partner=p3)

    # Family B: Carl's job ran in version 1; version 2 ended it yesterday. Carl and Dea's
    # course with Netto ended last month.
    vb = draft_with(
        koordinator,
        b,
        {"titel": "Job", "personer": [carl]},
        {
            "titel": "Kursus",
            "personer": [carl, dea],
            "startdato": TODAY - 200 * day,
            "slutdato": TODAY - 30 * day,
        },
    )
    for indsats in vb.indsatser.all():
        services.indsats_partner_saet(acting_user=koordinator, indsats=indsats, partner=p2)
    agree(koordinator, vb)
    vb2 = plan_services.kladde_opret(acting_user=koordinator, familie=b)
    job = vb2.indsatser.get(titel="Job")
    plan_services.indsats_gem(
        acting_user=koordinator,
        version=vb2,
        indsats=job,
        revision=job.revision,
        data=activity_data(b, titel="Job", personer=[carl], slutdato=TODAY - day),
    )
    agree(koordinator, vb2)

    rows = {r.partner.navn: r.tal for r in selectors.partner_statistics(projekt, TODAY)}
    assert (rows["IF"].boern_nu, rows["IF"].voksne_nu) == (1, 1)
    assert (rows["IF"].boern_i_alt, rows["IF"].voksne_i_alt) == (2, 1)
    assert (rows["Netto"].boern_nu, rows["Netto"].voksne_nu) == (0, 0)
    assert (rows["Netto"].boern_i_alt, rows["Netto"].voksne_i_alt) == (1, 1)
    assert (rows["Ingen"].boern_i_alt, rows["Ingen"].voksne_i_alt) == (0, 0)

    periods = selectors.served_periods(projekt, TODAY)
    assert {(p.partner_id, p.person_id) for p in periods} == {
        (p1.pk, anne.pk),
        (p1.pk, bo.pk),
        (p1.pk, dea.pk),
        (p2.pk, carl.pk),
        (p2.pk, dea.pk),
    }
    job_now = [p for p in periods if p.partner_id == p2.pk and p.person_id == carl.pk]
    assert TODAY - day in {p.til for p in job_now}  # as the latest agreed version has it

    # Leisure shares this month: Bo yes, Dea no (50 %); Dea has a leisure job (100 %).
    month = TODAY.replace(day=1)
    # The national indicators come from a data migration; a browser test's flush may have
    # removed them from a reused test database.
    indikator = {
        kode: Indikator.objects.get_or_create(
            kommune=None,
            kode=kode,
            defaults={"navn": kode, "gaelder_for": "barn", "type": "ja_nej", "sektor": sektor},
        )[0]
        for kode, sektor in (
            ("fritidsaktivitet", "boern_familie"),
            ("fritidsjob", "beskaeftigelse"),
        )
    }
    for person, familie, aktivitet, job_svar in ((bo, a, 1, None), (dea, b, 0, 1)):
        reg = Registrering.objects.create(
            person=person,
            familie=familie,
            maaned=month,
            registreret_af=koordinator,
            aendret_af=koordinator,
        )
        sagsdele = {s.sektor: s for s in familie.sagsdele.all()}
        Vaerdi.objects.create(
            registrering=reg,
            sagsdel=sagsdele["boern_familie"],
            indikator=indikator["fritidsaktivitet"],
            tal=aktivitet,
        )
        if job_svar is not None:
            Vaerdi.objects.create(
                registrering=reg,
                sagsdel=sagsdele["beskaeftigelse"],
                indikator=indikator["fritidsjob"],
                tal=job_svar,
            )
    months = statistik.months_back(TODAY, 2)
    counts = selectors.leisure_counts(projekt, months)
    assert statistik.shares_by_month(counts, months, "fritidsaktivitet") == [None, Decimal("50.0")]
    assert statistik.shares_by_month(counts, months, "fritidsjob") == [None, Decimal("100.0")]

    client.force_login(leder)
    page = client.get(reverse("netvaerk:statistik"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-testid="partner-row-{p1.pk}"' in html
    assert "50,0 %" in html
    assert "<svg" in html
