"""Demo registrations: months of plausible, trending values for the demo projects' active
families (some improve, some stay, some get worse), SDQ and WHO-5 at start, midway and latest,
and the project's risks and milestones. Deterministic and idempotent; bulk inserts only."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kerne.demo import PROJECTS
from kerne.models import Familie, Familiemedlemskab, Projekt, Projektrolle, Rolle, Sagsdel
from registrering import rules, scoring
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

IMPROVE, FLAT, WORSE = "improve", "flat", "worse"
# Per month, how the severity (0–4) drifts: improving families by about a step in four months.
SLOPE = {IMPROVE: -0.25, FLAT: 0.0, WORSE: 0.12}


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


@transaction.atomic
def seed_registrations(*, families: int, months: int, seed: int) -> list[str]:
    today = timezone.localdate()
    current = rules.month_start(today)
    codes = [code for code, _navn, _maal in PROJECTS.values()]
    familier = list(
        Familie.objects.filter(projekt__kode__in=codes, status=Familie.Status.AKTIV)
        .select_related("projekt")
        .order_by("projekt__kode", "pk")
    )
    if not familier or months <= 0:
        return ["0 registrations (no active demo families)."]
    leaders = dict(
        Projektrolle.objects.filter(projekt__kode__in=codes, rolle=Rolle.PROJEKTLEDER)
        .order_by("pk")
        .values_list("projekt_id", "bruger_id")
    )
    defs = list(Indikator.objects.filter(kommune__isnull=True, aktiv=True).order_by("raekkefoelge"))
    by_role = {rolle: [d for d in defs if d.gaelder_for == rolle] for rolle in ("barn", "voksen")}
    rule_defs = {rolle: [d.as_def() for d in items] for rolle, items in by_role.items()}
    sagsdele = {(s.familie_id, s.sektor): s for s in Sagsdel.objects.filter(familie__in=familier)}
    memberships = list(
        Familiemedlemskab.objects.filter(familie__in=familier, til__isnull=True)
        .select_related("person")
        .order_by("familie_id", "pk")
    )
    existing = set(
        Registrering.objects.filter(person__in=[m.person_id for m in memberships]).values_list(
            "person_id", "maaned"
        )
    )
    has_questionnaire = set(
        Spoergeskema.objects.filter(person__in=[m.person_id for m in memberships]).values_list(
            "person_id", flat=True
        )
    )
    first_month = rules.add_months(current, -months)
    month_list = [rules.add_months(first_month, n) for n in range(months + 1)]

    registreringer: list[Registrering] = []
    pending_values: list[tuple[Registrering, list[Vaerdi]]] = []
    skemaer: list[Spoergeskema] = []
    kinds = {}
    for familie in familier:
        rng = random.Random(f"{seed}-{familie.pk}")  # noqa: S311 - demo data, not secrets
        kinds[familie.pk] = rng.choices([IMPROVE, FLAT, WORSE], weights=[5, 3, 2])[0]
    by_pk = {familie.pk: familie for familie in familier}
    for medlemskab in memberships:
        familie = by_pk[medlemskab.familie_id]
        user_id = familie.koordinator_id or leaders.get(familie.projekt_id)
        if user_id is None:
            continue
        kind = kinds[familie.pk]
        rng = random.Random(f"{seed}-{medlemskab.pk}")  # noqa: S311 - demo data, not secrets
        # The current month is half done: about half the families are registered already.
        skip_current = familie.pk % 2 == 0
        start_levels = {d.kode: rng.uniform(1.5, 3.8) for d in by_role[medlemskab.rolle]}
        active = [m for m in month_list if m >= rules.month_start(medlemskab.fra)]
        for index, maaned in enumerate(active):
            if (medlemskab.person_id, maaned) in existing or (maaned == current and skip_current):
                continue
            age = rules.age_in_month(medlemskab.person.foedselsdato, maaned)
            values = _values(
                rng,
                by_role[medlemskab.rolle],
                rolle=medlemskab.rolle,
                age=age,
                start=start_levels,
                t=index,
                kind=kind,
            )
            registrering = Registrering(
                person_id=medlemskab.person_id,
                familie_id=familie.pk,
                maaned=maaned,
                registreret_af_id=user_id,
                aendret_af_id=user_id,
            )
            parsed = {
                d.kode: rules.Parsed(tal=v.tal, tekst=v.tekst)
                for d in by_role[medlemskab.rolle]
                for v in values
                if v.indikator_id == d.pk
            }
            registrering.mangler = rules.missing_codes(
                rule_defs[medlemskab.rolle], rolle=medlemskab.rolle, age=age, values=parsed
            )
            registrering.komplet = not registrering.mangler
            for vaerdi in values:
                vaerdi.sagsdel = sagsdele[(familie.pk, vaerdi.indikator.sektor)]
            registreringer.append(registrering)
            pending_values.append((registrering, values))
        if medlemskab.person_id not in has_questionnaire and len(active) >= 3:
            skemaer += _questionnaires(
                rng, medlemskab, familie, active, kind, sagsdele, user_id, today
            )

    Registrering.objects.bulk_create(registreringer, batch_size=1000)
    vaerdier = []
    for registrering, values in pending_values:
        for vaerdi in values:
            vaerdi.registrering = registrering
            vaerdier.append(vaerdi)
    Vaerdi.objects.bulk_create(vaerdier, batch_size=2000)
    Spoergeskema.objects.bulk_create(skemaer, batch_size=1000)
    risks = _project_plan(today, leaders)
    improving = sum(1 for kind in kinds.values() if kind == IMPROVE)
    return [
        f"{len(registreringer)} monthly registrations with {len(vaerdier)} values "
        f"({improving} of {len(kinds)} families improving), {len(skemaer)} questionnaires, "
        f"{risks} risks and milestones."
    ]


def _values(rng, defs, *, rolle, age, start, t, kind) -> list[Vaerdi]:
    """One month's values for one member: subjective levels drifting by the family's kind."""
    values = []
    improving = kind == IMPROVE
    chosen: dict[str, Vaerdi] = {}
    for indikator in defs:
        defn = indikator.as_def()
        if not rules.applies(defn, rolle=rolle, age=age):
            continue
        tal: Decimal | None = None
        tekst = ""
        if indikator.type == Indikator.Type.SKALA:
            level = start[indikator.kode] + SLOPE[kind] * t + rng.uniform(-0.4, 0.4)
            tal = Decimal(round(_clamp(level, 0, 4)))
        elif indikator.kode == "forsoergelse":
            working = improving and t > 6 and rng.random() < 0.4
            tekst = (
                "loenmodtager"
                if working
                else rng.choice(
                    ["kontanthjaelp", "kontanthjaelp", "uddannelseshjaelp", "ressourceforloeb"]
                )
            )
        elif indikator.kode == "arbejdstimer_uge":
            hours = (t * 1.5 if improving else 0) + rng.uniform(0, 3)
            tal = Decimal(round(_clamp(hours, 0, 37)))
        elif indikator.kode == "i_beskaeftigelsesrettet_tilbud":
            tal = Decimal(1) if rng.random() < 0.7 else Decimal(0)
        elif indikator.kode in ("tilbud_timer_uge", "tilbud_fremmoede_pct"):
            if chosen.get("i_beskaeftigelsesrettet_tilbud") is None or chosen[
                "i_beskaeftigelsesrettet_tilbud"
            ].tal != Decimal(1):
                continue
            if indikator.kode == "tilbud_timer_uge":
                tal = Decimal(rng.choice([10, 15, 20, 25]))
            else:
                base = 55 + (t * 3 if improving else 0)
                tal = Decimal(round(_clamp(base + rng.uniform(-10, 10), 0, 100)))
        elif indikator.kode == "skolefravaer_pct":
            base = 22 + (-1.5 if improving else 0.8 if kind == WORSE else 0) * t
            tal = Decimal(f"{_clamp(base + rng.uniform(-4, 4), 0, 100):.1f}")
        elif indikator.kode == "karaktergennemsnit":
            if rng.random() < 0.5:
                continue
            tal = Decimal(rng.choice(["2.0", "4.0", "5.5", "7.0"]))
        elif indikator.kode == "ungdomsuddannelse":
            tekst = "fastholdt" if improving and t > 4 else rng.choice(["ingen", "startet"])
        elif indikator.type == Indikator.Type.JA_NEJ:
            tal = Decimal(1) if rng.random() < (0.6 if improving else 0.4) else Decimal(0)
        elif indikator.min_vaerdi is not None and indikator.max_vaerdi is not None:
            tal = Decimal(rng.randint(int(indikator.min_vaerdi), int(indikator.max_vaerdi)))
        else:
            continue
        vaerdi = Vaerdi(indikator=indikator, tal=tal, tekst=tekst)
        chosen[indikator.kode] = vaerdi
        values.append(vaerdi)
    return values


def _questionnaires(rng, medlemskab, familie, active, kind, sagsdele, user_id, today):
    """SDQ (children 4–17) or WHO-5 (adults) at start, midway and in the latest month."""
    points = [
        (active[0], Spoergeskema.Maalepunkt.START),
        (active[len(active) // 2], Spoergeskema.Maalepunkt.MIDTVEJS),
        (active[-2] if len(active) > 1 else active[-1], Spoergeskema.Maalepunkt.ANDET),
    ]
    result = []
    for step, (maaned, maalepunkt) in enumerate(points):
        dato = min(maaned + datetime.timedelta(days=rng.randint(3, 20)), today)
        drift = {IMPROVE: -1, FLAT: 0, WORSE: 1}[kind] * step
        if medlemskab.rolle == Familiemedlemskab.Rolle.VOKSEN:
            answers = {
                item: int(_clamp(rng.randint(1, 3) - drift, 0, 5)) for item in scoring.WHO5_ITEMS
            }
            score = scoring.score_who5(answers).percentage
            skematype, version, sektor = "who5", "who5", Spoergeskema.SEKTOR["who5"]
        else:
            age = rules.age_on(medlemskab.person.foedselsdato, dato)
            if age is None or not 4 <= age <= 17:
                return []
            answers = {}
            for item in scoring.SDQ_ITEMS:
                problem = int(
                    _clamp(rng.randint(0, 2) + (drift if rng.random() < 0.5 else 0), 0, 2)
                )
                prosocial = item in scoring.SDQ_SUBSCALES[scoring.PROSOCIAL]
                strength = item in scoring.SDQ_REVERSED or prosocial
                answers[item] = 2 - problem if strength else problem
            for item in scoring.SDQ_VERSIONS["foraelder"].impact_items:
                answers[item] = int(_clamp(rng.randint(0, 2) + drift, 0, 3))
            score = scoring.score_sdq("foraelder", answers).total
            skematype, version, sektor = "sdq", "foraelder", Spoergeskema.SEKTOR["sdq"]
        result.append(
            Spoergeskema(
                sagsdel=sagsdele[(familie.pk, sektor)],
                person_id=medlemskab.person_id,
                type=skematype,
                version=version,
                maalepunkt=maalepunkt,
                dato=dato,
                svar=answers,
                score=score,
                registreret_af_id=user_id,
            )
        )
    return result


RISKS = [
    (
        "Familier falder fra, før udredningen er færdig",
        3,
        4,
        "Tæt opfølgning i de første tre måneder.",
    ),
    (
        "Sagsbehandlere i jobcentret skifter ofte",
        4,
        3,
        "Faste kontaktpersoner og overdragelsesmøder.",
    ),
    ("Registreringer bliver ikke lavet til tiden", 2, 3, "Daglig påmindelse før fristen."),
]
MILESTONES = [
    ("30 familier optaget", 2, Milepael.Status.NAAET),
    ("Midtvejsevaluering afleveret", 6, Milepael.Status.I_GANG),
    ("Slutevaluering", 14, Milepael.Status.PLANLAGT),
]


def _project_plan(today: datetime.date, leaders: dict[int, int]) -> int:
    """The demo project's risks and milestones, each with a short history."""
    projekt = Projekt.objects.filter(kode=PROJECTS["Demo Kommune"][0]).first()
    if (
        projekt is None
        or projekt.pk not in leaders
        or Risiko.objects.filter(projekt=projekt).exists()
    ):
        return 0
    leader_id = leaders[projekt.pk]
    current = rules.month_start(today)
    start = rules.add_months(current, -3)
    history = []
    for beskrivelse, sandsynlighed, konsekvens, afhjaelpning in RISKS:
        risiko = Risiko.objects.create(
            projekt=projekt,
            beskrivelse=beskrivelse,
            sandsynlighed=sandsynlighed,
            konsekvens=konsekvens,
            afhjaelpning=afhjaelpning,
            ejer="Pia Projektleder",
            maaned=current,
            status=Risiko.Status.UNDER_HAANDTERING,
        )
        history += [
            RisikoAendring(
                risiko=risiko,
                maaned=start,
                til_status=Risiko.Status.AABEN,
                sandsynlighed=min(sandsynlighed + 1, 5),
                konsekvens=konsekvens,
                aendret_af_id=leader_id,
            ),
            RisikoAendring(
                risiko=risiko,
                maaned=current,
                fra_status=Risiko.Status.AABEN,
                til_status=Risiko.Status.UNDER_HAANDTERING,
                sandsynlighed=sandsynlighed,
                konsekvens=konsekvens,
                note="Afhjælpning sat i gang.",
                aendret_af_id=leader_id,
            ),
        ]
    RisikoAendring.objects.bulk_create(history)
    steps = []
    for titel, months_from_start, status in MILESTONES:
        frist = rules.month_end(rules.add_months(start, months_from_start - 2))
        milepael = Milepael.objects.create(
            projekt=projekt, titel=titel, frist=frist, status=status, maaned=current
        )
        steps.append(
            MilepaelAendring(
                milepael=milepael,
                maaned=current,
                til_status=status,
                frist=frist,
                aendret_af_id=leader_id,
            )
        )
    MilepaelAendring.objects.bulk_create(steps)
    return len(RISKS) + len(MILESTONES)
