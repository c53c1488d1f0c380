"""The visitation's part of the national dataset: referrals, board meetings and decisions,
stays, assignments and status history, bulk-loaded (registered at order 20)."""

from __future__ import annotations

import datetime

from kerne.adgang import VIEW
from kerne.models import Familie
from kerne.national import FAMILIEAFDELING, JOBCENTER, Context, Family, Project, at
from visitation import regler
from visitation.models import (
    Dagsordenspunkt,
    Forloeb,
    Indstilling,
    Statusskift,
    Tildeling,
    Visitationsmoede,
)

S = Familie.Status
REASONS = [r for r in Forloeb.Aarsag.values if r != Forloeb.Aarsag.ANDET]
BEGRUNDELSE = (
    "Familien har sager i både jobcentret og familieafdelingen, og de hidtidige indsatser "
    "har ikke givet den ønskede effekt."
)
DECIDED = (S.AKTIV, S.AFSLUTTET, S.VENTELISTE, S.OPTAGET)
OPEN = (S.VENTELISTE, S.INDSTILLET, S.PAA_DAGSORDEN)


def _tuesday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 1) % 7 or 7)


def seed(ctx: Context) -> list[str]:
    totals = {"meetings": 0, "referrals": 0}
    for projekt in ctx.projects:
        _project(ctx, projekt, totals)
    return [
        f"Visitation: {totals['referrals']} referrals, {totals['meetings']} board meetings "
        "(one coming, with its agenda)."
    ]


def _project(ctx: Context, projekt: Project, totals: dict) -> None:
    loader, load = ctx.loader, ctx.loader.load
    leader = projekt.leader_id
    board = projekt.board
    referrers = [
        (projekt.users["jobcenter"], projekt.departments[JOBCENTER]),
        (projekt.users["familieafdeling"], projekt.departments[FAMILIEAFDELING]),
    ]
    families = projekt.families
    # Past meetings: the Tuesday before each decided family's admission; one coming meeting.
    meeting_days = sorted(
        {_tuesday_before(f.optaget) for f in families if f.status in DECIDED}
        | {ctx.today + datetime.timedelta(days=(1 - ctx.today.weekday()) % 7 or 7)}
    )
    moede0 = loader.reserve(Visitationsmoede, len(meeting_days))
    moede_id = {day: moede0 + n for n, day in enumerate(meeting_days)}
    coming = meeting_days[-1]
    load(
        Visitationsmoede,
        [
            "id",
            "projekt_id",
            "dato",
            "tidspunkt",
            "sted",
            "referat",
            "afsluttet",
            "afsluttet_af_id",
            "version",
            "oprettet_af_id",
            "oprettet",
        ],
        (
            (
                moede_id[day],
                projekt.id,
                day,
                datetime.time(9),
                "Rådhuset, mødelokale 2",
                "" if day == coming else "Udvalget gennemgik de indstillede familier.",
                None if day == coming else at(day, 12),
                None if day == coming else leader,
                1,
                leader,
                at(day - datetime.timedelta(days=14)),
            )
            for day in meeting_days
        ),
    )
    load(
        Visitationsmoede.medlemmer.through,
        ["visitationsmoede_id", "user_id"],
        ((moede_id[day], user_id) for day in meeting_days for user_id in board),
    )

    indstilling0 = loader.reserve(Indstilling, len(families))
    referrals, items, skift, stays, assignments = [], [], [], [], []
    order: dict[int, int] = {}
    for family in families:
        rng = ctx.rng("visitation", projekt.number, family.index)
        referrer, forvaltning = referrers[family.index % 2]
        decided = family.status in DECIDED
        day = _tuesday_before(family.optaget) if decided else coming
        indsendt = at(day - datetime.timedelta(days=10))
        iid = indstilling0 + family.index
        closed = None if family.status in OPEN else at(day, 11)
        mother = family.adults[0].person_id if family.adults else None
        referrals.append(
            (
                iid,
                family.id,
                forvaltning,
                referrer,
                indsendt - datetime.timedelta(days=2),
                indsendt,
                closed,
                BEGRUNDELSE,
                True,
                True,
                True,
                True,
                family.index % 7 != 3,
                mother,
                (indsendt - datetime.timedelta(days=3)).date(),
                "skriftligt" if mother else "",
            )
        )
        steps = [
            ("", S.KLADDE, indsendt - datetime.timedelta(days=2), referrer, ""),
            (S.KLADDE, S.INDSTILLET, indsendt, referrer, "Indstillet til visitationsudvalget."),
        ]
        if family.status in OPEN:
            ctx.grants.add((referrer, VIEW, family.id, ""))
        if family.status == S.PAA_DAGSORDEN or decided:
            mid = moede_id[day]
            order[mid] = order.get(mid, 0) + 1
            steps.append((S.INDSTILLET, S.PAA_DAGSORDEN, indsendt, referrer, "Sat på dagsordenen."))
            if family.status == S.PAA_DAGSORDEN:
                items.append((mid, iid, family.id, order[mid], S.INDSTILLET, "", "", None, None))
                ctx.grants.update((member, VIEW, family.id, "") for member in board)
            else:
                waiting = family.status == S.VENTELISTE
                decided_by = board[family.index % 3]
                items.append(
                    (
                        mid,
                        iid,
                        family.id,
                        order[mid],
                        S.INDSTILLET,
                        "venteliste" if waiting else "optag",
                        "Ingen ledig plads lige nu." if waiting else "",
                        decided_by,
                        at(day, 11),
                    )
                )
                if waiting:
                    steps.append((S.PAA_DAGSORDEN, S.VENTELISTE, at(day, 11), decided_by, ""))
                else:
                    steps.append((S.PAA_DAGSORDEN, S.OPTAGET, at(day, 11), decided_by, ""))
                    if family.status != S.OPTAGET:  # else still awaiting a case manager
                        steps.append(
                            (S.OPTAGET, S.AKTIV, at(family.optaget), leader, "Koordinator tildelt.")
                        )
                    _stay(ctx, projekt, family, day, rng, stays, steps, assignments)
        skift += [(family.id, *step) for step in steps]

    load(
        Indstilling,
        [
            "id",
            "familie_id",
            "forvaltning_id",
            "oprettet_af_id",
            "oprettet",
            "indsendt",
            "lukket",
            "begrundelse",
            "kendt_begge",
            "ydelse",
            "genovervejes",
            "tvaerfaglig",
            "motivation",
            "samtykke_givet_af_id",
            "samtykke_dato",
            "samtykke_form",
            "kendt_begge_note",
            "ydelse_note",
            "genovervejes_note",
            "tvaerfaglig_note",
            "motivation_note",
        ],
        ((*row, "", "", "", "", "") for row in referrals),
    )
    load(
        Dagsordenspunkt,
        [
            "moede_id",
            "indstilling_id",
            "familie_id",
            "raekkefoelge",
            "forrige_status",
            "beslutning",
            "begrundelse",
            "besluttet_af_id",
            "besluttet",
        ],
        items,
    )
    load(
        Statusskift,
        ["familie_id", "fra", "til", "tidspunkt", "udfoert_af_id", "begrundelse"],
        skift,
    )
    load(
        Forloeb,
        [
            "familie_id",
            "optaget",
            "udredningsfrist",
            "udredning_afsluttet",
            "afsluttet",
            "aarsag",
            "aarsag_tekst",
            "overdragelsesnote",
            "afsluttet_af_id",
            "registreret",
        ],
        stays,
    )
    load(
        Tildeling,
        [
            "familie_id",
            "koordinator_id",
            "tildelt_af_id",
            "tidspunkt",
            "aktive_foer",
            "kapacitet",
            "over_kapacitet",
            "begrundelse",
        ],
        assignments,
    )
    totals["meetings"] += len(meeting_days)
    totals["referrals"] += len(referrals)


def _stay(ctx, projekt: Project, family: Family, day, rng, stays, steps, assignments) -> None:
    """The stay of an admitted family; a discharged one's ends with a reason."""
    frist = regler.assessment_deadline(optaget=family.optaget, maaneder=3)
    done = None
    if family.index % 4 and frist < ctx.today:
        done = family.optaget + datetime.timedelta(days=55 + family.index % 20)
    afsluttet = aarsag = note = ""
    registreret = afsluttet_af = None
    if family.status == S.AFSLUTTET:
        afsluttet = family.afsluttet
        aarsag = REASONS[family.index % len(REASONS)]
        note = "Familien fortsætter med almindelig sagsbehandling."
        afsluttet_af = projekt.leader_id
        registreret = at(family.afsluttet, 14)
        steps.append((S.AKTIV, S.AFSLUTTET, registreret, projekt.leader_id, aarsag))
    stays.append(
        (
            family.id,
            family.optaget,
            frist,
            done,
            afsluttet or None,
            aarsag,
            "",
            note,
            afsluttet_af,
            registreret,
        )
    )
    if family.koordinator_id:
        assignments.append(
            (
                family.id,
                family.koordinator_id,
                projekt.leader_id,
                at(family.optaget),
                rng.randint(0, 7),
                8,
                False,
                "",
            )
        )
