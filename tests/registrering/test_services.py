"""The registration's writes: the month form, locking and reopening, questionnaires, risks and
milestones, the CSV import and the reminders."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kerne.models import Adgangslog, Familie, Medarbejder, Rolle, Sektor
from registrering import rules, services
from registrering.models import (
    Indlaesning,
    Maanedsaabning,
    Milepael,
    Paamindelse,
    Registrering,
    Risiko,
    Spoergeskema,
    Vaerdi,
)
from tests.factories import ForvaltningFactory, PersonFactory, add_member
from tests.registrering.conftest import make_family
from tests.registrering.factories import THIS_MONTH, TODAY, adult, children, months_ago
from tests.registrering.helpers import adult_entry, full_month

pytestmark = pytest.mark.django_db
D = datetime.date


def register(user, familie, maaned, entry, today=TODAY):
    return services.maaned_registrer(
        acting_user=user, familie=familie, maaned=maaned, indtastning=entry, today=today
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- The month form ---------------------------------------------------------------------------


def test_a_whole_family_is_registered_in_one_go_and_is_complete(koordinator, familie):
    result = register(koordinator, familie, THIS_MONTH, full_month(familie, THIS_MONTH))

    assert result.created == 3
    registreringer = Registrering.objects.filter(familie=familie, maaned=THIS_MONTH)
    assert registreringer.count() == 3
    assert all(r.komplet and r.mangler == [] for r in registreringer)
    mor = registreringer.get(person=adult(familie))
    assert mor.vaerdier.get(indikator__kode="forsoergelse").tekst == "kontanthjaelp"
    assert mor.vaerdier.get(indikator__kode="egenomsorg").tal == Decimal(2)


def test_each_value_lands_in_the_sagsdel_of_its_indicators_sector(koordinator, familie):
    register(koordinator, familie, THIS_MONTH, full_month(familie, THIS_MONTH))

    for vaerdi in Vaerdi.objects.filter(registrering__familie=familie).select_related(
        "indikator", "sagsdel"
    ):
        assert vaerdi.sagsdel.familie_id == familie.pk
        assert vaerdi.sagsdel.sektor == vaerdi.indikator.sektor
    sectors = set(
        Vaerdi.objects.filter(registrering__familie=familie).values_list(
            "sagsdel__sektor", flat=True
        )
    )
    assert sectors == set(Sektor.values)


def test_every_registered_person_is_audited_without_the_values(koordinator, familie):
    register(koordinator, familie, THIS_MONTH, full_month(familie, THIS_MONTH))

    rows = Adgangslog.objects.filter(
        handling=Adgangslog.Handling.CREATE, formaal=Adgangslog.Formaal.REGISTRERING
    )
    assert rows.count() == 3
    assert {row.person_id for row in rows} == {m.person_id for m in familie.medlemskaber.all()}
    assert rows.first().detaljer["maaned"] == f"{THIS_MONTH:%Y-%m}"
    assert "kontanthjaelp" not in str(list(rows.values_list("detaljer", flat=True)))


def test_a_partial_registration_is_saved_and_lists_what_is_missing(koordinator, familie):
    mor = adult(familie)
    register(koordinator, familie, THIS_MONTH, {mor.pk: {"egenomsorg": "1", "netvaerk": "2"}})

    registrering = Registrering.objects.get(person=mor, maaned=THIS_MONTH)
    assert not registrering.komplet
    assert "forsoergelse" in registrering.mangler
    assert "egenomsorg" not in registrering.mangler


def test_a_member_with_nothing_entered_gets_no_registration(koordinator, familie):
    mor = adult(familie)
    register(koordinator, familie, THIS_MONTH, {mor.pk: dict.fromkeys(["egenomsorg"], "")})

    assert not Registrering.objects.exists()


def test_correcting_and_clearing_values(koordinator, familie):
    mor = adult(familie)
    register(koordinator, familie, THIS_MONTH, {mor.pk: {"egenomsorg": "1", "netvaerk": "2"}})

    result = register(
        koordinator, familie, THIS_MONTH, {mor.pk: {"egenomsorg": "3", "netvaerk": ""}}
    )

    assert (result.created, result.changed) == (0, 1)
    registrering = Registrering.objects.get(person=mor, maaned=THIS_MONTH)
    assert list(registrering.vaerdier.values_list("indikator__kode", "tal")) == [
        ("egenomsorg", Decimal(3))
    ]
    change = Adgangslog.objects.filter(handling=Adgangslog.Handling.CHANGE, person_id=mor.pk).get()
    assert change.detaljer["indikatorer"] == ["egenomsorg", "netvaerk"]


def test_one_registration_per_person_per_month_is_a_database_constraint(koordinator, familie):
    mor = adult(familie)
    fields = {"person": mor, "familie": familie, "maaned": THIS_MONTH}
    Registrering.objects.create(registreret_af=koordinator, aendret_af=koordinator, **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Registrering.objects.create(registreret_af=koordinator, aendret_af=koordinator, **fields)
    with pytest.raises(ValidationError) as excinfo:
        Registrering(registreret_af=koordinator, aendret_af=koordinator, **fields).full_clean()
    assert "Personen er allerede registreret for denne måned." in str(excinfo.value)


def test_a_month_is_stored_by_its_first_day(koordinator, familie):
    with pytest.raises(IntegrityError), transaction.atomic():
        Registrering.objects.create(
            person=adult(familie),
            familie=familie,
            maaned=THIS_MONTH.replace(day=2),
            registreret_af=koordinator,
            aendret_af=koordinator,
        )


def test_one_bad_value_rejects_the_whole_form_and_stores_nothing(koordinator, familie):
    entry = full_month(familie, THIS_MONTH)
    teen = children(familie)[0]
    entry[teen.pk]["skolefravaer_pct"] = "120"
    entry[teen.pk]["trivsel"] = "7"

    with pytest.raises(ValidationError) as excinfo:
        register(koordinator, familie, THIS_MONTH, entry)

    assert errors_of(excinfo) == {
        f"p{teen.pk}-skolefravaer_pct": [
            "Skolefravær (%) skal være mellem 0 og 100 (du skrev 120)."
        ],
        f"p{teen.pk}-trivsel": ["Trivsel skal være mellem 0 og 4 (du skrev 7)."],
    }
    assert not Registrering.objects.exists()
    assert not Vaerdi.objects.exists()


def test_fritidsjob_for_a_child_under_13_is_refused(koordinator, projekt):
    familie = make_family(koordinator, projekt, children=(10,))
    child = children(familie)[0]

    with pytest.raises(ValidationError) as excinfo:
        register(koordinator, familie, THIS_MONTH, {child.pk: {"fritidsjob": "ja"}})

    assert errors_of(excinfo) == {
        f"p{child.pk}-fritidsjob": ["Fritidsjob registreres kun for alderen 13–17 år."]
    }


def test_a_future_month_is_refused(koordinator, familie):
    with pytest.raises(ValidationError) as excinfo:
        register(
            koordinator, familie, rules.add_months(THIS_MONTH, 1), full_month(familie, THIS_MONTH)
        )

    assert "Der kan ikke registreres for en fremtidig måned" in excinfo.value.messages[0]


def test_a_locked_month_is_refused_until_the_project_leader_reopens_it(koordinator, leder, familie):
    maaned = D(2026, 3, 1)
    after_deadline = D(2026, 4, 11)
    entry = full_month(familie, maaned)

    assert register(koordinator, familie, maaned, entry, today=D(2026, 4, 10)).created == 3
    with pytest.raises(ValidationError) as excinfo:
        register(
            koordinator,
            familie,
            maaned,
            {adult(familie).pk: {"egenomsorg": "4"}},
            today=after_deadline,
        )
    assert excinfo.value.messages == [
        "Måneden marts 2026 er låst: fristen var 10.04.2026. Projektlederen kan genåbne den."
    ]

    services.maaned_genaabn(
        acting_user=leder,
        familie=familie,
        maaned=maaned,
        begrundelse="Forkert forsørgelse registreret",
        aaben_til=D(2026, 4, 20),
        today=after_deadline,
    )

    assert (
        register(
            koordinator,
            familie,
            maaned,
            {adult(familie).pk: {"egenomsorg": "4"}},
            today=after_deadline,
        ).changed
        == 1
    )
    with pytest.raises(ValidationError):
        register(
            koordinator,
            familie,
            maaned,
            {adult(familie).pk: {"egenomsorg": "3"}},
            today=D(2026, 4, 21),
        )


def test_reopening_is_audited_with_the_month(leder, familie):
    maaned = months_ago(3)
    aabning = services.maaned_genaabn(
        acting_user=leder,
        familie=familie,
        maaned=maaned,
        begrundelse="Manglende skolefravær",
        aaben_til=TODAY,
    )

    row = Adgangslog.objects.get(objekt_type="registrering.maanedsaabning")
    assert row.objekt_id == str(aabning.pk)
    assert row.familie_id == familie.pk
    assert row.detaljer == {"genaabnet": f"{maaned:%Y-%m}", "aaben_til": TODAY.isoformat()}


def test_only_the_project_leader_reopens(koordinator, familie):
    with pytest.raises(PermissionDenied):
        services.maaned_genaabn(
            acting_user=koordinator,
            familie=familie,
            maaned=months_ago(3),
            begrundelse="x",
            aaben_til=TODAY,
        )


@pytest.mark.parametrize(
    ("maaned", "begrundelse", "days", "errors"),
    [
        (THIS_MONTH, "Ret", 3, {"__all__": ["Måneden er stadig åben; den skal ikke genåbnes."]}),
        (
            rules.add_months(THIS_MONTH, 1),
            "Ret",
            3,
            {"__all__": ["En fremtidig måned kan ikke genåbnes."]},
        ),
        (months_ago(3), "  ", 3, {"begrundelse": ["Skriv, hvorfor måneden genåbnes."]}),
        (
            months_ago(3),
            "Ret",
            -1,
            {"aaben_til": ["Datoen for, hvornår måneden lukker igen, må ikke ligge i fortiden."]},
        ),
        (
            months_ago(3),
            "Ret",
            32,
            {"aaben_til": ["En måned kan højst genåbnes i 31 dage ad gangen."]},
        ),
    ],
)
def test_reopening_is_refused_with_a_clear_message(
    leder, familie, maaned, begrundelse, days, errors
):
    with pytest.raises(ValidationError) as excinfo:
        services.maaned_genaabn(
            acting_user=leder,
            familie=familie,
            maaned=maaned,
            begrundelse=begrundelse,
            aaben_til=TODAY + datetime.timedelta(days=days),
        )

    assert errors_of(excinfo) == errors
    assert not Maanedsaabning.objects.exists()


def test_a_person_not_yet_in_the_family_that_month_is_refused(koordinator, familie, projekt):
    newcomer = PersonFactory(kommune=projekt.kommune)
    add_member(familie, newcomer, rolle="voksen", relation="partner", fra=D(2026, 4, 2))

    with pytest.raises(ValidationError) as excinfo:
        register(
            koordinator,
            familie,
            D(2026, 3, 1),
            {newcomer.pk: {"egenomsorg": "1"}},
            today=D(2026, 4, 5),
        )

    assert excinfo.value.messages == ["Personen var ikke medlem af en aktiv familie i marts 2026."]
    assert (
        register(
            koordinator,
            familie,
            D(2026, 4, 1),
            {newcomer.pk: {"egenomsorg": "1"}},
            today=D(2026, 4, 5),
        ).created
        == 1
    )


def test_a_family_that_is_not_active_is_refused(koordinator, familie):
    Familie.objects.filter(pk=familie.pk).update(status=Familie.Status.VENTELISTE)

    with pytest.raises(ValidationError) as excinfo:
        register(koordinator, familie, THIS_MONTH, {adult(familie).pk: {"egenomsorg": "1"}})

    assert excinfo.value.messages == ["Der kan kun registreres for en aktiv familie."]


def test_a_value_of_a_sector_the_user_may_not_change_is_refused(make_user, projekt, familie):
    from kerne import services as kerne_services

    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    worker = make_user(Rolle.SAGSBEHANDLER)
    Medarbejder.objects.filter(bruger=worker).update(forvaltning=jobcenter)
    leader = make_user(Rolle.PROJEKTLEDER)
    kerne_services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=worker
    )
    mor = adult(familie)

    register(worker, familie, THIS_MONTH, {mor.pk: {"forsoergelse": "fleksjob"}})
    with pytest.raises(PermissionDenied):
        register(worker, familie, THIS_MONTH, {mor.pk: {"egenomsorg": "1"}})

    assert list(Vaerdi.objects.values_list("indikator__kode", flat=True)) == ["forsoergelse"]


def test_a_user_without_any_sector_cannot_register(leder, familie):
    with pytest.raises(PermissionDenied):
        register(leder, familie, THIS_MONTH, {adult(familie).pk: {"egenomsorg": "1"}})


def test_a_child_registered_in_the_other_parents_family_is_refused(koordinator, projekt, familie):
    child = children(familie)[1]
    other = make_family(koordinator, projekt, children=())
    add_member(other, child, rolle="barn", relation="barn", fra=D(2020, 1, 1))
    register(koordinator, familie, THIS_MONTH, {child.pk: {"trivsel": "1"}})

    with pytest.raises(ValidationError) as excinfo:
        register(koordinator, other, THIS_MONTH, {child.pk: {"trivsel": "2"}})

    assert "er allerede registreret for" in excinfo.value.messages[0]
    assert "i en anden familie" in excinfo.value.messages[0]


# --- Questionnaires ---------------------------------------------------------------------------


def sdq_answers(value=1):
    return {str(n): value for n in range(1, 26)}


def test_an_sdq_is_scored_on_the_way_in(koordinator, familie):
    child = children(familie)[1]  # 8 years

    skema = services.spoergeskema_registrer(
        acting_user=koordinator,
        familie=familie,
        person=child,
        type="sdq",
        version="foraelder",
        maalepunkt="start",
        dato=TODAY,
        svar=sdq_answers(1),
    )

    assert skema.score == 20  # every subscale 5; four difficulty subscales
    assert skema.sagsdel.sektor == Sektor.BOERN_FAMILIE
    assert Adgangslog.objects.filter(objekt_id=str(skema.pk), handling="create").exists()


def test_a_who5_is_stored_with_its_percentage(koordinator, familie):
    skema = services.spoergeskema_registrer(
        acting_user=koordinator,
        familie=familie,
        person=adult(familie),
        type="who5",
        version="",
        maalepunkt="midtvejs",
        dato=TODAY,
        svar={"1": 3, "2": 3, "3": 3, "4": 3, "5": None},
    )

    assert skema.version == "who5"
    assert skema.score is None  # an item missing: missing
    assert skema.sagsdel.sektor == Sektor.SUNDHED


QUESTIONNAIRE_REFUSALS = [
    (
        "adult",
        "sdq",
        "foraelder",
        0,
        sdq_answers(),
        {"person": ["Forælderversion (4–17 år) bruges for børn på 4–17 år."]},
    ),
    ("child", "who5", "", 0, {"1": 3}, {"person": ["WHO-5 bruges for voksne."]}),
    (
        "child",
        "sdq",
        "selv",
        0,
        sdq_answers(),
        {"person": ["Selvrapport (11–17 år) bruges for børn på 11–17 år."]},
    ),
    (
        "child",
        "sdq",
        "foraelder",
        1,
        {"3": 3},
        {
            "dato": ["Datoen må ikke ligge i fremtiden."],
            "3": ["Punkt 3 skal besvares med 0, 1 eller 2."],
        },
    ),
    ("child", "sdq", "x", 0, {}, {"version": ["Vælg en SDQ-version."]}),
]


@pytest.mark.parametrize(
    ("who", "type_", "version", "dato", "svar", "errors"), QUESTIONNAIRE_REFUSALS
)
def test_questionnaire_refusals_name_the_field(
    koordinator, familie, who, type_, version, dato, svar, errors
):
    person = adult(familie) if who == "adult" else children(familie)[1]
    with pytest.raises(ValidationError) as excinfo:
        services.spoergeskema_registrer(
            acting_user=koordinator,
            familie=familie,
            person=person,
            type=type_,
            version=version,
            maalepunkt="start",
            dato=TODAY + datetime.timedelta(days=dato),
            svar=svar,
        )

    assert errors_of(excinfo) == errors
    assert not Spoergeskema.objects.exists()


# --- Risks and milestones ---------------------------------------------------------------------

RISK = {
    "beskrivelse": "Frafald",
    "sandsynlighed": 3,
    "konsekvens": 4,
    "afhjaelpning": "",
    "ejer": "Pia",
}


def test_a_risk_keeps_its_history_month_by_month(leder, projekt):
    risiko = services.risiko_gem(
        acting_user=leder, projekt=projekt, data=RISK, maaned=months_ago(1)
    )
    services.risiko_gem(
        acting_user=leder,
        projekt=projekt,
        risiko=risiko,
        data={**RISK, "sandsynlighed": 2, "status": "under_haandtering"},
        maaned=THIS_MONTH,
        note="Tættere opfølgning",
    )

    rows = list(
        risiko.historik.order_by("pk").values_list(
            "maaned", "fra_status", "til_status", "sandsynlighed", "note"
        )
    )
    assert rows == [
        (months_ago(1), "", "aaben", 3, ""),
        (THIS_MONTH, "aaben", "under_haandtering", 2, "Tættere opfølgning"),
    ]


def test_a_risk_status_follows_the_declared_transitions(leder, projekt):
    risiko = services.risiko_gem(acting_user=leder, projekt=projekt, data=RISK, maaned=THIS_MONTH)
    risiko = services.risiko_gem(
        acting_user=leder,
        projekt=projekt,
        risiko=risiko,
        data={"status": "lukket"},
        maaned=THIS_MONTH,
    )
    milepael = services.milepael_gem(
        acting_user=leder,
        projekt=projekt,
        data={"titel": "Midtvejs", "frist": TODAY, "status": "naaet"},
        maaned=THIS_MONTH,
    )

    with pytest.raises(ValidationError) as excinfo:
        services.risiko_gem(
            acting_user=leder,
            projekt=projekt,
            risiko=risiko,
            data={"status": "under_haandtering"},
            maaned=THIS_MONTH,
        )
    assert errors_of(excinfo) == {
        "status": ["Status kan ikke skifte fra lukket til under_haandtering."]
    }
    with pytest.raises(ValidationError):
        services.milepael_gem(
            acting_user=leder,
            projekt=projekt,
            milepael=milepael,
            data={"status": "i_gang"},
            maaned=THIS_MONTH,
        )
    assert Risiko.objects.get().status == "lukket"
    assert Milepael.objects.get().status == "naaet"


def test_risk_values_are_checked_by_the_database_rules(leder, projekt):
    with pytest.raises(ValidationError) as excinfo:
        services.risiko_gem(
            acting_user=leder, projekt=projekt, data={**RISK, "sandsynlighed": 6}, maaned=THIS_MONTH
        )

    assert "Sandsynligheden skal være fra 1 til 5." in str(excinfo.value)


def test_only_the_project_leader_writes_risks(koordinator, projekt):
    with pytest.raises(PermissionDenied):
        services.risiko_gem(acting_user=koordinator, projekt=projekt, data=RISK, maaned=THIS_MONTH)


# --- CSV import ---------------------------------------------------------------------------------


def csv_of(*lines: str) -> bytes:
    return ("\ufeffcpr;maaned;indikator;vaerdi\n" + "\n".join(lines) + "\n").encode()


def dashed(cpr: str) -> str:
    return f"{cpr[:6]}-{cpr[6:]}"


def test_the_dry_run_reports_every_row_error_and_writes_nothing(koordinator, projekt, familie):
    teen = children(familie)[0]
    stranger = PersonFactory(kommune=projekt.kommune)
    month = f"{THIS_MONTH:%Y-%m}"
    content = csv_of(
        f"{dashed(teen.cpr)};{month};skolefravaer_pct;12,5",
        f"{dashed(stranger.cpr)};{month};skolefravaer_pct;10",
        f"{teen.cpr};{month};skolefravaer_pct;140",
        f"{teen.cpr};{months_ago(3):%Y-%m};skolefravaer_pct;10",
        f"{teen.cpr};{month};trivsel;1",
        f"{teen.cpr};marts;skolefravaer_pct;1",
        "123;2026-01;skolefravaer_pct;1",
        f"{dashed(teen.cpr)};{month};skolefravaer_pct;11",
    )

    indlaesning = services.indlaesning_forhaandsvis(
        acting_user=koordinator, projekt=projekt, filnavn="fravaer.csv", indhold=content
    )

    assert indlaesning.antal_linjer == 8
    assert [r["linje"] for r in indlaesning.raekker] == [2]
    errors = {(e["linje"], e["felt"]): e["besked"] for e in indlaesning.fejl}
    assert errors[(3, "cpr")].startswith(f"Ukendt CPR-nummer {stranger.cpr[:6]}-XXXX")
    assert errors[(4, "vaerdi")] == "Skolefravær (%) skal være mellem 0 og 100 (du skrev 140)."
    assert errors[(5, "maaned")].startswith(f"Måneden {rules.month_label(months_ago(3))} er låst")
    assert errors[(6, "indikator")] == "Ukendt objektiv indikator for et barn: trivsel."
    assert errors[(7, "maaned")] == "Måneden skal skrives som ÅÅÅÅ-MM, fx 2026-03."
    assert errors[(8, "cpr")] == "CPR-nummeret er ikke gyldigt."
    assert errors[(9, "indikator")].startswith("Samme person, måned og indikator")
    assert stranger.cpr not in str(indlaesning.fejl)
    assert not Registrering.objects.exists()


def test_a_file_without_the_columns_is_refused(koordinator, projekt):
    with pytest.raises(ValidationError) as excinfo:
        services.indlaesning_forhaandsvis(
            acting_user=koordinator, projekt=projekt, filnavn="x.csv", indhold=b"navn;tal\nA;1\n"
        )

    assert errors_of(excinfo) == {
        "fil": [
            "Filen mangler kolonnerne: cpr, maaned, indikator, vaerdi. "
            "Første linje skal være: cpr;maaned;indikator;vaerdi."
        ]
    }


def test_a_clean_import_commits_every_row_and_is_audited(koordinator, projekt, familie):
    teen, small = children(familie)
    month = f"{THIS_MONTH:%Y-%m}"
    indlaesning = services.indlaesning_forhaandsvis(
        acting_user=koordinator,
        projekt=projekt,
        filnavn="fravaer.csv",
        indhold=csv_of(
            f"{teen.cpr};{month};skolefravaer_pct;12,5",
            f"{small.cpr};{month};skolefravaer_pct;3",
            f"{adult(familie).cpr};{month};arbejdstimer_uge;15",
        ),
    )

    written = services.indlaesning_gennemfoer(acting_user=koordinator, indlaesning=indlaesning)

    assert written == 3
    assert Vaerdi.objects.get(
        registrering__person=teen, indikator__kode="skolefravaer_pct"
    ).tal == Decimal("12.50")
    assert Registrering.objects.filter(maaned=THIS_MONTH).count() == 3
    indlaesning.refresh_from_db()
    assert indlaesning.status == Indlaesning.Status.GENNEMFOERT
    row = Adgangslog.objects.get(objekt_type="registrering.indlaesning")
    assert row.detaljer == {"import": True, "linjer": 3, "familier": [familie.pk]}
    with pytest.raises(ValidationError):
        services.indlaesning_gennemfoer(acting_user=koordinator, indlaesning=indlaesning)


def test_an_import_with_errors_cannot_be_committed(koordinator, projekt, familie):
    teen = children(familie)[0]
    indlaesning = services.indlaesning_forhaandsvis(
        acting_user=koordinator,
        projekt=projekt,
        filnavn="fravaer.csv",
        indhold=csv_of(f"{teen.cpr};{THIS_MONTH:%Y-%m};skolefravaer_pct;12", f"{teen.cpr};x;y;z"),
    )

    with pytest.raises(ValidationError):
        services.indlaesning_gennemfoer(acting_user=koordinator, indlaesning=indlaesning)

    assert not Vaerdi.objects.exists()


def test_the_commit_is_all_or_nothing_when_a_month_locks_after_the_preview(
    koordinator, projekt, familie
):
    teen, small = children(familie)
    march, april = D(2026, 3, 1), D(2026, 4, 1)
    indlaesning = services.indlaesning_forhaandsvis(
        acting_user=koordinator,
        projekt=projekt,
        filnavn="fravaer.csv",
        indhold=csv_of(
            f"{teen.cpr};2026-04;skolefravaer_pct;12", f"{small.cpr};2026-03;skolefravaer_pct;3"
        ),
        today=D(2026, 4, 10),
    )
    assert not indlaesning.fejl

    with pytest.raises(ValidationError) as excinfo:
        services.indlaesning_gennemfoer(
            acting_user=koordinator, indlaesning=indlaesning, today=D(2026, 4, 11)
        )

    assert "intet er gemt" in excinfo.value.messages[0]
    assert not Registrering.objects.filter(maaned__in=[march, april]).exists()
    assert Indlaesning.objects.get().status == Indlaesning.Status.FORHAANDSVIST


def test_only_the_uploader_commits(koordinator, make_user, projekt, familie):
    other = make_user(Rolle.KOORDINATOR)
    indlaesning = services.indlaesning_forhaandsvis(
        acting_user=koordinator,
        projekt=projekt,
        filnavn="f.csv",
        indhold=csv_of(f"{adult(familie).cpr};{THIS_MONTH:%Y-%m};arbejdstimer_uge;15"),
    )

    with pytest.raises(PermissionDenied):
        services.indlaesning_gennemfoer(acting_user=other, indlaesning=indlaesning)


# --- Reminders ----------------------------------------------------------------------------------


def test_the_reminder_month_is_the_one_whose_deadline_is_within_five_days():
    assert services.reminder_month(D(2026, 4, 5), 10) == D(2026, 3, 1)
    assert services.reminder_month(D(2026, 4, 10), 10) == D(2026, 3, 1)
    assert services.reminder_month(D(2026, 4, 4), 10) is None
    assert services.reminder_month(D(2026, 4, 11), 10) is None


def test_case_managers_with_gaps_are_reminded_once_a_day(koordinator, projekt, familie):
    koordinator.email = "karin@example.invalid"
    koordinator.save()
    done = make_family(koordinator, projekt, children=())
    register(koordinator, done, D(2026, 3, 1), {adult(done).pk: adult_entry()}, today=D(2026, 4, 1))

    assert services.paamindelser_send(today=D(2026, 4, 7)) == 1
    assert services.paamindelser_send(today=D(2026, 4, 7)) == 0

    assert len(mail.outbox) == 1
    assert "3 registreringer" in mail.outbox[0].body
    assert "10.04.2026" in mail.outbox[0].body
    assert familie.betegnelse not in mail.outbox[0].body
    assert Paamindelse.objects.get().antal_mangler == 3


def test_the_daily_task_runs_the_reminders(monkeypatch):
    from registrering import tasks

    calls = []
    monkeypatch.setattr(services, "paamindelser_send", lambda: calls.append(1) or 2)

    assert tasks.send_registration_reminders.delay().get() == 2
    assert calls == [1]


def test_licensed_sdq_texts_are_loaded_from_a_csv(tmp_path, projekt):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from registrering.models import SdqItemtekst

    good = tmp_path / "sdq.csv"
    good.write_text("version;punkt;tekst\nforaelder;3;Tekst tre\nforaelder;impact_home;Hjemme\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("version;punkt;tekst\nforaelder;26;X\n")

    call_command("load_sdq_texts", str(good), kommune=projekt.kommune.kode)
    with pytest.raises(CommandError, match="unknown item '26'"):
        call_command("load_sdq_texts", str(bad), kommune=projekt.kommune.kode)

    assert dict(SdqItemtekst.objects.values_list("punkt", "tekst")) == {
        "3": "Tekst tre",
        "impact_home": "Hjemme",
    }
