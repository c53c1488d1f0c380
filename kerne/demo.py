"""Deterministic, idempotent demo data. Fictitious names only; later apps add their own parts."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from kerne import adgang, cpr
from kerne.models import (
    Afdelingssag,
    Delingsregel,
    Familie,
    Familiemedlemskab,
    Forvaltning,
    Hjemmel,
    Kommune,
    Medarbejder,
    Person,
    Projekt,
    Projektrolle,
    Rolle,
    Samtykke,
    Sektor,
)

User = get_user_model()
DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo credential, created only with DEBUG


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    kommune: str
    rolle: str
    forvaltning: str | None = None


TEAM = "Helhedsindsatsteamet"
DEPARTMENTS = {
    "Demo Kommune": [
        (TEAM, ""),
        ("Jobcenter", Sektor.BESKAEFTIGELSE),
        ("JobStart", Sektor.BESKAEFTIGELSE),
        ("Familiesektionen", Sektor.BOERN_FAMILIE),
        ("Socialafdelingen", Sektor.VOKSEN_SOCIAL),
        ("Sundhedsafdelingen", Sektor.SUNDHED),
        ("Skoleforvaltningen", Sektor.SKOLE_DAGTILBUD),
    ],
    "Anden Kommune": [
        (TEAM, ""),
        ("Jobcenter", Sektor.BESKAEFTIGELSE),
        ("Familieafdelingen", Sektor.BOERN_FAMILIE),
    ],
}

PROJECTS = {
    "Demo Kommune": ("demo-helhed", "Helhedsindsats Demo", 30),
    "Anden Kommune": ("anden-helhed", "Familien i centrum", 8),
}

KOMMUNE_KODER = {"Demo Kommune": "999", "Anden Kommune": "998"}

USERS = [
    DemoUser("projektleder", "Pia", "Projektleder", "Demo Kommune", Rolle.PROJEKTLEDER),
    *(
        DemoUser(f"koordinator{n}", name, "Koordinator", "Demo Kommune", Rolle.KOORDINATOR, TEAM)
        for n, name in enumerate(["Karen", "Kasper", "Kamilla", "Kristian"], start=1)
    ),
    DemoUser("jobcenter", "Jonas", "Jobcenter", "Demo Kommune", Rolle.SAGSBEHANDLER, "Jobcenter"),
    DemoUser(
        "familieafdeling",
        "Frida",
        "Familieafdeling",
        "Demo Kommune",
        Rolle.SAGSBEHANDLER,
        "Familiesektionen",
    ),
    DemoUser("leder.jobstart", "Lars", "Leder", "Demo Kommune", Rolle.AFDELINGSLEDER, "JobStart"),
    DemoUser(
        "leder.familie", "Lone", "Leder", "Demo Kommune", Rolle.AFDELINGSLEDER, "Familiesektionen"
    ),
    DemoUser("borger1", "Bente", "Borger", "Demo Kommune", Rolle.BORGER),
    DemoUser("evaluator", "Erik", "Evaluator", "Demo Kommune", Rolle.EVALUATOR),
    DemoUser("projektleder2", "Per", "Projektleder", "Anden Kommune", Rolle.PROJEKTLEDER),
]


# Domain apps add their demo data here from AppConfig.ready(), as (order, function). Each
# function takes families, months and seed, must be idempotent, and returns summary lines.
DemoSeeder = Callable[..., list[str]]
SEEDERS: list[tuple[int, DemoSeeder]] = []


def register_seeder(order: int, seeder: DemoSeeder) -> None:
    if all(existing is not seeder for _order, existing in SEEDERS):
        SEEDERS.append((order, seeder))


# The national dataset (`seed_demo --scale national`, kerne/national.py): each app adds its
# bulk part with a function taking the build's kerne.national.Context and returning summary lines.
NATIONAL_SEEDERS: list[tuple[int, Callable[..., list[str]]]] = []


def register_national_seeder(order: int, seeder: Callable[..., list[str]]) -> None:
    if all(existing is not seeder for _order, existing in NATIONAL_SEEDERS):
        NATIONAL_SEEDERS.append((order, seeder))


def seed_all(*, families: int, months: int, seed: int, with_users: bool) -> list[str]:
    """The kernel's demo data, then every registered app's, in their order."""
    summary = seed_kernel(families=families, months=months, seed=seed, with_users=with_users)
    for _order, seeder in sorted(SEEDERS, key=lambda pair: pair[0]):
        summary += seeder(families=families, months=months, seed=seed)
    return summary


def seed_kernel(*, families: int, months: int, seed: int, with_users: bool) -> list[str]:
    """Create or complete the demo data; running it twice changes nothing."""
    kommuner = {}
    projekter = {}
    forvaltninger = {}
    for navn, kode in KOMMUNE_KODER.items():
        kommune, _ = Kommune.objects.get_or_create(navn=navn, defaults={"kode": kode})
        kommuner[navn] = kommune
        for afdeling, sektor in DEPARTMENTS[navn]:
            forvaltning, _ = Forvaltning.objects.get_or_create(
                kommune=kommune, navn=afdeling, defaults={"sektor": sektor}
            )
            forvaltninger[(navn, afdeling)] = forvaltning
        projekt_kode, projekt_navn, maal = PROJECTS[navn]
        # The demo users sign in with the password "demo" alone: the demo projects do not
        # require TOTP (a real project does by default; README and docs/operations.md say so).
        projekt, _ = Projekt.objects.update_or_create(
            kode=projekt_kode,
            defaults={"kraev_totp": False},
            create_defaults={
                "kommune": kommune,
                "navn": projekt_navn,
                "maal_antal_familier": maal,
                "kraev_totp": False,
            },
        )
        projekter[navn] = projekt

    summary = [f"{len(kommuner)} municipalities, {len(projekter)} projects."]
    if with_users:
        password_hash = make_password(DEMO_PASSWORD)
        for demo_user in USERS:
            user, _created = User.objects.get_or_create(
                username=demo_user.username,
                defaults={
                    "first_name": demo_user.first_name,
                    "last_name": demo_user.last_name,
                    "password": password_hash,
                    "email": f"{demo_user.username}@example.invalid",
                },
            )
            if demo_user.rolle != Rolle.BORGER:
                Medarbejder.objects.get_or_create(
                    bruger=user,
                    defaults={
                        "kommune": kommuner[demo_user.kommune],
                        "forvaltning": forvaltninger.get(
                            (demo_user.kommune, demo_user.forvaltning)
                        ),
                    },
                )
            Projektrolle.objects.get_or_create(
                bruger=user, projekt=projekter[demo_user.kommune], rolle=demo_user.rolle
            )
        summary.append(f"{len(USERS)} demo users (password '{DEMO_PASSWORD}').")

    rng = random.Random(seed)
    policies(projekter["Demo Kommune"], koordinator_rule=Delingsregel.Regel.ALWAYS)
    policies(projekter["Anden Kommune"], koordinator_rule=Delingsregel.Regel.WITH_CONSENT)
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in USERS])}
    created = 0
    for navn, count in (("Demo Kommune", families), ("Anden Kommune", min(families, 8))):
        for index in range(count):
            familie, was_created = demo_family(
                rng, projekter[navn], index, users, forvaltninger, navn
            )
            created += was_created
    borger = users.get("borger1")
    if borger is not None:
        first_family = (
            Familie.objects.filter(
                projekt=projekter["Demo Kommune"], koordinator__username="koordinator1"
            )
            .order_by("pk")
            .first()
        )
        if first_family is not None and not Person.objects.filter(bruger=borger).exists():
            parent = first_family.medlemskaber.filter(rolle="voksen").order_by("pk").first()
            Person.objects.filter(pk=parent.person_id).update(bruger=borger)
    for familie in Familie.objects.filter(projekt__in=projekter.values()):
        adgang.sync_family_grants(familie, reason="seed_demo")
    summary.append(f"{created} families created ({Familie.objects.count()} in all).")
    return summary


def policies(projekt: Projekt, *, koordinator_rule: str) -> None:
    """The sharing policy: integrated authority for the case manager in one project."""
    rules = {
        Rolle.KOORDINATOR: koordinator_rule,
        Rolle.PROJEKTLEDER: Delingsregel.Regel.WITH_CONSENT,
        Rolle.SAGSBEHANDLER: Delingsregel.Regel.WITH_CONSENT,
        Rolle.ADMINISTRATIV: Delingsregel.Regel.NEVER,
    }
    for rolle, regel in rules.items():
        for sektor in Sektor.values:
            Delingsregel.objects.get_or_create(
                projekt=projekt, rolle=rolle, sektor=sektor, defaults={"regel": regel}
            )


FIRST_NAMES_ADULT = ["Mette", "Louise", "Camilla", "Anders", "Jesper", "Rasmus", "Sara", "Nadia"]
FIRST_NAMES_CHILD = ["Emma", "Noah", "Ida", "William", "Freja", "Oscar", "Alma", "Lucas", "Ella"]
SURNAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
]
STREETS = ["Møllevej", "Skolegade", "Engtoften", "Bakkedraget", "Søndergade", "Lærkevej"]


def _fictitious_cpr(rng: random.Random, birth: datetime.date, female: bool) -> str:
    """A valid-looking number (CPR office century rule) for a made-up person."""
    seventh = 4 if birth.year >= 2000 else rng.choice([0, 1, 2, 3])
    serial = rng.randrange(0, 100) * 10 + rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
    return f"{birth:%d%m%y}{seventh}{serial:03d}"


def _person(rng, kommune, *, birth, fornavn, efternavn, adresse) -> Person:
    female = fornavn in {
        "Mette",
        "Louise",
        "Camilla",
        "Sara",
        "Nadia",
        "Emma",
        "Ida",
        "Freja",
        "Alma",
        "Ella",
    }
    while True:
        number = _fictitious_cpr(rng, birth, female)
        # A number already taken by this same person (a second run) is found and kept.
        person = Person.objects.with_cpr(number).filter(kommune=kommune).first()
        if person is None or person.fornavn == fornavn:
            break
    if person is None:
        person = Person.objects.create(
            kommune=kommune,
            cpr=number,
            fornavn=fornavn,
            efternavn=efternavn,
            foedselsdato=cpr.birth_date(number),
            koen=cpr.sex(number),
            adresse=adresse,
            postnummer="9999",
            by="Demoby",
        )
    return person


def demo_family(rng, projekt, index, users, forvaltninger, kommune_navn) -> tuple[Familie, bool]:
    surname = SURNAMES[index % len(SURNAMES)]
    betegnelse = f"Familien {surname} ({index + 1})"
    existing = Familie.objects.filter(projekt=projekt, betegnelse=betegnelse).first()
    # Draw the same numbers whether or not the family exists, so later families stay the same.
    today = timezone.localdate()
    n_adults = rng.choice([1, 1, 2])
    n_children = rng.randint(1, 4)
    adults = [
        (
            rng.choice(FIRST_NAMES_ADULT),
            datetime.date(rng.randint(1975, 1999), rng.randint(1, 12), rng.randint(1, 28)),
        )
        for _ in range(n_adults)
    ]
    children = [
        (
            rng.choice(FIRST_NAMES_CHILD),
            datetime.date(rng.randint(2009, 2024), rng.randint(1, 12), rng.randint(1, 28)),
        )
        for _ in range(n_children)
    ]
    status_roll = rng.random()
    address = f"{rng.choice(STREETS)} {rng.randint(1, 80)}"
    if existing is not None:
        return existing, False

    status = Familie.Status.AKTIV
    if status_roll > 0.9:
        status = Familie.Status.AFSLUTTET
    elif status_roll > 0.85:
        status = Familie.Status.VENTELISTE
    koordinator = None
    if kommune_navn == "Demo Kommune" and status == Familie.Status.AKTIV:
        koordinator = users.get(f"koordinator{index % 4 + 1}")
    familie = Familie.objects.create(
        projekt=projekt, betegnelse=betegnelse, status=status, koordinator=koordinator
    )
    kommune = projekt.kommune
    joined = today - datetime.timedelta(days=rng.randint(60, 700))
    for fornavn, birth in adults:
        person = _person(
            rng, kommune, birth=birth, fornavn=fornavn, efternavn=surname, adresse=address
        )
        Familiemedlemskab.objects.create(
            familie=familie,
            person=person,
            rolle="voksen",
            relation="mor" if person.koen == Person.Koen.KVINDE else "far",
            foraeldremyndighed=True,
            fra=joined,
        )
    for fornavn, birth in children:
        person = _person(
            rng, kommune, birth=birth, fornavn=fornavn, efternavn=surname, adresse=address
        )
        Familiemedlemskab.objects.create(
            familie=familie,
            person=person,
            rolle="barn",
            relation="barn",
            fra=joined,
        )

    jobcenter = forvaltninger.get((kommune_navn, "Jobcenter"))
    familiesektion = forvaltninger.get((kommune_navn, "Familiesektionen")) or forvaltninger.get(
        (kommune_navn, "Familieafdelingen")
    )
    Afdelingssag.objects.create(
        familie=familie,
        forvaltning=jobcenter,
        aabnet=joined,
        sagsbehandler=users.get("jobcenter") if kommune_navn == "Demo Kommune" else None,
    )
    Afdelingssag.objects.create(
        familie=familie,
        forvaltning=familiesektion,
        aabnet=joined,
        sagsbehandler=users.get("familieafdeling") if kommune_navn == "Demo Kommune" else None,
    )
    registrar = koordinator or users.get("projektleder") or users.get("projektleder2")
    if registrar is None:
        return familie, True
    mother = familie.medlemskaber.filter(rolle="voksen").order_by("pk").first().person
    kind = index % 5
    if kind in (0, 1, 2):
        # Consent to share the children's and the job centre's data between the two departments.
        samtykke = Samtykke.objects.create(
            familie=familie,
            person=mother,
            sektorer=[Sektor.BOERN_FAMILIE, Sektor.BESKAEFTIGELSE],
            formaal="Fælles familieplan på tværs af jobcenter og familieafdeling",
            gyldig_fra=joined,
            gyldig_til=joined + datetime.timedelta(days=730),
            registreret_af=registrar,
        )
        samtykke.modtagere.set([jobcenter, familiesektion])
        if kind == 2:
            samtykke.tilbagekaldt = timezone.now() - datetime.timedelta(days=10)
            samtykke.tilbagekaldt_af = registrar
            samtykke.tilbagekaldelse_note = "Familien ønskede ikke længere deling."
            samtykke.save()
    elif kind == 3:
        expired = Samtykke.objects.create(
            familie=familie,
            person=mother,
            sektorer=[Sektor.SUNDHED],
            formaal="Sundhedsforløb",
            gyldig_fra=joined,
            gyldig_til=joined + datetime.timedelta(days=30),
            registreret_af=registrar,
        )
        expired.modtagere.set([jobcenter])
    elif kind == 4 and familiesektion is not None:
        Hjemmel.objects.create(
            familie=familie,
            sektor=Sektor.BOERN_FAMILIE,
            modtager=jobcenter,
            paragraf="SEL § 49 b",
            note="Udveksling ved bekymring for barn",
            gyldig_fra=joined,
            registreret_af=registrar,
        )
    return familie, True
