"""Deterministic, idempotent demo data. Fictitious names only; later apps add their own parts."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from kerne.models import Forvaltning, Kommune, Medarbejder, Projekt, Projektrolle, Rolle, Sektor

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


DEPARTMENTS = {
    "Demo Kommune": [
        ("Jobcenter", Sektor.BESKAEFTIGELSE),
        ("JobStart", Sektor.BESKAEFTIGELSE),
        ("Familiesektionen", Sektor.BOERN_FAMILIE),
        ("Socialafdelingen", Sektor.VOKSEN_SOCIAL),
        ("Sundhedsafdelingen", Sektor.SUNDHED),
        ("Skoleforvaltningen", Sektor.SKOLE_DAGTILBUD),
    ],
    "Anden Kommune": [
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
        DemoUser(f"koordinator{n}", name, "Koordinator", "Demo Kommune", Rolle.KOORDINATOR)
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


def seed(*, families: int, months: int, seed: int, with_users: bool) -> list[str]:
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
        projekt, _ = Projekt.objects.get_or_create(
            kode=projekt_kode,
            defaults={"kommune": kommune, "navn": projekt_navn, "maal_antal_familier": maal},
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
    return summary
