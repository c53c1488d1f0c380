"""The family plan's part of the national dataset (order 25): for every active family an agreed
plan of 5–12 activities, for some a second agreed version and a draft, follow-ups, due dates
and a stafetlog; bulk-loaded like the rest of kerne/national.py."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from familieplan import frister
from familieplan.demo import ACTORS, ADULT, CADENCES, CHILD, GOALS
from familieplan.models import (
    Aftale,
    Aktoer,
    Frist,
    Indsats,
    Maal,
    Opfoelgning,
    Planversion,
    Sektorplan,
    Stafetmoede,
)
from kerne.models import Familie, Sektor
from kerne.national import Context, Family, Project, at

VURDERINGER = ["paa_sporet", "paa_sporet", "delvist", "ikke_paa_sporet"]


@dataclass
class Activity:
    row: tuple  # an ADULT/CHILD catalogue row
    person_ids: list[int]
    fornavn: str
    noegle: uuid.UUID
    goal: int  # position of its family goal
    start: datetime.date
    end: datetime.date
    hours: float
    kadence: str
    visible: bool
    position: int


@dataclass
class Version:
    family: Family
    nummer: int
    agreed: datetime.date | None
    goals: list[tuple[uuid.UUID, str, str]]
    activities: list[Activity]
    plans: list[tuple[uuid.UUID, str, str, datetime.date, str, str]]
    id: int = 0
    goal_ids: list[int] = field(default_factory=list)
    activity_ids: list[int] = field(default_factory=list)


def seed(ctx: Context) -> list[str]:
    totals = {"plans": 0, "versions": 0, "activities": 0}
    for projekt in ctx.projects:
        _project(ctx, projekt, totals)
    return [
        f"Family plans: {totals['plans']} plans, {totals['versions']} versions, "
        f"{totals['activities']} activities, with follow-ups and stafetlogs."
    ]


def _plan(ctx: Context, family: Family) -> list[Version]:
    rng = ctx.rng("familieplan", family.projekt.number, family.index)
    adults, children = family.adults, family.children
    start = max(
        family.optaget + datetime.timedelta(days=20),
        ctx.today - datetime.timedelta(days=rng.randint(120, 400)),
    )
    agreed_1 = start + datetime.timedelta(days=14)
    goals = [
        (uuid.UUID(int=rng.getrandbits(128), version=4), t.replace("Mette", adults[0].fornavn), m)
        for t, m in rng.sample(GOALS, 2)
    ]
    count = rng.randint(5, 12)
    candidates = [(row, a) for a in adults for row in ADULT] + [
        (row, c) for c in children for row in CHILD
    ]
    rng.shuffle(candidates)
    activities: list[Activity] = []
    seen = set()
    for row, member in candidates:
        if len(activities) == count:
            break
        if (row[0], member.person_id) in seen:
            continue
        seen.add((row[0], member.person_id))
        begin = start + datetime.timedelta(days=rng.randint(0, 40))
        activities.append(
            Activity(
                row=row,
                person_ids=[member.person_id],
                fornavn=member.fornavn,
                noegle=uuid.UUID(int=rng.getrandbits(128), version=4),
                goal=len(activities) % 2,
                start=begin,
                end=begin + datetime.timedelta(days=rng.choice([90, 180, 270, 365])),
                hours=float(row[3]),
                kadence=rng.choice(CADENCES),
                visible=len(activities) % 6 != 5,
                position=len(activities),
            )
        )
    plans = [
        (
            uuid.UUID(int=rng.getrandbits(128), version=4),
            Sektor.BESKAEFTIGELSE,
            "jobplan",
            start,
            "Jobcenter",
            f"JC-{family.id:06d}",
        )
    ]
    if children:
        plans.append(
            (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                Sektor.BOERN_FAMILIE,
                "barnets_plan",
                start,
                "Familieafdelingen",
                f"BF-{family.id:06d}",
            )
        )
    versions = [Version(family, 1, agreed_1, goals, activities, plans)]
    if family.index % 2 == 0:
        # A second agreed version: the first activity ended early, a mentor added.
        changed = [Activity(**vars(a)) for a in activities]
        first = changed[0]
        first.end = max(first.start, agreed_1 + datetime.timedelta(days=60))
        first.hours = first.hours / 2
        changed.append(
            Activity(
                row=ADULT[2],
                person_ids=[adults[0].person_id],
                fornavn=adults[0].fornavn,
                noegle=uuid.UUID(int=rng.getrandbits(128), version=4),
                goal=0,
                start=agreed_1 + datetime.timedelta(days=70),
                end=agreed_1 + datetime.timedelta(days=250),
                hours=float(ADULT[2][3]),
                kadence="maanedlig",
                visible=True,
                position=99,
            )
        )
        versions.append(
            Version(family, 2, agreed_1 + datetime.timedelta(days=75), goals, changed, plans)
        )
    if family.index % 4 == 1:
        latest = versions[-1]
        versions.append(Version(family, latest.nummer + 1, None, goals, latest.activities, plans))
    return versions


def _project(ctx: Context, projekt: Project, totals: dict) -> None:
    loader, load = ctx.loader, ctx.loader.load
    families = [
        f for f in projekt.families if f.status == Familie.Status.AKTIV and f.koordinator_id
    ]
    versions = [v for f in families for v in _plan(ctx, f)]
    n_goals = sum(len(v.goals) for v in versions)
    n_activities = sum(len(v.activities) for v in versions)
    version0 = loader.reserve(Planversion, len(versions))
    goal_id = loader.reserve(Maal, n_goals)
    activity_id = loader.reserve(Indsats, n_activities)
    for n, version in enumerate(versions):
        version.id = version0 + n
        version.goal_ids = list(range(goal_id, goal_id + len(version.goals)))
        goal_id += len(version.goals)
        version.activity_ids = list(range(activity_id, activity_id + len(version.activities)))
        activity_id += len(version.activities)

    load(
        Planversion,
        [
            "id",
            "familie_id",
            "nummer",
            "status",
            "revision",
            "oprettet",
            "oprettet_af_id",
            "aendret",
            "aftalt_dato",
            "aftalt_form",
            "aftalt_registreret_af_id",
            "aftalt_registreret",
        ],
        (
            (
                v.id,
                v.family.id,
                v.nummer,
                "aftalt" if v.agreed else "kladde",
                0,
                at(v.agreed or ctx.today) - datetime.timedelta(days=10),
                v.family.koordinator_id,
                at(v.agreed or ctx.today),
                v.agreed,
                "moede" if v.agreed else "",
                v.family.koordinator_id if v.agreed else None,
                at(v.agreed, 12) if v.agreed else None,
            )
            for v in versions
        ),
    )
    load(
        Planversion.aftalt_med.through,
        ["planversion_id", "person_id"],
        ((v.id, a.person_id) for v in versions if v.agreed for a in v.family.adults),
    )
    load(
        Maal,
        ["id", "version_id", "familie_id", "noegle", "titel", "maalopfyldelse", "raekkefoelge"],
        (
            (gid, v.id, v.family.id, noegle, titel, maal, i)
            for v in versions
            for i, (gid, (noegle, titel, maal)) in enumerate(zip(v.goal_ids, v.goals, strict=True))
        ),
    )
    sagsdel = ctx.sagsdel
    load(
        Indsats,
        [
            "id",
            "version_id",
            "sagsdel_id",
            "noegle",
            "titel",
            "art",
            "faelles_maal_id",
            "maal",
            "maalopfyldelse",
            "tilbud",
            "leverandoer",
            "startdato",
            "slutdato",
            "timer_pr_uge",
            "lovgrundlag",
            "kadence",
            "opfoelgningsform",
            "konsekvens_ved_udeblivelse",
            "ansvarlig",
            "synlig_for_familien",
            "raekkefoelge",
        ],
        (
            (
                aid,
                v.id,
                sagsdel[(v.family.id, a.row[1])],
                a.noegle,
                f"{a.row[0]} ({a.fornavn})",
                a.row[2],
                v.goal_ids[a.goal],
                f"{a.fornavn} gennemfører forløbet og får det bedre i hverdagen.",
                "Fremmøde på mindst 80 %, og den ansvarlige vurderer fremgang.",
                a.row[6],
                a.row[5],
                a.start,
                a.end,
                a.hours,
                a.row[4],
                a.kadence,
                "Samtale med familien og den ansvarlige",
                a.row[7],
                f"{a.row[5]}, kontaktperson",
                a.visible,
                a.position,
            )
            for v in versions
            for aid, a in zip(v.activity_ids, v.activities, strict=True)
        ),
    )
    load(
        Indsats.personer.through,
        ["indsats_id", "person_id"],
        (
            (aid, pid)
            for v in versions
            for aid, a in zip(v.activity_ids, v.activities, strict=True)
            for pid in a.person_ids
        ),
    )
    load(
        Sektorplan,
        ["version_id", "sagsdel_id", "noegle", "type", "dato", "ejer", "reference"],
        (
            (v.id, sagsdel[(v.family.id, sektor)], noegle, kind, dato, ejer, ref)
            for v in versions
            for noegle, sektor, kind, dato, ejer, ref in v.plans
        ),
    )

    # Follow-ups and due dates on the latest agreed version's activities.
    latest: dict[int, Version] = {}
    for v in versions:
        if v.agreed:
            latest[v.family.id] = v
    follow_ups, due = [], []
    for v in latest.values():
        rng = ctx.rng("opfoelgning", v.family.id)
        for aid, a in zip(v.activity_ids, v.activities, strict=True):
            day = a.start + datetime.timedelta(days=30)
            last = None
            while day < min(ctx.today, a.end) and rng.random() < 0.8:
                follow_ups.append(
                    (
                        aid,
                        sagsdel[(v.family.id, a.row[1])],
                        a.noegle,
                        day,
                        "Samtale med familien",
                        rng.choice(VURDERINGER),
                        "",
                        v.family.koordinator_id,
                        at(day),
                    )
                )
                last = day
                day += datetime.timedelta(days=45)
            next_day = frister.next_due(start=a.start, slut=a.end, kadence=a.kadence, seneste=last)
            if next_day is not None:
                due.append((aid, sagsdel[(v.family.id, a.row[1])], a.noegle, next_day))
    load(
        Opfoelgning,
        [
            "indsats_id",
            "sagsdel_id",
            "noegle",
            "dato",
            "form",
            "vurdering",
            "notat",
            "registreret_af_id",
            "registreret",
        ],
        follow_ups,
    )
    load(Frist, ["indsats_id", "sagsdel_id", "noegle", "forfald"], due)
    _stafetlog(ctx, families)
    totals["plans"] += len(families)
    totals["versions"] += len(versions)
    totals["activities"] += n_activities


def _stafetlog(ctx: Context, families: list[Family]) -> None:
    """Actors (the case manager holds the relay), the last and the next meeting, agreements."""
    actors, meetings, agreements = [], [], []
    moede0 = ctx.loader.reserve(Stafetmoede, 2 * len(families))
    for n, family in enumerate(families):
        rng = ctx.rng("stafetlog", family.id)
        adult = family.adults[0]
        actors.append(
            (
                family.id,
                "Karen Koordinator",
                "Koordinerende sagsbehandler",
                "Helhedsindsatsteamet",
                "Tlf. 70 00 00 00",
                True,
            )
        )
        actors.append(
            (
                family.id,
                f"{adult.fornavn} {adult.efternavn}",
                "Forælder",
                "",
                "Via kontaktpersonen",
                False,
            )
        )
        for rolle, organisation, kontakt in rng.sample(ACTORS, 2):
            actors.append(
                (
                    family.id,
                    f"{rng.choice(['Anne', 'Bo', 'Lise', 'Ole'])} {rolle}",
                    rolle,
                    organisation,
                    kontakt,
                    False,
                )
            )
        last, coming = moede0 + 2 * n, moede0 + 2 * n + 1
        meetings.append(
            (
                last,
                family.id,
                at(ctx.today - datetime.timedelta(days=rng.randint(7, 30))),
                "Familiens hjem",
            )
        )
        meetings.append(
            (
                coming,
                family.id,
                at(ctx.today + datetime.timedelta(days=rng.randint(7, 30))),
                "Helhedsindsatsteamet, mødelokale 2",
            )
        )
        for hvad, hvem, days, status in [
            ("Søge om tilskud til fritidsaktivitet", adult.fornavn, 14, Aftale.Status.I_GANG),
            ("Aftale tid hos egen læge", adult.fornavn, 21, Aftale.Status.AABEN),
            (
                "Sende referat til alle i stafetloggen",
                "Karen Koordinator",
                -3,
                Aftale.Status.UDFOERT,
            ),
        ]:
            agreements.append(
                (family.id, last, hvad, hvem, ctx.today + datetime.timedelta(days=days), status)
            )
    load = ctx.loader.load
    load(
        Aktoer,
        ["familie_id", "navn", "rolle", "organisation", "kontakt", "er_stafetholder"],
        actors,
    )
    load(Stafetmoede, ["id", "familie_id", "tidspunkt", "sted"], meetings)
    load(Aftale, ["familie_id", "moede_id", "hvad", "hvem", "frist", "status"], agreements)
