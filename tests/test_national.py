"""The national dataset's builder (kerne/national.py and each app's national.py), at small size.

Loaded with every database check on (the national build skips the foreign-key triggers for
speed; here the database proves the rows consistent), then checked against the one access
policy, the registration rules and the domain's shape.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from familieplan.models import Indsats, Planversion
from investering.models import Omkostningslinje, Pris
from kerne import cpr, national
from kerne.models import Familie, Person, Projekt
from registrering import rules
from registrering.models import Indikator, Registrering, Spoergeskema
from visitation.models import Dagsordenspunkt, Indstilling, Visitationsmoede

pytestmark = pytest.mark.django_db

PROJECTS, FAMILIES, MONTHS = 2, 40, 4


@pytest.fixture
def built():
    return national.seed_national(
        projects=PROJECTS, families=FAMILIES, months=MONTHS, seed=3, fast=False
    )


def test_the_stored_grants_are_exactly_what_the_access_policy_derives(built):
    out = io.StringIO()
    call_command("sync_grants", "--check", stdout=out)  # exits 1 when any family differs
    assert f"0 of {FAMILIES} families differ." in out.getvalue()


def test_a_second_build_creates_nothing(built):
    before = Familie.objects.count()
    again = national.seed_national(projects=PROJECTS, families=FAMILIES, months=MONTHS)
    assert again == ["National dataset already present; nothing created."]
    assert Familie.objects.count() == before == FAMILIES


def test_sizes_follow_the_arguments_and_every_state_is_present(built):
    assert Projekt.objects.filter(kode__startswith="nat-").count() == PROJECTS
    statuses = set(Familie.objects.values_list("status", flat=True))
    assert statuses >= {"aktiv", "venteliste", "paa_dagsorden", "indstillet", "optaget"}
    assert statuses >= {"afsluttet"}
    persons = Person.objects.filter(kommune__projekter__kode__startswith="nat-").count()
    assert 2.5 * FAMILIES <= persons <= 5 * FAMILIES


def test_the_seeded_cpr_numbers_are_stored_encrypted_and_found_by_their_hash(built):
    persons = list(Person.objects.filter(kommune__projekter__kode__startswith="nat-"))
    numbers = {p.pk: p.cpr for p in persons}
    assert all(number and len(number) == 10 for number in numbers.values())
    assert len({(p.kommune_id, p.cpr) for p in persons}) == len(persons)
    for person in persons[:: max(1, len(persons) // 20)]:
        assert list(Person.objects.with_cpr(person.cpr).filter(kommune=person.kommune)) == [person]
        assert person.foedselsdato == cpr.birth_date(person.cpr)
    stored = " ".join(" ".join(row) for row in Person.objects.values_list("cpr_cipher", "cpr_hash"))
    assert not [number for number in numbers.values() if number in stored]


def test_every_member_of_an_active_family_is_registered_every_month_and_complete(built):
    defs = {
        rolle: [d.as_def() for d in Indikator.objects.filter(gaelder_for=rolle, aktiv=True)]
        for rolle in ("voksen", "barn")
    }
    family = Familie.objects.filter(status=Familie.Status.AKTIV).order_by("pk").first()
    members = list(family.medlemskaber.select_related("person"))
    registrations = Registrering.objects.filter(familie=family).prefetch_related(
        "vaerdier__indikator"
    )
    assert registrations.count() >= len(members) * MONTHS
    for registrering in registrations:
        member = next(m for m in members if m.person_id == registrering.person_id)
        values = {
            v.indikator.kode: rules.Parsed(tal=v.tal, tekst=v.tekst)
            for v in registrering.vaerdier.all()
        }
        age = rules.age_in_month(member.person.foedselsdato, registrering.maaned)
        missing = rules.missing_codes(
            defs[member.rolle], rolle=member.rolle, age=age, values=values
        )
        assert missing == []
        assert registrering.komplet
        assert registrering.mangler == []
    assert Spoergeskema.objects.filter(person__in=[m.person for m in members]).exists()


def test_plans_have_five_to_twelve_activities_and_one_draft_at_most(built):
    active = Familie.objects.filter(status=Familie.Status.AKTIV)
    first_versions = Planversion.objects.filter(familie__in=active, nummer=1)
    assert first_versions.count() == active.count()
    per_version = first_versions.annotate(n=Count("indsatser")).values_list("n", flat=True)
    assert all(5 <= n <= 12 for n in per_version)
    assert not Indsats.objects.filter(personer__isnull=True).exists()
    drafts = Planversion.objects.filter(status="kladde").values("familie").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in drafts)


def test_the_board_has_a_coming_meeting_with_undecided_referrals(built):
    for projekt in Projekt.objects.filter(kode__startswith="nat-"):
        coming = Visitationsmoede.objects.get(projekt=projekt, afsluttet__isnull=True)
        assert coming.medlemmer.count() == 3
        undecided = Dagsordenspunkt.objects.filter(moede=coming, beslutning="")
        assert undecided.exists()
        assert all(p.familie.status == "paa_dagsorden" for p in undecided)
    assert Indstilling.objects.count() == FAMILIES


def test_prices_change_inside_the_period_and_cost_lines_price_both_sides(built):
    for projekt in Projekt.objects.filter(kode__startswith="nat-"):
        changes = Pris.objects.filter(omkostningstype__kommune=projekt.kommune).values_list(
            "gyldig_fra", flat=True
        )
        assert len(set(changes)) == 2
    change = max(Pris.objects.values_list("gyldig_fra", flat=True))
    running = Omkostningslinje.objects.filter(fra__lt=change, til__isnull=True)
    assert running.exists()


def test_the_benchmark_users_sign_in_with_the_demo_password(built):
    user_model = get_user_model()
    for suffix in ("projektleder", "koordinator01", "borger", "leder.familie"):
        user = user_model.objects.get(username=f"nat001.{suffix}")
        assert user.check_password("demo")
    borger = user_model.objects.get(username="nat001.borger")
    assert Person.objects.get(bruger=borger).medlemskaber.filter(rolle="voksen").exists()


def test_the_command_builds_it_only_when_demo_users_are_allowed():
    with pytest.raises(CommandError, match="allow-demo-users"):
        call_command("seed_demo", scale="national", projects=1, families=5, months=1)
    with pytest.raises(CommandError, match="--families must be at least --projects"):
        call_command("seed_demo", scale="national", projects=3, families=2, allow_demo_users=True)
    out = io.StringIO()
    call_command(
        "seed_demo",
        scale="national",
        projects=1,
        families=7,
        months=2,
        allow_demo_users=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "7 families" in out.getvalue()
    assert Familie.objects.filter(projekt__kode="nat-001").count() == 7
