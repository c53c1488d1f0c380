"""Writes of the investment model: validation naming the field, permission, audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from investering import selectors, services
from investering.models import Omkostningslinje, Omkostningstype, Pris
from investering.services import LinjeData
from kerne.models import Adgangslog, Familie, Rolle, Sektor
from tests.factories import PersonFactory, ProjektFactory
from tests.investering.conftest import AS_OF
from tests.investering.factories import cost_type

pytestmark = pytest.mark.django_db
D = Decimal


def data(omkostningstype, **overrides) -> LinjeData:
    values = {"omkostningstype": omkostningstype, "antal": D("1"), "fra": dt.date(2025, 1, 1)}
    values.update(overrides)
    return LinjeData(**values)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_a_case_manager_records_a_line_in_the_cost_types_sector(setup):
    mor = setup.familie.medlemskaber.get(rolle="voksen").person
    linje = services.linje_opret(
        acting_user=setup.koordinator,
        familie=setup.familie,
        data=data(setup.born, person=mor, til=dt.date(2025, 6, 30)),
    )
    assert linje.sagsdel.familie == setup.familie
    assert linje.sagsdel.sektor == Sektor.BOERN_FAMILIE
    row = Adgangslog.objects.get(objekt_type="investering.omkostningslinje", handling="create")
    assert row.familie_id == setup.familie.pk
    assert row.person_id == mor.pk
    assert row.sektor == Sektor.BOERN_FAMILIE
    assert row.detaljer["antal"] == "1"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"til": None, "antal": D("10")}, "til", "kræver en slutdato"),
        ({"fra": dt.date(2023, 12, 31)}, "fra", "ingen pris"),
        ({"pris_override": D("100")}, "override_begrundelse", "begrundelse"),
        ({"override_begrundelse": "Aftale"}, "pris_override", "afvigende pris"),
    ],
)
def test_invalid_lines_are_refused_naming_the_field(setup, overrides, field, message):
    omkostningstype = setup.mentor if "antal" in overrides else setup.job
    with pytest.raises(ValidationError) as excinfo:
        services.linje_opret(
            acting_user=setup.koordinator,
            familie=setup.familie,
            data=data(omkostningstype, **overrides),
        )
    assert field in errors_of(excinfo)
    assert message in " ".join(errors_of(excinfo)[field])
    assert not Omkostningslinje.objects.exists()


def test_a_person_outside_the_family_is_refused(setup):
    stranger = PersonFactory(kommune=setup.projekt.kommune)
    with pytest.raises(ValidationError) as excinfo:
        services.linje_opret(
            acting_user=setup.koordinator,
            familie=setup.familie,
            data=data(setup.job, person=stranger),
        )
    assert "person" in errors_of(excinfo)


def test_a_cost_type_of_another_municipality_is_refused(setup):
    other = cost_type(ProjektFactory().kommune, "Fremmed", prices=((dt.date(2020, 1, 1), "1"),))
    with pytest.raises(ValidationError) as excinfo:
        services.linje_opret(acting_user=setup.koordinator, familie=setup.familie, data=data(other))
    assert "omkostningstype" in errors_of(excinfo)


def test_a_department_case_worker_writes_only_their_own_sector(setup):
    services.linje_opret(
        acting_user=setup.sagsbehandler, familie=setup.familie, data=data(setup.job)
    )
    with pytest.raises(PermissionDenied):
        services.linje_opret(
            acting_user=setup.sagsbehandler, familie=setup.familie, data=data(setup.born)
        )


def test_leader_and_administration_keep_cost_data_where_they_see_the_sector(setup):
    services.linje_opret(
        acting_user=setup.projektleder, familie=setup.familie, data=data(setup.born)
    )
    # The administration has no sharing rule here, so it sees no sector and may write none.
    with pytest.raises(PermissionDenied):
        services.linje_opret(
            acting_user=setup.administrativ, familie=setup.familie, data=data(setup.job)
        )
    # A department leader sees the sector but does not keep cost data.
    with pytest.raises(PermissionDenied):
        services.linje_opret(
            acting_user=setup.afdelingsleder, familie=setup.familie, data=data(setup.job)
        )


def test_a_discharged_family_is_read_only(setup):
    linje = services.linje_opret(
        acting_user=setup.koordinator, familie=setup.familie, data=data(setup.job)
    )
    Familie.objects.filter(pk=setup.familie.pk).update(status=Familie.Status.AFSLUTTET)
    from kerne import adgang

    adgang.sync_family_grants(setup.familie, reason="test")
    linje.sagsdel.familie.refresh_from_db()
    for user in (setup.koordinator, setup.projektleder):
        with pytest.raises(PermissionDenied):
            services.linje_slet(acting_user=user, linje=linje)


def test_moving_a_line_to_a_sector_one_may_not_change_is_refused(setup):
    linje = services.linje_opret(
        acting_user=setup.sagsbehandler, familie=setup.familie, data=data(setup.job)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.linje_ret(acting_user=setup.sagsbehandler, linje=linje, data=data(setup.born))
    assert "omkostningstype" in errors_of(excinfo)


def test_deleting_a_line_is_audited_with_what_it_was(setup):
    linje = services.linje_opret(
        acting_user=setup.koordinator, familie=setup.familie, data=data(setup.job)
    )
    services.linje_slet(acting_user=setup.koordinator, linje=linje)
    assert not Omkostningslinje.objects.exists()
    row = Adgangslog.objects.get(handling="delete")
    assert row.detaljer["fra"] == "2025-01-01"
    assert row.sektor == Sektor.BESKAEFTIGELSE


def test_a_corrected_price_corrects_every_figure_it_touches(setup):
    services.linje_opret(
        acting_user=setup.koordinator,
        familie=setup.familie,
        data=data(setup.job, fra=dt.date(2025, 1, 1), til=dt.date(2025, 12, 31)),
    )
    before = selectors.family_figures(setup.koordinator, setup.familie, as_of=AS_OF)
    pris = setup.job.priser.get()
    services.pris_ret(
        acting_user=setup.projektleder, projekt=setup.projekt, pris=pris, beloeb=D("11000")
    )
    after = selectors.family_figures(setup.koordinator, setup.familie, as_of=AS_OF)
    assert before.baseline_total == D("120000")
    assert after.baseline_total == D("132000")
    row = Adgangslog.objects.get(objekt_type="investering.pris", handling="change")
    assert row.detaljer == {"before": "10000.00", "after": "11000"}


def test_only_leader_and_administration_keep_the_catalogue(setup):
    forvaltning = setup.job.forvaltning
    kwargs = {
        "projekt": setup.projekt,
        "navn": "Psykolog",
        "enhed": "session",
        "sektor": Sektor.SUNDHED,
        "forvaltning": forvaltning,
    }
    with pytest.raises(PermissionDenied):
        services.omkostningstype_opret(acting_user=setup.koordinator, **kwargs)
    created = services.omkostningstype_opret(acting_user=setup.administrativ, **kwargs)
    assert created.kommune == setup.projekt.kommune
    with pytest.raises(ValidationError) as excinfo:
        services.omkostningstype_opret(acting_user=setup.administrativ, **kwargs)
    assert "allerede" in str(excinfo.value)


def test_two_prices_from_the_same_day_are_refused(setup):
    with pytest.raises(ValidationError) as excinfo:
        services.pris_opret(
            acting_user=setup.projektleder,
            projekt=setup.projekt,
            omkostningstype=setup.job,
            gyldig_fra=dt.date(2024, 1, 1),
            beloeb=D("1"),
        )
    assert "allerede en pris" in str(excinfo.value)
    assert Pris.objects.filter(omkostningstype=setup.job).count() == 1


def test_the_sector_of_a_type_with_lines_cannot_change(setup):
    services.linje_opret(acting_user=setup.koordinator, familie=setup.familie, data=data(setup.job))
    with pytest.raises(ValidationError) as excinfo:
        services.omkostningstype_aendr(
            acting_user=setup.projektleder,
            projekt=setup.projekt,
            omkostningstype=setup.job,
            navn="Kontanthjælp",
            enhed="maaned",
            sektor=Sektor.SUNDHED,
            forvaltning=setup.job.forvaltning,
            eksempel=False,
        )
    assert "sektor" in errors_of(excinfo)
    assert Omkostningstype.objects.get(pk=setup.job.pk).sektor == Sektor.BESKAEFTIGELSE


def test_discount_rate_is_saved_within_bounds(setup):
    services.diskonteringsrente_saet(
        acting_user=setup.projektleder, projekt=setup.projekt, rente=D("3.5")
    )
    assert services.settings_for(setup.projekt).diskonteringsrente == D("3.5")
    with pytest.raises(ValidationError):
        services.diskonteringsrente_saet(
            acting_user=setup.projektleder, projekt=setup.projekt, rente=D("101")
        )
    with pytest.raises(PermissionDenied):
        services.diskonteringsrente_saet(
            acting_user=setup.koordinator, projekt=setup.projekt, rente=D("1")
        )


def test_roles_fixture_is_what_the_tests_assume(setup):
    from kerne import adgang

    assert Rolle.ADMINISTRATIV in adgang.roles_in(setup.administrativ, setup.projekt)
    assert adgang.sectors_for(setup.sagsbehandler, setup.familie) == [Sektor.BESKAEFTIGELSE]
