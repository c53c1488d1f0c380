"""The national-size dataset (`seed_demo --scale national`): bulk-loaded, deterministic.

100 projects, 30,000 families, about 100,000 persons; the domain apps add their parts through
`kerne.demo.register_national_seeder`. Rows go in with PostgreSQL's COPY (psycopg 3
`cursor.copy()`), or bulk_create on other databases, with ids reserved up front so that
children can point at parents without reading anything back. Everything runs in one
transaction: the dataset is there whole or not at all.

Grants are derived here from the facts this module and the apps' seeders write, the same way
`adgang.derive_grants` derives them (tests/test_national.py proves the equality with
`sync_grants --check`); the apps add what their facts give to `Context.grants`.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from kerne import adgang, cpr, cpr_crypto
from kerne.demo import (
    DEMO_PASSWORD,
    FIRST_NAMES_ADULT,
    FIRST_NAMES_CHILD,
    NATIONAL_SEEDERS,
    STREETS,
    SURNAMES,
)
from kerne.models import (
    Afdelingssag,
    Delingsregel,
    Familie,
    Familiemedlemskab,
    FamilieUserObjectPermission,
    Forvaltning,
    Hjemmel,
    Kommune,
    Medarbejder,
    Person,
    Projekt,
    Projektrolle,
    Rolle,
    Sagsdel,
    SagsdelUserObjectPermission,
    Samtykke,
    Sektor,
)

User = get_user_model()

PROJECTS = 100
FAMILIES = 30_000
MONTHS = 36
CODE_PREFIX = "nat-"
FAMILIES_PER_MANAGER = 7.5
FEMALE = {"Mette", "Louise", "Camilla", "Sara", "Nadia", "Emma", "Ida", "Freja", "Alma", "Ella"}

TEAM = "Helhedsindsatsteamet"
JOBCENTER = "Jobcenter"
JOBSTART = "JobStart"
FAMILIEAFDELING = "Familieafdelingen"
DEPARTMENTS = [
    (TEAM, ""),
    (JOBCENTER, Sektor.BESKAEFTIGELSE),
    (JOBSTART, Sektor.BESKAEFTIGELSE),
    (FAMILIEAFDELING, Sektor.BOERN_FAMILIE),
    ("Socialafdelingen", Sektor.VOKSEN_SOCIAL),
    ("Sundhedsafdelingen", Sektor.SUNDHED),
    ("Skoleforvaltningen", Sektor.SKOLE_DAGTILBUD),
]
POLICY = {
    Rolle.KOORDINATOR: Delingsregel.Regel.ALWAYS,
    Rolle.PROJEKTLEDER: Delingsregel.Regel.WITH_CONSENT,
    Rolle.SAGSBEHANDLER: Delingsregel.Regel.WITH_CONSENT,
    Rolle.ADMINISTRATIV: Delingsregel.Regel.NEVER,
}

S = Familie.Status


# --- Bulk loading ---------------------------------------------------------------------------


class Loader:
    """COPY on PostgreSQL, bulk_create elsewhere; ids handed out before the rows go in.

    With `fast` (the national build, as a superuser) the session skips the foreign-key
    triggers: half a billion deferred checks would queue in memory until the commit. The
    rows are written in dependency order from ids this process reserved; the small-scale
    tests load with every check on.
    """

    def __init__(self, *, fast: bool = False) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._next: dict[type, int] = {}
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                if fast:
                    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    if cursor.fetchone()[0]:
                        cursor.execute("SET LOCAL session_replication_role = replica")
                    else:
                        # Without the right to skip them, check each row at once rather than
                        # queue tens of millions of deferred checks in the server's memory.
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def reserve(self, model: type[models.Model], n: int) -> int:
        """The first of n consecutive new primary keys for the model."""
        if n <= 0:
            return 0
        table = model._meta.db_table
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                    [connection.ops.quote_name(table)],
                )
                first = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [connection.ops.quote_name(table), first + n - 1],
                )
            return first
        first = self._next.get(model)
        if first is None:
            first = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self._next[model] = first + n
        return first

    def load(self, model: type[models.Model], columns: Sequence[str], rows: Iterable) -> int:
        """Write rows (tuples in the order of `columns`, field names or attnames)."""
        fields = [model._meta.get_field(name) for name in columns]
        # Columns the caller leaves out get the model's default, so a field another app adds
        # later (with a default, or blank/null) does not break the build.
        extra, extra_values = _defaults(model, fields)
        if extra:
            fields += extra
            rows = (tuple(row) + extra_values for row in rows)
        count = 0
        if self.postgres:
            names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    if json_at:
                        row = list(row)
                        for i in json_at:
                            row[i] = json.dumps(row[i])
                    copy.write_row(row)
                    count += 1
        else:
            attnames = [f.attname for f in fields]
            decimals = {i for i, f in enumerate(fields) if isinstance(f, models.DecimalField)}
            batch: list[models.Model] = []
            for row in rows:
                values = [
                    Decimal(str(v)) if i in decimals and v is not None else v
                    for i, v in enumerate(row)
                ]
                batch.append(model(**dict(zip(attnames, values, strict=True))))
                count += 1
                if len(batch) >= 2000:
                    model.objects.bulk_create(batch)
                    batch = []
            model.objects.bulk_create(batch)
        key = model._meta.label
        self.counts[key] = self.counts.get(key, 0) + count
        return count


def _defaults(model: type[models.Model], given: list) -> tuple[list, tuple]:
    now = timezone.now()
    names = {f.name for f in given}
    extra, values = [], []
    for f in model._meta.concrete_fields:
        if f.name in names or f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            if callable(f.default) and f.unique:
                # One default for every row would break the uniqueness: the caller must give it.
                raise ValueError(f"{model._meta.label}.{f.name} needs a value per row")
            value = f.get_default()
        elif f.null:
            value = None
        elif f.blank and isinstance(f, models.CharField | models.TextField):
            value = ""
        else:
            raise ValueError(f"{model._meta.label}.{f.name} needs a value")
        extra.append(f)
        values.append(value)
    return extra, tuple(values)


# --- The facts every app's seeder reads -----------------------------------------------------


@dataclass
class Member:
    person_id: int
    rolle: str  # "voksen" or "barn"
    fornavn: str
    efternavn: str
    foedselsdato: datetime.date
    fra: datetime.date


@dataclass
class Family:
    id: int
    index: int  # within its project: the same index gives the same family at every size
    projekt: Project
    betegnelse: str
    status: str
    koordinator_id: int | None
    optaget: datetime.date  # first day of the stay (admission)
    afsluttet: datetime.date | None
    members: list[Member] = field(default_factory=list)

    @property
    def adults(self) -> list[Member]:
        return [m for m in self.members if m.rolle == "voksen"]

    @property
    def children(self) -> list[Member]:
        return [m for m in self.members if m.rolle == "barn"]

    @property
    def registrar_id(self) -> int:
        return self.koordinator_id or self.projekt.leader_id


@dataclass
class Project:
    id: int
    number: int
    kode: str
    navn: str
    kommune_id: int
    kommune_navn: str
    departments: dict[str, int]  # name -> Forvaltning id
    users: dict[str, int]  # username suffix -> user id ("projektleder", "koordinator01", ...)
    managers: list[int]
    families: list[Family] = field(default_factory=list)

    @property
    def leader_id(self) -> int:
        return self.users["projektleder"]

    @property
    def board(self) -> list[int]:
        return [
            self.users["projektleder"],
            self.users["leder.familie"],
            self.users["leder.jobstart"],
        ]


@dataclass
class Context:
    loader: Loader
    seed: int
    today: datetime.date
    months: int
    projects: list[Project]
    sagsdel: dict[tuple[int, str], int] = field(default_factory=dict)
    # (user id, action, family id, sector or ""): written once every seeder has added its own.
    grants: set[tuple[int, str, int, str]] = field(default_factory=set)

    @property
    def families(self) -> Iterable[Family]:
        for projekt in self.projects:
            yield from projekt.families

    @property
    def window_start(self) -> datetime.date:
        """The first month with registrations: `months` months before the current one."""
        first = self.today.replace(day=1)
        for _ in range(self.months):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        return first

    def rng(self, *parts: object) -> random.Random:
        # Demo data, not secrets: a seeded generator keeps every build the same.
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))  # noqa: S311


def username(projekt_number: int, suffix: str) -> str:
    return f"nat{projekt_number:03d}.{suffix}"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- The build ------------------------------------------------------------------------------


def exists() -> bool:
    return Projekt.objects.filter(kode__startswith=CODE_PREFIX).exists()


def seed_national(
    *,
    projects: int = PROJECTS,
    families: int = FAMILIES,
    months: int = MONTHS,
    seed: int = 1,
    fast: bool = True,
    log: Callable[[str], None] | None = None,
) -> list[str]:
    """Build the national dataset once; a second call finds it and creates nothing."""
    if exists():
        return ["National dataset already present; nothing created."]
    if not 1 <= projects <= 800:
        raise ValueError("projects must be between 1 and 800")
    say = log or (lambda _line: None)
    started = time.monotonic()
    summary: list[str] = []
    with transaction.atomic():
        loader = Loader(fast=fast)
        ctx = Context(
            loader=loader,
            seed=seed,
            today=timezone.localdate(),
            months=months,
            projects=[],
        )
        summary += seed_kernel(ctx, projects=projects, families=families)
        say(f"{time.monotonic() - started:6.1f}s kerne")
        for _order, seeder in sorted(NATIONAL_SEEDERS, key=lambda pair: pair[0]):
            summary += seeder(ctx)
            say(f"{time.monotonic() - started:6.1f}s {seeder.__module__}")
        summary.append(write_grants(ctx))
        say(f"{time.monotonic() - started:6.1f}s grants")
    if loader.postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        say(f"{time.monotonic() - started:6.1f}s analyze")
    total = sum(loader.counts.values())
    summary.append(f"National dataset: {total:,} rows in {time.monotonic() - started:.0f} s.")
    return summary


def seed_kernel(ctx: Context, *, projects: int, families: int) -> list[str]:
    """Municipalities, projects, departments, staff and roles, families, persons, consent."""
    load = ctx.loader.load
    per_project = [
        families // projects + (1 if p < families % projects else 0) for p in range(projects)
    ]
    kommune0 = ctx.loader.reserve(Kommune, projects)
    projekt0 = ctx.loader.reserve(Projekt, projects)
    forvaltning0 = ctx.loader.reserve(Forvaltning, projects * len(DEPARTMENTS))
    existing_codes = set(Kommune.objects.values_list("kode", flat=True))
    free_codes = [f"{n:03d}" for n in range(101, 1000) if f"{n:03d}" not in existing_codes]
    load(
        Kommune,
        ["id", "navn", "kode"],
        ((kommune0 + p, f"Nationalkommune {p + 1:03d}", free_codes[p]) for p in range(projects)),
    )
    load(
        Projekt,
        [
            "id",
            "kommune_id",
            "navn",
            "kode",
            "maal_antal_familier",
            "kapacitet_pr_koordinator",
            "registreringsfrist_dag",
            "udredningsfrist_maaneder",
            "kraev_totp",
        ],
        (
            (
                projekt0 + p,
                kommune0 + p,
                f"Helhedsindsats {p + 1:03d}",
                f"{CODE_PREFIX}{p + 1:03d}",
                per_project[p],
                8,
                10,
                3,
                # Benchmark accounts sign in with a password alone, like the demo's.
                False,
            )
            for p in range(projects)
        ),
    )
    load(
        Forvaltning,
        ["id", "kommune_id", "navn", "sektor"],
        (
            (forvaltning0 + p * len(DEPARTMENTS) + d, kommune0 + p, navn, sektor)
            for p in range(projects)
            for d, (navn, sektor) in enumerate(DEPARTMENTS)
        ),
    )
    load(
        Delingsregel,
        ["projekt_id", "rolle", "sektor", "regel"],
        (
            (projekt0 + p, rolle, sektor, regel)
            for p in range(projects)
            for rolle, regel in POLICY.items()
            for sektor in Sektor.values
        ),
    )

    # Staff: (suffix, role, department, first name, last name) per project.
    staff_plan = []
    for p in range(projects):
        managers = max(1, math.ceil(per_project[p] * 0.84 / FAMILIES_PER_MANAGER))
        rows = [
            ("projektleder", Rolle.PROJEKTLEDER, None, "Pia", "Projektleder"),
            ("jobcenter", Rolle.SAGSBEHANDLER, JOBCENTER, "Jonas", "Jobcenter"),
            ("familieafdeling", Rolle.SAGSBEHANDLER, FAMILIEAFDELING, "Frida", "Familieafdeling"),
            ("leder.jobstart", Rolle.AFDELINGSLEDER, JOBSTART, "Lars", "Leder"),
            ("leder.familie", Rolle.AFDELINGSLEDER, FAMILIEAFDELING, "Lone", "Leder"),
            ("administration", Rolle.ADMINISTRATIV, TEAM, "Anna", "Administration"),
            ("borger", Rolle.BORGER, None, "Bente", "Borger"),
        ]
        rows += [
            (f"koordinator{k + 1:02d}", Rolle.KOORDINATOR, TEAM, "Karen", f"Koordinator {k + 1}")
            for k in range(managers)
        ]
        staff_plan.append(rows)
    n_users = sum(len(rows) for rows in staff_plan)
    user0 = ctx.loader.reserve(User, n_users)
    password = make_password(DEMO_PASSWORD)
    joined = timezone.now()
    user_rows, medarbejder_rows, rolle_rows = [], [], []
    uid = user0
    for p, rows in enumerate(staff_plan):
        users: dict[str, int] = {}
        managers: list[int] = []
        departments = {
            navn: forvaltning0 + p * len(DEPARTMENTS) + d
            for d, (navn, _sektor) in enumerate(DEPARTMENTS)
        }
        for suffix, rolle, afdeling, first, last in rows:
            name = username(p + 1, suffix)
            user_rows.append(
                (
                    uid,
                    password,
                    False,
                    name,
                    first,
                    last,
                    f"{name}@example.invalid",
                    False,
                    True,
                    joined,
                )
            )
            if rolle != Rolle.BORGER:
                medarbejder_rows.append(
                    (uid, kommune0 + p, departments[afdeling] if afdeling else None, "", "")
                )
            rolle_rows.append((uid, projekt0 + p, rolle))
            users[suffix] = uid
            if rolle == Rolle.KOORDINATOR:
                managers.append(uid)
            uid += 1
        ctx.projects.append(
            Project(
                id=projekt0 + p,
                number=p + 1,
                kode=f"{CODE_PREFIX}{p + 1:03d}",
                navn=f"Helhedsindsats {p + 1:03d}",
                kommune_id=kommune0 + p,
                kommune_navn=f"Nationalkommune {p + 1:03d}",
                departments=departments,
                users=users,
                managers=managers,
            )
        )
    load(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        user_rows,
    )
    load(
        Medarbejder,
        ["bruger_id", "kommune_id", "forvaltning_id", "titel", "telefon"],
        medarbejder_rows,
    )
    load(Projektrolle, ["bruger_id", "projekt_id", "rolle"], rolle_rows)

    for projekt, count in zip(ctx.projects, per_project, strict=True):
        _families(ctx, projekt, count)
    n_persons = sum(len(f.members) for f in ctx.families)
    return [
        f"National: {projects} municipalities and projects, {n_users} users "
        f"(password '{DEMO_PASSWORD}'), {families} families, {n_persons} persons."
    ]


# The first families of every project have each status once, so that even a small build shows
# every state (and a test comparing a small build with a large one compares like with like).
FIRST_STATUSES = [S.AKTIV, S.VENTELISTE, S.PAA_DAGSORDEN, S.INDSTILLET, S.OPTAGET, S.AFSLUTTET]


def _status(index: int, rng: random.Random) -> str:
    roll = rng.random()
    if index < len(FIRST_STATUSES):
        return FIRST_STATUSES[index]
    if roll < 0.03:
        return S.PAA_DAGSORDEN
    if roll < 0.05:
        return S.INDSTILLET
    if roll < 0.08:
        return S.VENTELISTE
    if roll < 0.09:
        return S.OPTAGET
    if roll < 0.15:
        return S.AFSLUTTET
    return S.AKTIV


def _families(ctx: Context, projekt: Project, count: int) -> None:
    """One project's families, members, sector parts, department cases and consents."""
    loader, load = ctx.loader, ctx.loader.load
    window = ctx.window_start
    plans = []
    n_persons = 0
    for index in range(count):
        rng = ctx.rng(projekt.number, index)
        status = _status(index, rng)
        n_adults = rng.choice([1, 2])
        n_children = rng.choice([1, 2, 2, 3])
        surname = SURNAMES[index % len(SURNAMES)]
        if status in (S.AKTIV, S.AFSLUTTET):
            optaget = window - datetime.timedelta(days=rng.randint(5, 365))
        else:
            optaget = ctx.today - datetime.timedelta(days=rng.randint(10, 60))
        afsluttet = None
        if status == S.AFSLUTTET:
            afsluttet = ctx.today - datetime.timedelta(days=rng.randint(20, 30 * ctx.months))
            afsluttet = max(afsluttet, optaget + datetime.timedelta(days=90))
            afsluttet = min(afsluttet, ctx.today - datetime.timedelta(days=1))
        adults = [
            (
                rng.choice(FIRST_NAMES_ADULT),
                datetime.date(rng.randint(1972, 1998), rng.randint(1, 12), rng.randint(1, 28)),
            )
            for _ in range(n_adults)
        ]
        children = [
            (
                rng.choice(FIRST_NAMES_CHILD),
                datetime.date(
                    rng.randint(max(2008, ctx.today.year - 17), ctx.today.year - 1),
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                ),
            )
            for _ in range(n_children)
        ]
        address = f"{rng.choice(STREETS)} {rng.randint(1, 80)}"
        plans.append((index, status, surname, optaget, afsluttet, adults, children, address, rng))
        n_persons += n_adults + n_children

    familie0 = loader.reserve(Familie, count)
    person0 = loader.reserve(Person, n_persons)
    active = [i for i, plan in enumerate(plans) if plan[1] == S.AKTIV]
    koordinator_of = {i: projekt.managers[n % len(projekt.managers)] for n, i in enumerate(active)}
    has_optaget = any(f.name == "optaget" for f in Familie._meta.get_fields())
    familie_rows, person_rows, member_rows = [], [], []
    used_cpr: set[str] = set()
    pid = person0
    now = timezone.now()
    for index, status, surname, optaget, afsluttet, adults, children, address, rng in plans:
        family = Family(
            id=familie0 + index,
            index=index,
            projekt=projekt,
            betegnelse=f"Familien {surname} ({index + 1})",
            status=status,
            koordinator_id=koordinator_of.get(index),
            optaget=optaget,
            afsluttet=afsluttet,
        )
        projekt.families.append(family)
        row = [family.id, projekt.id, family.betegnelse, status, family.koordinator_id, now]
        if has_optaget:
            row.append(optaget if status in (S.AKTIV, S.AFSLUTTET, S.OPTAGET) else None)
        row.append(afsluttet if status == S.AFSLUTTET else None)
        familie_rows.append(tuple(row))
        for rolle, people in (("voksen", adults), ("barn", children)):
            for fornavn, birth in people:
                female = fornavn in FEMALE
                number = _cpr(rng, birth, female, used_cpr)
                person_rows.append(
                    (
                        pid,
                        projekt.kommune_id,
                        cpr_crypto.encrypt(number),
                        cpr_crypto.digest(number),
                        fornavn,
                        surname,
                        cpr.birth_date(number),
                        cpr.sex(number),
                        address,
                        "9999",
                        "Demoby",
                        None,
                        now,
                    )
                )
                fra = optaget - datetime.timedelta(days=7)
                relation = "barn" if rolle == "barn" else ("mor" if female else "far")
                member_rows.append((family.id, pid, rolle, relation, rolle == "voksen", fra))
                family.members.append(
                    Member(pid, rolle, fornavn, surname, cpr.birth_date(number), fra)
                )
                pid += 1
    # The project's citizen user is the first adult of its first active family.
    borger_person = None
    if active:
        first_active = projekt.families[active[0]]
        borger_person = first_active.adults[0].person_id
        person_rows = [
            (*r[:11], projekt.users["borger"], r[12]) if r[0] == borger_person else r
            for r in person_rows
        ]
    columns = ["id", "projekt_id", "betegnelse", "status", "koordinator_id", "oprettet"]
    if has_optaget:
        columns.append("optaget")
    columns.append("afsluttet")
    load(Familie, columns, familie_rows)
    load(
        Person,
        [
            "id",
            "kommune_id",
            "cpr_cipher",
            "cpr_hash",
            "fornavn",
            "efternavn",
            "foedselsdato",
            "koen",
            "adresse",
            "postnummer",
            "by",
            "bruger_id",
            "oprettet",
        ],
        person_rows,
    )
    load(
        Familiemedlemskab,
        ["familie_id", "person_id", "rolle", "relation", "foraeldremyndighed", "fra"],
        member_rows,
    )

    sagsdel0 = loader.reserve(Sagsdel, count * len(Sektor.values))
    sagsdel_rows = []
    for family in projekt.families:
        for s, sektor in enumerate(Sektor.values):
            sid = sagsdel0 + family.index * len(Sektor.values) + s
            ctx.sagsdel[(family.id, sektor)] = sid
            sagsdel_rows.append((sid, family.id, sektor))
    load(Sagsdel, ["id", "familie_id", "sektor"], sagsdel_rows)

    jobcenter = projekt.departments[JOBCENTER]
    familieafdeling = projekt.departments[FAMILIEAFDELING]
    load(
        Afdelingssag,
        ["familie_id", "forvaltning_id", "sagsbehandler_id", "aabnet", "lukket"],
        (
            (f.id, forvaltning, projekt.users[user], f.optaget - datetime.timedelta(days=200), None)
            for f in projekt.families
            for forvaltning, user in (
                (jobcenter, "jobcenter"),
                (familieafdeling, "familieafdeling"),
            )
        ),
    )
    _consents(ctx, projekt)
    for family in projekt.families:
        _kernel_grants(ctx, family)


def _cpr(rng: random.Random, birth: datetime.date, female: bool, used: set[str]) -> str:
    """A valid-looking, made-up number (the CPR office's century rule), unique per municipality."""
    seventh = 4 if birth.year >= 2000 else rng.choice([0, 1, 2, 3])
    while True:
        serial = rng.randrange(0, 100) * 10 + rng.choice(
            [0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9]
        )
        number = f"{birth:%d%m%y}{seventh}{serial:03d}"
        if number not in used:
            used.add(number)
            return number


def _consents(ctx: Context, projekt: Project) -> None:
    """Consent and legal bases as in the demo: most families share between the two departments."""
    jobcenter = projekt.departments[JOBCENTER]
    familieafdeling = projekt.departments[FAMILIEAFDELING]
    consents, receivers, hjemler = [], [], []
    families = [f for f in projekt.families if f.adults]
    samtykke0 = ctx.loader.reserve(Samtykke, len(families))
    now = timezone.now()
    for n, family in enumerate(families):
        kind = family.index % 5
        mother = family.adults[0].person_id
        start = family.optaget - datetime.timedelta(days=30)
        sid = samtykke0 + n
        if kind in (0, 1, 2):
            withdrawn = now - datetime.timedelta(days=10) if kind == 2 else None
            consents.append(
                (
                    sid,
                    family.id,
                    mother,
                    [Sektor.BOERN_FAMILIE, Sektor.BESKAEFTIGELSE],
                    "Fælles familieplan på tværs af jobcenter og familieafdeling",
                    start,
                    None,
                    family.registrar_id,
                    now,
                    withdrawn,
                    family.registrar_id if withdrawn else None,
                    "Familien ønskede ikke længere deling." if withdrawn else "",
                )
            )
            receivers += [(sid, jobcenter), (sid, familieafdeling)]
        elif kind == 3:
            consents.append(
                (
                    sid,
                    family.id,
                    mother,
                    [Sektor.SUNDHED],
                    "Sundhedsforløb",
                    start,
                    start + datetime.timedelta(days=30),
                    family.registrar_id,
                    now,
                    None,
                    None,
                    "",
                )
            )
            receivers.append((sid, jobcenter))
        else:
            hjemler.append(
                (
                    family.id,
                    Sektor.BOERN_FAMILIE,
                    jobcenter,
                    "SEL § 49 b",
                    "Udveksling ved bekymring for barn",
                    start,
                    None,
                    family.registrar_id,
                    now,
                )
            )
    load = ctx.loader.load
    load(
        Samtykke,
        [
            "id",
            "familie_id",
            "person_id",
            "sektorer",
            "formaal",
            "gyldig_fra",
            "gyldig_til",
            "registreret_af_id",
            "registreret",
            "tilbagekaldt",
            "tilbagekaldt_af_id",
            "tilbagekaldelse_note",
        ],
        consents,
    )
    load(Samtykke.modtagere.through, ["samtykke_id", "forvaltning_id"], receivers)
    load(
        Hjemmel,
        [
            "familie_id",
            "sektor",
            "modtager_id",
            "paragraf",
            "note",
            "gyldig_fra",
            "gyldig_til",
            "registreret_af_id",
            "registreret",
        ],
        hjemler,
    )


def lawful(family: Family) -> set[tuple[int, str]]:
    """(department, sector) pairs the family's consent or legal basis opens, as _consents made."""
    if not family.adults:
        return set()
    jobcenter = family.projekt.departments[JOBCENTER]
    familieafdeling = family.projekt.departments[FAMILIEAFDELING]
    kind = family.index % 5
    if kind in (0, 1):
        return {
            (d, s)
            for d in (jobcenter, familieafdeling)
            for s in (Sektor.BOERN_FAMILIE, Sektor.BESKAEFTIGELSE)
        }
    if kind == 4:
        return {(jobcenter, Sektor.BOERN_FAMILIE)}
    return set()  # withdrawn (2) or expired (3)


def _kernel_grants(ctx: Context, family: Family) -> None:
    """What adgang.derive_grants gives for the kernel's facts of one national family."""
    add = ctx.grants.add
    projekt = family.projekt
    fid = family.id
    add((projekt.leader_id, adgang.VIEW, fid, ""))  # the project leader (WITH_CONSENT: no dept)
    add((projekt.users["administration"], adgang.VIEW, fid, ""))  # NEVER for sectors
    if family.koordinator_id:
        for action in (adgang.VIEW, adgang.CHANGE):
            add((family.koordinator_id, action, fid, ""))
            for sektor in Sektor.values:
                add((family.koordinator_id, action, fid, sektor))
    opened = lawful(family)
    for department, user, sektor in (
        (JOBCENTER, "jobcenter", Sektor.BESKAEFTIGELSE),
        (FAMILIEAFDELING, "familieafdeling", Sektor.BOERN_FAMILIE),
    ):
        user_id = projekt.users[user]
        afdeling = projekt.departments[department]
        add((user_id, adgang.VIEW, fid, ""))
        add((user_id, adgang.VIEW, fid, sektor))
        add((user_id, adgang.CHANGE, fid, sektor))
        for other in Sektor.values:
            if other != sektor and (afdeling, other) in opened:
                add((user_id, adgang.VIEW, fid, other))
    leder = projekt.users["leder.familie"]
    add((leder, adgang.VIEW, fid, ""))
    add((leder, adgang.VIEW, fid, Sektor.BOERN_FAMILIE))


def write_grants(ctx: Context) -> str:
    """Guardian's direct-foreign-key rows for every grant; a discharged family is read-only."""
    closed = {f.id for f in ctx.families if f.status == S.AFSLUTTET}
    perm = {
        ("familie", adgang.VIEW): adgang._permission_id("familie", adgang.VIEW),
        ("familie", adgang.CHANGE): adgang._permission_id("familie", adgang.CHANGE),
        ("sagsdel", adgang.VIEW): adgang._permission_id("sagsdel", adgang.VIEW),
        ("sagsdel", adgang.CHANGE): adgang._permission_id("sagsdel", adgang.CHANGE),
    }
    grants = sorted(g for g in ctx.grants if not (g[2] in closed and g[1] == adgang.CHANGE))
    ctx.grants = set()
    family_rows = (
        (user_id, perm[("familie", action)], fid)
        for user_id, action, fid, sektor in grants
        if not sektor
    )
    n_family = ctx.loader.load(
        FamilieUserObjectPermission, ["user_id", "permission_id", "content_object_id"], family_rows
    )
    sagsdel_rows = (
        (user_id, perm[("sagsdel", action)], ctx.sagsdel[(fid, sektor)])
        for user_id, action, fid, sektor in grants
        if sektor
    )
    n_sagsdel = ctx.loader.load(
        SagsdelUserObjectPermission, ["user_id", "permission_id", "content_object_id"], sagsdel_rows
    )
    return f"Grants: {n_family} on families, {n_sagsdel} on sector parts."
