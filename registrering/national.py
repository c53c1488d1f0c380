"""The monthly registration's part of the national dataset (order 30): every member of an
admitted family registered every month of the window (about 3.6 million registrations with
their indicator values), SDQ or WHO-5 every six months, and each project's risks and
milestones. Values drift by the family's course as in registrering/demo.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kerne.models import Familie
from kerne.national import Context, Family, Member, Project, at
from registrering import rules, scoring
from registrering.demo import FLAT, IMPROVE, MILESTONES, RISKS, SLOPE, WORSE
from registrering.models import (
    Indikator,
    Milepael,
    MilepaelAendring,
    Registrering,
    Risiko,
    RisikoAendring,
    Spoergeskema,
    Vaerdi,
)

QUESTIONNAIRE_EVERY = 6  # months


@dataclass(frozen=True)
class Def:
    id: int
    kode: str
    type: str
    sektor: str
    min_alder: int | None
    max_alder: int | None
    low: int | None
    high: int | None


def _defs() -> dict[str, list[Def]]:
    by_role: dict[str, list[Def]] = {"voksen": [], "barn": []}
    for d in Indikator.objects.filter(kommune__isnull=True, aktiv=True).order_by(
        "raekkefoelge", "pk"
    ):
        by_role[d.gaelder_for].append(
            Def(
                d.pk,
                d.kode,
                d.type,
                d.sektor,
                d.min_alder,
                d.max_alder,
                None if d.min_vaerdi is None else int(d.min_vaerdi),
                None if d.max_vaerdi is None else int(d.max_vaerdi),
            )
        )
    return by_role


def seed(ctx: Context) -> list[str]:
    defs = _defs()
    totals = {"registrations": 0, "values": 0, "questionnaires": 0}
    for projekt in ctx.projects:
        _project(ctx, projekt, defs, totals)
    _risks_and_milestones(ctx)
    return [
        f"Registrations: {totals['registrations']:,} with {totals['values']:,} values, "
        f"{totals['questionnaires']:,} questionnaires; risks and milestones for "
        f"{len(ctx.projects)} projects."
    ]


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _months(ctx: Context, family: Family, member: Member) -> list[datetime.date]:
    current = ctx.today.replace(day=1)
    first = max(ctx.window_start, member.fra.replace(day=1))
    if family.status == Familie.Status.AFSLUTTET:
        last = family.afsluttet.replace(day=1)
    else:
        # The current month is half done: about half the families are registered already.
        last = current if family.index % 2 else rules.add_months(current, -1)
    months, month = [], first
    while month <= last:
        months.append(month)
        month = rules.add_months(month, 1)
    return months


def _project(ctx: Context, projekt: Project, defs: dict, totals: dict) -> None:
    registrations, values, questionnaires = [], [], []
    plans = []
    for family in projekt.families:
        if family.status not in (Familie.Status.AKTIV, Familie.Status.AFSLUTTET):
            continue
        kind = ctx.rng("kurs", family.id).choices([IMPROVE, FLAT, WORSE], weights=[5, 3, 2])[0]
        for member in family.members:
            months = _months(ctx, family, member)
            if months:
                plans.append((family, member, kind, months))
    n = sum(len(p[3]) for p in plans)
    reg_id = ctx.loader.reserve(Registrering, n)
    sagsdel = ctx.sagsdel
    for family, member, kind, months in plans:
        rng = ctx.rng("registrering", member.person_id)
        role_defs = defs[member.rolle]
        start = {d.kode: rng.uniform(1.5, 3.8) for d in role_defs if d.type == rules.Type.SKALA}
        slope = SLOPE[kind]
        improving = kind == IMPROVE
        user_id = family.registrar_id
        parts = {d.sektor: sagsdel[(family.id, d.sektor)] for d in role_defs}
        for t, maaned in enumerate(months):
            age = rules.age_in_month(member.foedselsdato, maaned)
            when = at(min(rules.add_months(maaned, 1), ctx.today) - datetime.timedelta(days=3))
            registrations.append(
                (
                    reg_id,
                    member.person_id,
                    family.id,
                    maaned,
                    True,
                    [],
                    user_id,
                    when,
                    user_id,
                    when,
                )
            )
            in_offer = False
            for d in role_defs:
                if d.min_alder is not None and (age is None or age < d.min_alder):
                    continue
                if d.max_alder is not None and age is not None and age > d.max_alder:
                    continue
                tal = None
                tekst = ""
                kode = d.kode
                if d.type == rules.Type.SKALA:
                    level = start[kode] + slope * t + rng.uniform(-0.4, 0.4)
                    tal = round(_clamp(level, 0, 4))
                elif kode == "forsoergelse":
                    if improving and t > 6 and rng.random() < 0.4:
                        tekst = "loenmodtager"
                    else:
                        tekst = rng.choice(
                            [
                                "kontanthjaelp",
                                "kontanthjaelp",
                                "uddannelseshjaelp",
                                "ressourceforloeb",
                            ]
                        )
                elif kode == "arbejdstimer_uge":
                    tal = round(_clamp((t * 1.5 if improving else 0) + rng.uniform(0, 3), 0, 37))
                elif kode == "i_beskaeftigelsesrettet_tilbud":
                    in_offer = rng.random() < 0.7
                    tal = 1 if in_offer else 0
                elif kode == "tilbud_timer_uge":
                    if not in_offer:
                        continue
                    tal = rng.choice([10, 15, 20, 25])
                elif kode == "tilbud_fremmoede_pct":
                    if not in_offer:
                        continue
                    base = 55 + (t * 3 if improving else 0)
                    tal = round(_clamp(base + rng.uniform(-10, 10), 0, 100))
                elif kode == "skolefravaer_pct":
                    base = 22 + (-1.5 if improving else 0.8 if kind == WORSE else 0) * t
                    tal = round(_clamp(base + rng.uniform(-4, 4), 0, 100), 1)
                elif kode == "karaktergennemsnit":
                    if rng.random() < 0.5:
                        continue
                    tal = rng.choice([2, 4, 5.5, 7])
                elif kode == "ungdomsuddannelse":
                    tekst = "fastholdt" if improving and t > 4 else rng.choice(["ingen", "startet"])
                elif d.type == rules.Type.JA_NEJ:
                    tal = 1 if rng.random() < (0.6 if improving else 0.4) else 0
                elif d.low is not None and d.high is not None:
                    tal = rng.randint(d.low, d.high)
                else:
                    continue
                values.append((reg_id, parts[d.sektor], d.id, tal, tekst))
            reg_id += 1
            if t % QUESTIONNAIRE_EVERY == 0:
                skema = _questionnaire(ctx, rng, family, member, kind, t, months, maaned, user_id)
                if skema is not None:
                    questionnaires.append(skema)
    load = ctx.loader.load
    load(
        Registrering,
        [
            "id",
            "person_id",
            "familie_id",
            "maaned",
            "komplet",
            "mangler",
            "registreret_af_id",
            "registreret",
            "aendret_af_id",
            "aendret",
        ],
        registrations,
    )
    load(Vaerdi, ["registrering_id", "sagsdel_id", "indikator_id", "tal", "tekst"], values)
    load(
        Spoergeskema,
        [
            "sagsdel_id",
            "person_id",
            "type",
            "version",
            "maalepunkt",
            "dato",
            "svar",
            "score",
            "registreret_af_id",
            "registreret",
        ],
        questionnaires,
    )
    totals["registrations"] += len(registrations)
    totals["values"] += len(values)
    totals["questionnaires"] += len(questionnaires)


def _questionnaire(ctx, rng, family, member, kind, t, months, maaned, user_id):
    """SDQ (children 4–17, parent version) or WHO-5 (adults), drifting by the family's course."""
    dato = min(maaned + datetime.timedelta(days=rng.randint(3, 20)), ctx.today)
    step = t // QUESTIONNAIRE_EVERY
    drift = {IMPROVE: -1, FLAT: 0, WORSE: 1}[kind] * min(step, 2)
    if t == 0:
        maalepunkt = Spoergeskema.Maalepunkt.START
    elif t == (len(months) // 2) // QUESTIONNAIRE_EVERY * QUESTIONNAIRE_EVERY:
        maalepunkt = Spoergeskema.Maalepunkt.MIDTVEJS
    else:
        maalepunkt = Spoergeskema.Maalepunkt.ANDET
    if member.rolle == "voksen":
        answers = {
            item: int(_clamp(rng.randint(1, 3) - drift, 0, 5)) for item in scoring.WHO5_ITEMS
        }
        score = scoring.score_who5(answers).percentage
        skematype, version = Spoergeskema.Type.WHO5, "who5"
    else:
        age = rules.age_on(member.foedselsdato, dato)
        if age is None or not 4 <= age <= 17:
            return None
        answers = {}
        for item in scoring.SDQ_ITEMS:
            problem = int(_clamp(rng.randint(0, 2) + (drift if rng.random() < 0.5 else 0), 0, 2))
            prosocial = item in scoring.SDQ_SUBSCALES[scoring.PROSOCIAL]
            strength = item in scoring.SDQ_REVERSED or prosocial
            answers[item] = 2 - problem if strength else problem
        for item in scoring.SDQ_VERSIONS["foraelder"].impact_items:
            answers[item] = int(_clamp(rng.randint(0, 2) + drift, 0, 3))
        score = scoring.score_sdq("foraelder", answers).total
        skematype, version = Spoergeskema.Type.SDQ, "foraelder"
    return (
        ctx.sagsdel[(family.id, Spoergeskema.SEKTOR[skematype])],
        member.person_id,
        skematype,
        version,
        maalepunkt,
        dato,
        answers,
        score,
        user_id,
        at(dato),
    )


def _risks_and_milestones(ctx: Context) -> None:
    current = ctx.today.replace(day=1)
    start = rules.add_months(current, -3)
    risiko0 = ctx.loader.reserve(Risiko, len(RISKS) * len(ctx.projects))
    milepael0 = ctx.loader.reserve(Milepael, len(MILESTONES) * len(ctx.projects))
    risks, risk_history, milestones, milestone_history = [], [], [], []
    for p, projekt in enumerate(ctx.projects):
        leader = projekt.leader_id
        for r, (beskrivelse, sandsynlighed, konsekvens, afhjaelpning) in enumerate(RISKS):
            rid = risiko0 + p * len(RISKS) + r
            risks.append(
                (
                    rid,
                    projekt.id,
                    beskrivelse,
                    sandsynlighed,
                    konsekvens,
                    afhjaelpning,
                    "Pia Projektleder",
                    Risiko.Status.UNDER_HAANDTERING,
                    current,
                )
            )
            risk_history += [
                (
                    rid,
                    start,
                    "",
                    Risiko.Status.AABEN,
                    min(sandsynlighed + 1, 5),
                    konsekvens,
                    "",
                    leader,
                ),
                (
                    rid,
                    current,
                    Risiko.Status.AABEN,
                    Risiko.Status.UNDER_HAANDTERING,
                    sandsynlighed,
                    konsekvens,
                    "Afhjælpning sat i gang.",
                    leader,
                ),
            ]
        for m, (titel, months_from_start, status) in enumerate(MILESTONES):
            mid = milepael0 + p * len(MILESTONES) + m
            frist = rules.month_end(rules.add_months(start, months_from_start - 2))
            milestones.append((mid, projekt.id, titel, frist, status, "", current))
            milestone_history.append((mid, current, "", status, frist, "", leader))
    load = ctx.loader.load
    load(
        Risiko,
        [
            "id",
            "projekt_id",
            "beskrivelse",
            "sandsynlighed",
            "konsekvens",
            "afhjaelpning",
            "ejer",
            "status",
            "maaned",
        ],
        risks,
    )
    load(
        RisikoAendring,
        [
            "risiko_id",
            "maaned",
            "fra_status",
            "til_status",
            "sandsynlighed",
            "konsekvens",
            "note",
            "aendret_af_id",
        ],
        risk_history,
    )
    load(Milepael, ["id", "projekt_id", "titel", "frist", "status", "note", "maaned"], milestones)
    load(
        MilepaelAendring,
        ["milepael_id", "maaned", "fra_status", "til_status", "frist", "note", "aendret_af_id"],
        milestone_history,
    )
