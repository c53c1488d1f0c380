"""Retention: discharged families anonymised after their project's setting, statistics kept."""

import datetime
import io
import os
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import IntegrityError, models, transaction

from config.celery import app as celery_app
from familieplan.models import (
    Aftale,
    Aktoer,
    Beslutning,
    Indsats,
    Maal,
    Maalopfoelgning,
    Opfoelgning,
    Planversion,
    Sektorplan,
    Stafetmoede,
)
from familieplan.models import Statusskift as PlanStatusskift
from investering.models import Enhed
from kerne import adgang, opbevaring, services, tasks
from kerne.models import (
    Adgangslog,
    Dokument,
    EksplicitAdgang,
    Familie,
    Hjemmel,
    Notifikationsvalg,
    Person,
    Rolle,
    Sagsdel,
    Samtykke,
    Sektor,
)
from kontakt.models import Besked, Traad, Vedhaeftning
from rapporter import eksport
from rapporter import selectors as rapport_selectors
from registrering.models import Maanedsaabning
from tests.factories import (
    ForvaltningFactory,
    ProjektFactory,
    add_member,
    family_of,
    user_with_role,
)
from tests.investering.factories import cost_line, cost_type
from tests.rapporter.factories import JUN, build
from visitation import pdf as visitation_pdf
from visitation import services as visitation_services
from visitation.models import (
    Dagsordenspunkt,
    Forloeb,
    Indstilling,
    Statusskift,
    Tildeling,
    Visitationsmoede,
)

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
MARK = "Hemmelig42"
OUR_APPS = (
    "kerne",
    "visitation",
    "familieplan",
    "registrering",
    "investering",
    "rapporter",
    "kontakt",
    "netvaerk",
)
TEXT_FIELDS = (models.CharField, models.TextField, models.FileField, models.JSONField)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=CPH)


@pytest.fixture(autouse=True)
def private_dir(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    for model in (Vedhaeftning, Dokument):
        monkeypatch.setattr(model._meta.get_field("fil"), "storage", storage)
    return tmp_path / "private"


# --- Every free-text field is handled -------------------------------------------------------


def family_owned_models() -> set[type[models.Model]]:
    """Models of our apps whose rows belong to one family: a foreign key to Familie, Person or
    Sagsdel, or a required one to another such model (a message's attachment, a value of a
    registration). A nullable link to another model (a report's cached PDF) does not count."""
    roots = {Familie, Person, Sagsdel}
    ours = [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]
    owned = set(roots)
    grew = True
    while grew:
        grew = False
        for model in ours:
            if model in owned:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if target in roots or (target in owned and not field.null):
                    owned.add(model)
                    grew = True
                    break
    return owned


def free_text_fields(model) -> set[str]:
    return {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS) and not f.choices and not f.primary_key
    }


def declarations() -> dict[type[models.Model], list[opbevaring.Felter]]:
    found: dict = {}
    for anonymiser in opbevaring.anonymisers():
        for felter in anonymiser.felter:
            found.setdefault(felter.model, []).append(felter)
    return found


def test_every_free_text_field_of_a_family_owned_model_is_anonymised_or_declared_kept():
    declared = declarations()
    missing = []
    for model in sorted(family_owned_models(), key=lambda m: m._meta.label):
        handled = set()
        for felter in declared.get(model, []):
            handled |= {*felter.felter, *felter.filer, *felter.ikke_personlige, *felter.saerskilt}
        missing += [f"{model._meta.label}.{name}" for name in free_text_fields(model) - handled]
    assert missing == [], f"free-text fields no anonymiser handles or declares kept: {missing}"


def test_every_declared_field_exists_is_text_and_is_declared_once():
    for model, entries in declarations().items():
        names = [
            n for f in entries for n in (*f.felter, *f.filer, *f.ikke_personlige, *f.saerskilt)
        ]
        assert len(names) == len(set(names)), f"{model._meta.label} declares a field twice"
        assert set(names) <= free_text_fields(model), model._meta.label


def test_every_app_with_family_data_contributes_an_anonymiser():
    keys = {a.key for a in opbevaring.anonymisers()}
    assert {"kerne", "visitation", "familieplan", "registrering", "investering", "kontakt"} <= keys


# --- The due rule (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (datetime.date(2028, 3, 10), 24, datetime.date(2026, 3, 10)),
        (datetime.date(2027, 2, 28), 12, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2027, 2, 28)),
    ],
)
def test_the_cutoff_counts_calendar_months_and_clamps_to_the_month_end(today, months, expected):
    assert opbevaring.cutoff(today, months) == expected


def test_only_a_discharged_family_past_its_months_is_due():
    day = datetime.date(2026, 3, 10)
    due = {"afsluttet": day, "months": 24}
    assert not opbevaring.is_due(status="afsluttet", today=datetime.date(2028, 3, 10), **due)
    assert opbevaring.is_due(status="afsluttet", today=datetime.date(2028, 3, 11), **due)
    assert not opbevaring.is_due(status="aktiv", today=datetime.date(2030, 1, 1), **due)
    assert not opbevaring.is_due(
        status="afsluttet", afsluttet=None, months=24, today=datetime.date(2030, 1, 1)
    )


# --- The project setting -----------------------------------------------------------------------


def test_the_retention_setting_defaults_to_24_months_and_refuses_less_than_12(projekt):
    assert projekt.opbevaring_maaneder == 24
    projekt.opbevaring_maaneder = 11
    with pytest.raises(ValidationError) as refused:
        projekt.full_clean()
    assert "mindst 12 måneder" in str(refused.value.message_dict["opbevaring_maaneder"])
    projekt.opbevaring_maaneder = 61
    with pytest.raises(ValidationError, match="højst være 60 måneder"):
        projekt.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(projekt).objects.filter(pk=projekt.pk).update(opbevaring_maaneder=6)


# --- Time travel: kept through the retention, anonymised the day after -----------------------


def discharge(koordinator, familie, day: datetime.date) -> None:
    with time_machine.travel(at(day), tick=False):
        visitation_services.udslus(
            acting_user=koordinator,
            familie=familie,
            aarsag=Forloeb.Aarsag.MAAL_NAAET,
            dato=day,
            overdragelsesnote=f"Overdraget til jobcentret ({MARK}).",
        )


def run_retention(day: datetime.date) -> int:
    with time_machine.travel(at(day, hour=3), tick=False):
        return tasks.opbevaring_anonymiser.delay().get()


def test_a_family_is_kept_through_its_retention_and_anonymised_the_day_after(projekt):
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    with time_machine.travel(at(datetime.date(2026, 1, 5)), tick=False):
        familie = family_of(koordinator, projekt, betegnelse=f"Familien {MARK}")
    discharge(koordinator, familie, datetime.date(2026, 3, 10))
    familie.refresh_from_db()
    assert familie.afsluttet == datetime.date(2026, 3, 10)

    # Exactly 24 months after the discharge, and the day before: not longer ago than 24 months.
    assert run_retention(datetime.date(2028, 3, 9)) == 0
    assert run_retention(datetime.date(2028, 3, 10)) == 0
    familie.refresh_from_db()
    assert familie.anonymiseret is None
    assert familie.betegnelse == f"Familien {MARK}"
    assert Forloeb.objects.get(familie=familie).overdragelsesnote.endswith(f"({MARK}).")

    assert run_retention(datetime.date(2028, 3, 11)) == 1
    familie.refresh_from_db()
    assert familie.anonymiseret is not None
    assert familie.betegnelse == f"Anonymiseret familie {familie.pk}"
    assert Forloeb.objects.get(familie=familie).overdragelsesnote == opbevaring.PLACEHOLDER
    assert not familie.personer.exclude(cpr_cipher=None, cpr_hash=None).exists()


def test_the_projects_own_setting_decides(projekt):
    projekt.opbevaring_maaneder = 12
    projekt.save(update_fields=["opbevaring_maaneder"])
    other = ProjektFactory(kommune=projekt.kommune)
    k1, k2 = user_with_role(Rolle.KOORDINATOR, projekt), user_with_role(Rolle.KOORDINATOR, other)
    with time_machine.travel(at(datetime.date(2026, 1, 5)), tick=False):
        short, long = family_of(k1, projekt), family_of(k2, other)
    discharge(k1, short, datetime.date(2026, 3, 10))
    discharge(k2, long, datetime.date(2026, 3, 10))

    assert run_retention(datetime.date(2027, 3, 11)) == 1
    short.refresh_from_db()
    long.refresh_from_db()
    assert short.anonymiseret is not None
    assert long.anonymiseret is None


def test_a_family_moved_back_from_discharged_is_not_anonymised(projekt):
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    leder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    with time_machine.travel(at(datetime.date(2026, 1, 5)), tick=False):
        familie = family_of(koordinator, projekt)
    discharge(koordinator, familie, datetime.date(2026, 3, 10))
    with time_machine.travel(at(datetime.date(2026, 4, 1)), tick=False):
        visitation_services.familie_status_saet(
            acting_user=leder, familie=familie, til=Familie.Status.INDSTILLET
        )
    familie.refresh_from_db()
    assert familie.afsluttet is None
    assert run_retention(datetime.date(2029, 1, 1)) == 0


# --- What is removed: every free text, names, CPR, address, files, the portal account --------


def rich_family(projekt):
    """A discharged family with a row in every table that holds its free text."""
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    borger = user_with_role(
        Rolle.BORGER, projekt, first_name=MARK, last_name=MARK, email=f"{MARK}@example.invalid"
    )
    familie = family_of(koordinator, projekt, betegnelse=f"Familien {MARK}")
    voksen = familie.medlemskaber.get(rolle="voksen").person
    barn = familie.medlemskaber.get(rolle="barn").person
    Person.objects.filter(pk__in=[voksen.pk, barn.pk]).update(
        fornavn=MARK, efternavn=MARK, adresse=f"{MARK}vej 1", postnummer="8000", by=MARK
    )
    Person.objects.filter(pk=voksen.pk).update(bruger=borger)
    Notifikationsvalg.objects.create(bruger=borger, sms=True, mobil="12345678")
    forvaltning = ForvaltningFactory(kommune=projekt.kommune)
    sagsdel = adgang.ensure_sagsdele(familie)[Sektor.BESKAEFTIGELSE]
    day = datetime.date(2026, 2, 1)
    now = at(day)

    Samtykke.objects.create(
        familie=familie,
        person=voksen,
        sektorer=[Sektor.BESKAEFTIGELSE],
        formaal=MARK,
        gyldig_fra=day,
        registreret_af=koordinator,
        tilbagekaldelse_note=MARK,
    )
    Hjemmel.objects.create(
        familie=familie,
        sektor=Sektor.BESKAEFTIGELSE,
        modtager=forvaltning,
        paragraf="SEL § 49 b",
        note=MARK,
        gyldig_fra=day,
        registreret_af=koordinator,
    )
    EksplicitAdgang.objects.create(
        familie=familie,
        bruger=koordinator,
        tilladelse="view",
        begrundelse=MARK,
        gyldig_til=day,
        givet_af=koordinator,
    )
    plan_pdf = Dokument(
        kind="familieplan",
        noegle="1:x",
        titel=MARK,
        projekt=projekt,
        familie=familie,
        bestilt_af=koordinator,
    )
    plan_pdf.fil.save("plan.pdf", ContentFile(b"%PDF " + MARK.encode()), save=True)

    indstilling = Indstilling.objects.create(
        familie=familie,
        oprettet_af=koordinator,
        indsendt=now,
        lukket=now,
        **dict.fromkeys(
            [
                "begrundelse",
                "kendt_begge_note",
                "ydelse_note",
                "genovervejes_note",
                "tvaerfaglig_note",
                "motivation_note",
            ],
            MARK,
        ),
    )
    moede = Visitationsmoede.objects.create(
        projekt=projekt, dato=day, sted="Rådhuset", oprettet_af=koordinator
    )
    Dagsordenspunkt.objects.create(
        moede=moede,
        indstilling=indstilling,
        familie=familie,
        forrige_status="indstillet",
        beslutning="afvis",
        begrundelse=MARK,
        besluttet_af=koordinator,
        besluttet=now,
    )
    referat = Dokument(
        kind=visitation_pdf.KIND,
        noegle=f"{moede.pk}:1",
        titel="Referat",
        projekt=projekt,
        bestilt_af=koordinator,
    )
    referat.fil.save("referat.pdf", ContentFile(b"%PDF " + MARK.encode()), save=True)
    Statusskift.objects.create(
        familie=familie, fra="aktiv", til="afsluttet", tidspunkt=now, begrundelse=MARK
    )
    Forloeb.objects.create(
        familie=familie,
        optaget=datetime.date(2025, 1, 1),
        udredningsfrist=day,
        afsluttet=day,
        aarsag="andet",
        aarsag_tekst=MARK,
        overdragelsesnote=MARK,
    )
    Tildeling.objects.create(
        familie=familie,
        koordinator=koordinator,
        tildelt_af=koordinator,
        tidspunkt=now,
        aktive_foer=9,
        kapacitet=8,
        over_kapacitet=True,
        begrundelse=MARK,
    )

    version = Planversion.objects.create(familie=familie, nummer=1, oprettet_af=koordinator)
    maal = Maal.objects.create(version=version, familie=familie, titel=MARK, maalopfyldelse=MARK)
    indsats = Indsats.objects.create(
        version=version,
        sagsdel=sagsdel,
        titel=MARK,
        art="mentor",
        maal=MARK,
        maalopfyldelse=MARK,
        tilbud=MARK,
        leverandoer=MARK,
        startdato=day,
        slutdato=day,
        timer_pr_uge=5,
        lovgrundlag="LAB § 42",
        kadence="maanedlig",
        opfoelgningsform=MARK,
        konsekvens_ved_udeblivelse=MARK,
        ansvarlig=MARK,
    )
    Sektorplan.objects.create(
        version=version, sagsdel=sagsdel, type="jobplan", dato=day, ejer=MARK, reference=MARK
    )
    Opfoelgning.objects.create(
        indsats=indsats,
        sagsdel=sagsdel,
        noegle=indsats.noegle,
        dato=day,
        form=MARK,
        vurdering="delvist",
        notat=MARK,
        registreret_af=koordinator,
    )
    Maalopfoelgning.objects.create(
        maal=maal,
        familie=familie,
        noegle=maal.noegle,
        dato=day,
        form=MARK,
        vurdering="delvist",
        notat=MARK,
        registreret_af=koordinator,
    )
    PlanStatusskift.objects.create(
        familie=familie,
        objekt_type="planversion",
        objekt_id=version.pk,
        fra="kladde",
        til="aftalt",
        bruger=koordinator,
        begrundelse=MARK,
    )
    Aktoer.objects.create(familie=familie, navn=MARK, rolle=MARK, organisation=MARK, kontakt=MARK)
    stafetmoede = Stafetmoede.objects.create(
        familie=familie, tidspunkt=now, sted=MARK, dagsorden=MARK, referat=MARK, intern_note=MARK
    )
    Aftale.objects.create(familie=familie, moede=stafetmoede, hvad=MARK, hvem=MARK, frist=day)
    Beslutning.objects.create(
        moede=stafetmoede, familie=familie, tekst=MARK, oprettet_af=koordinator
    )

    traad = Traad.objects.create(familie=familie)
    besked = Besked.objects.create(
        traad=traad, familie=familie, afsender=borger, fra_familien=True, tekst=MARK
    )
    bilag = Vedhaeftning(
        besked=besked,
        familie=familie,
        filnavn=f"{MARK}.pdf",
        mimetype="application/pdf",
        stoerrelse=20,
    )
    bilag.fil.save("bilag.pdf", ContentFile(b"%PDF " + MARK.encode()), save=True)

    Maanedsaabning.objects.create(
        familie=familie, maaned=day, aaben_til=day, begrundelse=MARK, aabnet_af=koordinator
    )
    cost_line(
        familie,
        cost_type(projekt.kommune, "Mentor", enhed=Enhed.TIME),
        fra=day,
        til=day,
        antal="2",
        person=voksen,
        pris_override="100",
        override_begrundelse=MARK,
    )

    Familie.objects.filter(pk=familie.pk).update(
        status=Familie.Status.AFSLUTTET, afsluttet=datetime.date(2026, 2, 1)
    )
    familie.refresh_from_db()
    return familie, borger, [plan_pdf.fil.path, referat.fil.path, bilag.fil.path]


AFTER = datetime.date(2028, 2, 2)  # 24 months and a day after the discharge


def rows_of(felter: opbevaring.Felter, familie):
    return felter.model._default_manager.filter(**{felter.familie: familie.pk}).distinct()


def test_anonymisation_removes_every_free_text_name_cpr_address_file_and_the_account(projekt):
    familie, borger, files = rich_family(projekt)
    voksen = familie.medlemskaber.get(rolle="voksen").person
    born = voksen.foedselsdato
    for entry in (f for fs in declarations().values() for f in fs if f.felter):
        # The builder covers every table an anonymiser blanks.
        assert rows_of(entry, familie).exists(), entry.model._meta.label

    assert services.familie_anonymiser(familie_id=familie.pk, today=AFTER) is True

    for entries in declarations().values():
        for entry in entries:
            if entry.model in (Familie, Person):
                continue
            for row in rows_of(entry, familie).values(*free_text_fields(entry.model)):
                leaks = {k: v for k, v in row.items() if MARK in str(v)}
                assert leaks == {}, f"{entry.model._meta.label} still holds {leaks}"
    assert Indsats.objects.get(version__familie=familie).lovgrundlag == "LAB § 42"
    assert Hjemmel.objects.get(familie=familie).paragraf == "SEL § 49 b"

    familie.refresh_from_db()
    assert familie.betegnelse == f"Anonymiseret familie {familie.pk}"
    voksen.refresh_from_db()
    assert (voksen.cpr, voksen.fornavn, voksen.efternavn) == (None, "Anonymiseret", "person")
    assert (voksen.adresse, voksen.postnummer, voksen.by) == ("", "", "")
    assert voksen.foedselsdato == datetime.date(born.year, 7, 1)
    assert voksen.koen in ("K", "M")
    with_cpr = Person.objects.exclude(cpr_cipher=None, cpr_hash=None)
    assert not with_cpr.filter(familier=familie).exists()

    borger.refresh_from_db()
    assert not borger.is_active
    assert not borger.has_usable_password()
    assert MARK not in f"{borger.username} {borger.first_name} {borger.last_name} {borger.email}"
    assert not Notifikationsvalg.objects.filter(bruger=borger).exists()

    for path in files:
        assert not os.path.exists(path), path
    assert not Dokument.objects.filter(familie=familie).exists()
    assert not Dokument.objects.filter(kind=visitation_pdf.KIND).exists()
    assert Vedhaeftning.objects.get(familie=familie).fil.name == ""

    audit = Adgangslog.objects.get(familie_id=familie.pk, handling=Adgangslog.Handling.DELETE)
    assert audit.detaljer["personer_anonymiseret"] == 2
    assert audit.detaljer["felter"]["familieplan"] > 0
    assert MARK not in str(audit.detaljer)
    assert MARK not in audit.brugernavn


def test_a_person_still_in_another_family_not_yet_due_keeps_their_identity(projekt):
    familie, _borger, _files = rich_family(projekt)
    voksen = familie.medlemskaber.get(rolle="voksen").person
    barn = familie.medlemskaber.get(rolle="barn").person
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    active = family_of(koordinator, projekt, members=0)
    add_member(active, voksen)

    assert services.familie_anonymiser(familie_id=familie.pk, today=AFTER)

    voksen.refresh_from_db()
    barn.refresh_from_db()
    assert voksen.fornavn == MARK
    assert voksen.cpr is not None
    assert barn.cpr is None
    assert barn.fornavn == "Anonymiseret"
    audit = Adgangslog.objects.get(familie_id=familie.pk, handling=Adgangslog.Handling.DELETE)
    assert (audit.detaljer["personer_anonymiseret"], audit.detaljer["personer_beholdt"]) == (1, 1)

    # Once that family is discharged and due too, its run takes the person along.
    Familie.objects.filter(pk=active.pk).update(
        status=Familie.Status.AFSLUTTET, afsluttet=datetime.date(2026, 2, 1)
    )
    assert services.familie_anonymiser(familie_id=active.pk, today=AFTER)
    voksen.refresh_from_db()
    assert voksen.cpr is None
    assert voksen.fornavn == "Anonymiseret"


def snapshot(familie) -> list:
    rows = [list(Familie.objects.filter(pk=familie.pk).values())]
    rows.append(list(Person.objects.filter(familier=familie).order_by("pk").values()))
    for entries in declarations().values():
        for entry in entries:
            rows.append(list(rows_of(entry, familie).order_by("pk").values()))
    return rows


def test_a_second_run_changes_nothing(projekt):
    familie, _borger, _files = rich_family(projekt)
    with time_machine.travel(at(AFTER, hour=3), tick=False):
        assert tasks.opbevaring_anonymiser.delay().get() == 1
        first = snapshot(familie)
        audit_rows = Adgangslog.objects.count()
        assert tasks.opbevaring_anonymiser.delay().get() == 0
        assert services.familie_anonymiser(familie_id=familie.pk, today=AFTER) is False
    assert snapshot(familie) == first
    assert Adgangslog.objects.count() == audit_rows


def test_a_failing_app_part_leaves_the_family_untouched_and_the_next_run_finishes(
    projekt, monkeypatch
):
    familie, _borger, _files = rich_family(projekt)

    def broken(_familie):
        raise RuntimeError("disk gone")

    failing = opbevaring.Anonymiser(key="zz-broken", order=999, ekstra=broken)
    monkeypatch.setattr(opbevaring, "ANONYMISERS", [*opbevaring.ANONYMISERS, failing])
    with pytest.raises(RuntimeError):
        services.familie_anonymiser(familie_id=familie.pk, today=AFTER)
    familie.refresh_from_db()
    assert familie.anonymiseret is None
    assert familie.betegnelse == f"Familien {MARK}"
    assert Besked.objects.get(familie=familie).tekst == MARK

    monkeypatch.setattr(opbevaring, "ANONYMISERS", [*opbevaring.ANONYMISERS[:-1]])
    assert services.familie_anonymiser(familie_id=familie.pk, today=AFTER) is True
    assert Besked.objects.get(familie=familie).tekst == opbevaring.PLACEHOLDER


# --- Statistics stay: the same report, business case and evaluator export -----------------


def export_files(tmp_path, name: str, projekt) -> dict[str, str]:
    path = tmp_path / f"{name}.zip"
    eksport.write_zip(str(path), maaned=JUN, projekt_ids=[projekt.pk])
    with zipfile.ZipFile(path) as archive:
        return {
            n: io.TextIOWrapper(archive.open(n), encoding="utf-8").read()
            for n in archive.namelist()
            if n.endswith(".csv")
        }


def test_past_reports_business_case_and_export_give_the_same_figures_after_anonymisation(
    projekt, tmp_path, settings
):
    settings.EVALUATOR_PSEUDONYM_KEY = "test-key"
    data = build(projekt)
    mentor = cost_type(projekt.kommune, "Mentor", enhed=Enhed.MAANED)
    for familie in data.familier.values():
        cost_line(familie, mentor, fra=datetime.date(2024, 6, 1), til=datetime.date(2025, 6, 30))
    # F1 and F2 were discharged in July 2025.
    discharged = [data.familier["f1"], data.familier["f2"]]
    Familie.objects.filter(pk__in=[f.pk for f in discharged]).update(
        status=Familie.Status.AFSLUTTET, afsluttet=datetime.date(2025, 7, 15)
    )
    Forloeb.objects.filter(familie__in=discharged).update(
        afsluttet=datetime.date(2025, 7, 15), aarsag="maal_naaet"
    )

    def figures() -> dict:
        report = rapport_selectors.report_data(projekt, JUN)
        report.pop("bygget")
        return report

    before, export_before = figures(), export_files(tmp_path, "before", projekt)
    assert before["oekonomi"]["baseline"] != "0.00"

    with time_machine.travel(at(datetime.date(2027, 7, 16), hour=3), tick=False):
        assert tasks.opbevaring_anonymiser.delay().get() == 2
    with_cpr = Person.objects.exclude(cpr_cipher=None, cpr_hash=None)
    assert not with_cpr.filter(familier__in=discharged).exists()

    assert figures() == before
    assert export_files(tmp_path, "after", projekt) == export_before


# --- The beat schedule ---------------------------------------------------------------------------


def test_both_retention_tasks_are_in_the_one_beat_schedule():
    tasks_scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {"kerne.tasks.opbevaring_anonymiser", "kerne.tasks.adgangslog_udloeb"} <= tasks_scheduled


def test_the_command_lists_what_is_due_and_applies_only_when_asked(projekt):
    familie, _borger, _files = rich_family(projekt)
    out = io.StringIO()
    with time_machine.travel(at(AFTER), tick=False):
        call_command("opbevaring", stdout=out)
        assert f"{projekt.kode}: 24 months, discharged before 2026-02-02: 1 families due" in (
            out.getvalue()
        )
        familie.refresh_from_db()
        assert familie.anonymiseret is None

        call_command("opbevaring", "--apply", stdout=out)
    assert "anonymised 1 families" in out.getvalue()
    familie.refresh_from_db()
    assert familie.anonymiseret is not None


def discharged_families(projekt, count: int) -> list:
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    familier = [family_of(koordinator, projekt, members=1) for _ in range(count)]
    Familie.objects.filter(pk__in=[f.pk for f in familier]).update(
        status=Familie.Status.AFSLUTTET, afsluttet=datetime.date(2026, 2, 1)
    )
    return familier


def test_a_backlog_is_worked_off_by_the_task_queueing_itself_again(projekt, monkeypatch):
    monkeypatch.setattr(tasks, "OPBEVARING_PR_KOERSEL", 2)
    familier = discharged_families(projekt, 5)

    with time_machine.travel(at(AFTER, hour=3), tick=False):
        tasks.opbevaring_anonymiser.delay()

    assert not Familie.objects.filter(pk__in=[f.pk for f in familier], anonymiseret=None).exists()


def test_one_failing_family_does_not_stop_the_others(projekt, monkeypatch, caplog):
    first, second = discharged_families(projekt, 2)

    def fails_for_the_first(familie):
        if familie.pk == first.pk:
            raise RuntimeError("disk gone")

    broken = opbevaring.Anonymiser(key="zz-broken", order=999, ekstra=fails_for_the_first)
    monkeypatch.setattr(opbevaring, "ANONYMISERS", [*opbevaring.ANONYMISERS, broken])
    assert run_retention(AFTER) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.anonymiseret is None
    assert second.anonymiseret is not None
    assert f"Anonymising family {first.pk} failed" in caplog.text


def test_an_anonymised_family_cannot_be_referred_again(projekt):
    leder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    (familie,) = discharged_families(projekt, 1)
    adgang.sync_family_grants(familie, reason="test")
    assert services.familie_anonymiser(familie_id=familie.pk, today=AFTER)

    with pytest.raises(ValidationError, match="anonymiseret og kan ikke skifte status"):
        visitation_services.familie_status_saet(
            acting_user=leder, familie=familie, til=Familie.Status.INDSTILLET
        )
    familie.refresh_from_db()
    assert familie.status == Familie.Status.AFSLUTTET
    assert familie.anonymiseret is not None
