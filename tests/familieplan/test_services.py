"""Services of the family plan: versions, locking, validation, follow-ups, reminders, stafetlog."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from familieplan import selectors, services
from familieplan.models import (
    Aftale,
    Frist,
    Indsats,
    Maal,
    Paamindelse,
    Planversion,
    Statusskift,
)
from kerne import adgang
from kerne import services as kerne_services
from kerne.models import Adgangslog, Familie, Rolle, Sektor
from tests.factories import family_of
from tests.familieplan.factories import TODAY, activity_data, agree, draft_with, integrated

pytestmark = pytest.mark.django_db


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    return user


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt, betegnelse="Familien Holm")


def test_agreeing_freezes_the_version_and_records_who_when_how(koordinator, familie):
    version = draft_with(koordinator, familie, {}, {"titel": "Kursus", "art": "kursus"})

    agree(koordinator, version, day=TODAY - datetime.timedelta(days=1))

    version.refresh_from_db()
    assert version.status == Planversion.Status.AFTALT
    assert version.aftalt_dato == TODAY - datetime.timedelta(days=1)
    assert version.aftalt_registreret_af == koordinator
    assert list(version.aftalt_med.all()) == [familie.medlemskaber.get(rolle="voksen").person]
    assert Statusskift.objects.filter(objekt_id=version.pk, fra="kladde", til="aftalt").count() == 1
    indsats = version.indsatser.first()
    with pytest.raises(ValidationError, match="aftalt med familien"):
        services.indsats_gem(
            acting_user=koordinator,
            version=version,
            indsats=indsats,
            data=activity_data(familie, titel="Ændret"),
            revision=indsats.revision,
        )
    assert Indsats.objects.get(pk=indsats.pk).titel == "Virksomhedspraktik"


def test_a_new_draft_copies_the_agreed_version_and_keeps_each_activitys_key(koordinator, familie):
    v1 = draft_with(koordinator, familie, {}, {"titel": "Kursus", "art": "kursus"})
    services.maal_gem(
        acting_user=koordinator, version=v1, data=services.MaalData("Arbejde", "Fast job")
    )
    agree(koordinator, v1)

    v2 = services.kladde_opret(acting_user=koordinator, familie=familie)

    assert v2.nummer == 2
    assert v2.er_kladde
    assert sorted(v2.indsatser.values_list("noegle", flat=True)) == sorted(
        v1.indsatser.values_list("noegle", flat=True)
    )
    assert set(v2.indsatser.values_list("pk", flat=True)).isdisjoint(
        v1.indsatser.values_list("pk", flat=True)
    )
    assert [p.pk for p in v2.indsatser.first().personer.all()] == [
        p.pk for p in v1.indsatser.first().personer.all()
    ]
    assert v2.maal.get().noegle == v1.maal.get().noegle
    # Asking again gives the same draft, not a third version.
    assert services.kladde_opret(acting_user=koordinator, familie=familie) == v2


def test_the_diff_tells_added_removed_and_changed_activities(koordinator, familie):
    v1 = draft_with(koordinator, familie, {}, {"titel": "Kursus", "art": "kursus"})
    agree(koordinator, v1)
    v2 = services.kladde_opret(acting_user=koordinator, familie=familie)
    praktik = v2.indsatser.get(titel="Virksomhedspraktik")
    kursus = v2.indsatser.get(titel="Kursus")
    services.indsats_gem(
        acting_user=koordinator,
        version=v2,
        indsats=praktik,
        data=activity_data(familie, timer_pr_uge=Decimal(30)),
        revision=praktik.revision,
    )
    services.indsats_slet(acting_user=koordinator, indsats=kursus, revision=kursus.revision)
    services.indsats_gem(
        acting_user=koordinator,
        version=v2,
        data=activity_data(familie, titel="Mentor", art="mentor"),
    )

    activities, goals = selectors.versions_diff(koordinator, v1, v2)

    assert [a["titel"] for a in activities.tilfoejet] == ["Mentor"]
    assert [a["titel"] for a in activities.fjernet] == ["Kursus"]
    ((item, changes),) = activities.aendret
    assert item["titel"] == "Virksomhedspraktik"
    assert [(c.field, c.foer, c.efter) for c in changes] == [
        ("timer_pr_uge", Decimal(20), Decimal(30))
    ]
    assert goals.tom


def test_the_second_of_two_editors_gets_a_conflict_and_nothing_is_overwritten(
    koordinator, familie, make_user
):
    version = draft_with(koordinator, familie, {})
    indsats = version.indsatser.get()
    loaded = indsats.revision
    services.indsats_gem(
        acting_user=koordinator,
        version=version,
        indsats=indsats,
        data=activity_data(familie, titel="Første redaktør"),
        revision=loaded,
    )

    with pytest.raises(services.KonfliktError, match="ændret af en anden"):
        services.indsats_gem(
            acting_user=koordinator,
            version=version,
            indsats=indsats,
            data=activity_data(familie, titel="Anden redaktør"),
            revision=loaded,
        )

    assert Indsats.objects.get(pk=indsats.pk).titel == "Første redaktør"


def test_agreeing_a_draft_changed_since_it_was_read_is_a_conflict(koordinator, familie):
    version = draft_with(koordinator, familie, {})
    read = version.revision
    services.indsats_gem(
        acting_user=koordinator, version=version, data=activity_data(familie, titel="Ny")
    )

    with pytest.raises(services.KonfliktError):
        services.version_aftal(
            acting_user=koordinator,
            version=version,
            revision=read,
            aftalt_dato=TODAY,
            aftalt_form="moede",
            aftalt_med=[familie.medlemskaber.get(rolle="voksen").person],
        )
    assert Planversion.objects.get(pk=version.pk).er_kladde


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"slutdato": TODAY - datetime.timedelta(days=60)},
            "slutdato",
            "Slutdatoen skal ligge på eller efter startdatoen.",
        ),
        ({"timer_pr_uge": Decimal(61)}, "timer_pr_uge", "Timer pr. uge skal være mellem 0 og 60."),
        ({"timer_pr_uge": Decimal(-1)}, "timer_pr_uge", "Timer pr. uge skal være mellem 0 og 60."),
        ({"maal": "  "}, "maal", "Skriv indsatsens mål."),
        ({"kadence": ""}, "kadence", "Vælg, hvor ofte der følges op på indsatsen."),
    ],
)
def test_an_invalid_activity_names_the_field_and_the_rule(
    koordinator, familie, overrides, field, message
):
    version = services.plan_opret(acting_user=koordinator, familie=familie)

    with pytest.raises(ValidationError) as caught:
        services.indsats_gem(
            acting_user=koordinator, version=version, data=activity_data(familie, **overrides)
        )

    assert caught.value.message_dict[field] == [message]
    assert not Indsats.objects.exists()


def test_an_activity_only_about_the_familys_members(koordinator, familie, projekt):
    stranger = family_of(koordinator, projekt).medlemskaber.first().person
    version = services.plan_opret(acting_user=koordinator, familie=familie)
    with pytest.raises(ValidationError) as caught:
        services.indsats_gem(
            acting_user=koordinator,
            version=version,
            data=activity_data(familie, personer=[stranger]),
        )
    assert "personer" in caught.value.message_dict


def test_a_case_worker_writes_only_their_own_sector(koordinator, familie, make_user, projekt):
    from kerne.models import Medarbejder
    from tests.factories import ForvaltningFactory

    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    worker = make_user(Rolle.SAGSBEHANDLER)
    Medarbejder.objects.filter(bruger=worker).update(forvaltning=jobcenter)
    leader = make_user(Rolle.PROJEKTLEDER)
    kerne_services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=worker
    )
    version = services.plan_opret(acting_user=koordinator, familie=familie)

    services.indsats_gem(acting_user=worker, version=version, data=activity_data(familie))
    with pytest.raises(PermissionDenied):
        services.indsats_gem(
            acting_user=worker,
            version=version,
            data=activity_data(familie, sektor=Sektor.BOERN_FAMILIE),
        )
    with pytest.raises(PermissionDenied):
        services.maal_gem(acting_user=worker, version=version, data=services.MaalData("x", "y"))


def test_a_goal_in_use_cannot_be_deleted(koordinator, familie):
    version = services.plan_opret(acting_user=koordinator, familie=familie)
    maal = services.maal_gem(
        acting_user=koordinator, version=version, data=services.MaalData("Arbejde", "Job")
    )
    services.indsats_gem(
        acting_user=koordinator, version=version, data=activity_data(familie, faelles_maal=maal)
    )
    maal.refresh_from_db()

    with pytest.raises(ValidationError, match="indsatser hører til"):
        services.maal_slet(acting_user=koordinator, maal=maal, revision=maal.revision)
    assert Maal.objects.filter(pk=maal.pk).exists()


def test_agreeing_sets_due_dates_and_a_follow_up_moves_them(koordinator, familie):
    start = TODAY - datetime.timedelta(days=40)
    version = draft_with(koordinator, familie, {"startdato": start, "kadence": "hver_14_dag"})
    agree(koordinator, version)
    indsats = version.indsatser.get()
    assert Frist.objects.get(indsats=indsats).forfald == start + datetime.timedelta(days=14)
    assert list(selectors.followups_due(koordinator)) == [Frist.objects.get(indsats=indsats)]

    services.opfoelgning_registrer(
        acting_user=koordinator, indsats=indsats, dato=TODAY, form="Samtale", vurdering="paa_sporet"
    )

    assert Frist.objects.get(indsats=indsats).forfald == TODAY + datetime.timedelta(days=14)
    assert list(selectors.followups_due(koordinator)) == []


def test_follow_ups_are_only_on_the_latest_agreed_version_and_not_in_the_future(
    koordinator, familie
):
    version = draft_with(koordinator, familie, {})
    with pytest.raises(ValidationError, match="seneste version"):
        services.opfoelgning_registrer(
            acting_user=koordinator,
            indsats=version.indsatser.get(),
            dato=TODAY,
            form="x",
            vurdering="delvist",
        )
    agree(koordinator, version)
    with pytest.raises(ValidationError) as caught:
        services.opfoelgning_registrer(
            acting_user=koordinator,
            indsats=version.indsatser.get(),
            dato=TODAY + datetime.timedelta(days=1),
            form="x",
            vurdering="delvist",
        )
    assert "dato" in caught.value.message_dict


def test_the_daily_sweep_makes_one_reminder_per_due_follow_up(koordinator, familie):
    version = draft_with(koordinator, familie, {"startdato": TODAY - datetime.timedelta(days=60)})
    agree(koordinator, version)

    assert services.paamindelser_opret(today=TODAY) == {koordinator.pk: 1}
    assert services.paamindelser_opret(today=TODAY) == {}
    assert Paamindelse.objects.get().bruger == koordinator


def test_a_discharged_family_has_no_due_follow_ups(koordinator, familie):
    version = draft_with(koordinator, familie, {"startdato": TODAY - datetime.timedelta(days=60)})
    agree(koordinator, version)
    Familie.objects.filter(pk=familie.pk).update(status=Familie.Status.AFSLUTTET)
    adgang.sync_family_grants(familie, reason="test")

    assert list(selectors.followups_due(koordinator)) == []
    assert services.paamindelser_opret(today=TODAY) == {}


def test_every_change_is_audited_without_free_text(koordinator, familie):
    version = draft_with(koordinator, familie, {"titel": "Hemmelig titel"})
    rows = Adgangslog.objects.filter(familie_id=familie.pk, objekt_type="familieplan.indsats")
    assert rows.count() == 1
    assert "Hemmelig" not in str(list(rows.values_list("detaljer", flat=True)))
    assert rows.get().sektor == Sektor.BESKAEFTIGELSE
    assert version.revision == 1


def test_agreement_status_follows_the_declared_transitions(koordinator, familie):
    aftale = services.aftale_opret(
        acting_user=koordinator, familie=familie, hvad="Ringe", hvem="Mor", frist=TODAY
    )
    services.aftale_status_saet(
        acting_user=koordinator, aftale=aftale, status=Aftale.Status.UDFOERT
    )

    with pytest.raises(ValidationError, match="kan ikke skifte"):
        services.aftale_status_saet(
            acting_user=koordinator, aftale=aftale, status=Aftale.Status.OPGIVET
        )

    assert list(Statusskift.objects.filter(objekt_type="aftale").values_list("fra", "til")) == [
        ("aaben", "udfoert")
    ]


def test_a_professional_may_read_only_with_a_parents_decision(koordinator, familie, make_user):
    fagperson = make_user(Rolle.FAGPERSON)
    data = services.AktoerData(
        navn="Maja", rolle="Mentor", kontakt="tlf", bruger=fagperson, maa_laese=True
    )
    with pytest.raises(ValidationError) as caught:
        services.aktoer_gem(acting_user=koordinator, familie=familie, data=data)
    assert "laeseadgang_besluttet_af" in caught.value.message_dict

    data.laeseadgang_besluttet_af = familie.medlemskaber.get(rolle="voksen").person
    aktoer = services.aktoer_gem(acting_user=koordinator, familie=familie, data=data)
    assert list(selectors.stafetlog_families_for(fagperson)) == [familie]

    services.aktoer_ophoer(acting_user=koordinator, aktoer=aktoer)
    assert list(selectors.stafetlog_families_for(fagperson)) == []


def test_the_daily_task_mails_only_a_count_once(koordinator, familie, mailoutbox):
    from familieplan.tasks import opfoelgninger_paamind

    koordinator.email = "karin@example.invalid"
    koordinator.save(update_fields=["email"])
    version = draft_with(
        koordinator,
        familie,
        {"startdato": TODAY - datetime.timedelta(days=60), "titel": "Hemmelig"},
    )
    agree(koordinator, version)

    assert opfoelgninger_paamind() == 1
    assert opfoelgninger_paamind() == 0

    (mail,) = mailoutbox
    assert mail.to == ["karin@example.invalid"]
    assert "1 opfølgning" in mail.body
    assert "Hemmelig" not in mail.body
    assert familie.betegnelse not in mail.body
