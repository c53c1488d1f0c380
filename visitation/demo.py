"""Demo data of the visitation: the kernel families' history, and referrals in every state.

The kernel seeds families that are already active, waiting or discharged; here they get the
referral, the meeting and decision, the stay and the status history that led there (written
as history, never changing a status). New families then go through the real services, so the
project has a draft, a referred family, two on the next agenda, a rejected one, an admitted
one awaiting its case manager and a second on the waiting list. Deterministic and
idempotent: a project that already has meetings is left alone.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from kerne import adgang
from kerne.models import Familie, Forvaltning, Projekt
from visitation import regler, services
from visitation.models import (
    Dagsordenspunkt,
    Forloeb,
    Indstilling,
    Statusskift,
    Tildeling,
    Visitationsmoede,
)

User = get_user_model()
S = Familie.Status
PROJECT = "demo-helhed"
ALL_YES = dict.fromkeys(regler.KRITERIE_FELTER, True)
REASONS = list(Forloeb.Aarsag.values)


def seed_visitation(*, families: int, months: int, seed: int) -> list[str]:
    projekt = Projekt.objects.filter(kode=PROJECT).select_related("kommune").first()
    if projekt is None:
        return ["Visitation: no demo project."]
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "projektleder",
                "jobcenter",
                "familieafdeling",
                "leder.familie",
                "leder.jobstart",
                "koordinator2",
            ]
        )
    }
    if len(users) < 6:
        return ["Visitation: demo users missing (seed with --allow-demo-users); skipped."]
    if Visitationsmoede.objects.filter(projekt=projekt).exists():
        return ["Visitation: demo data already present."]
    with transaction.atomic():
        history = _history(projekt, users)
        new = _new_referrals(projekt, users)
    return [history, new]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _history(projekt: Projekt, users: dict) -> str:
    """Referral, meeting, decision, stay and status rows for the kernel's families."""
    today = timezone.localdate()
    leader = users["projektleder"]
    board = [leader, users["leder.familie"], users["leder.jobstart"]]
    departments = {f.navn: f for f in Forvaltning.objects.filter(kommune=projekt.kommune)}
    referrers = [
        (users["jobcenter"], departments.get("Jobcenter")),
        (users["familieafdeling"], departments.get("Familiesektionen")),
    ]
    familier = list(
        Familie.objects.filter(projekt=projekt, status__in=[S.AKTIV, S.VENTELISTE, S.AFSLUTTET])
        .exclude(indstillinger__isnull=False)
        .annotate(joined=Min("medlemskaber__fra"))
        .select_related("koordinator")
        .order_by("pk")
    )
    meetings: dict[datetime.date, Visitationsmoede] = {}
    skift: list[Statusskift] = []
    for index, familie in enumerate(familier):
        joined = familie.joined or today - datetime.timedelta(days=90)
        # The board meets on Tuesdays; the family was decided at the meeting before it joined.
        day = joined - datetime.timedelta(days=7)
        day -= datetime.timedelta(days=(day.weekday() - 1) % 7)
        moede = meetings.get(day)
        if moede is None:
            moede = Visitationsmoede.objects.create(
                projekt=projekt,
                dato=day,
                tidspunkt=datetime.time(9),
                sted="Rådhuset, mødelokale 2",
                oprettet_af=leader,
                afsluttet=_at(day, 12),
                afsluttet_af=leader,
                referat="Udvalget gennemgik de indstillede familier.",
            )
            moede.medlemmer.set(board)
            meetings[day] = moede
        referrer, forvaltning = referrers[index % 2]
        indsendt = _at(day - datetime.timedelta(days=10))
        waiting = familie.status == S.VENTELISTE
        mother = familie.medlemskaber.filter(rolle="voksen").order_by("pk").first()
        indstilling = Indstilling.objects.create(
            familie=familie,
            forvaltning=forvaltning,
            oprettet_af=referrer,
            indsendt=indsendt,
            lukket=None if waiting else _at(day, 11),
            begrundelse="Familien har sager i både jobcentret og familieafdelingen, og de "
            "hidtidige indsatser har ikke givet den ønskede effekt.",
            samtykke_givet_af=mother.person if mother else None,
            samtykke_dato=(indsendt - datetime.timedelta(days=3)).date(),
            samtykke_form="skriftligt",
            **{**ALL_YES, "motivation": index % 7 != 3},
        )
        Indstilling.objects.filter(pk=indstilling.pk).update(
            oprettet=indsendt - datetime.timedelta(days=2)
        )
        decided_by = board[index % 3]
        Dagsordenspunkt.objects.create(
            moede=moede,
            indstilling=indstilling,
            familie=familie,
            raekkefoelge=moede.punkter.count() + 1,
            forrige_status=S.INDSTILLET,
            beslutning="venteliste" if waiting else "optag",
            begrundelse="Ingen ledig plads lige nu." if waiting else "",
            besluttet_af=decided_by,
            besluttet=_at(day, 11),
        )
        steps = [
            ("", S.KLADDE, indsendt - datetime.timedelta(days=2), referrer, ""),
            (S.KLADDE, S.INDSTILLET, indsendt, referrer, "Indstillet til visitationsudvalget."),
            (S.INDSTILLET, S.PAA_DAGSORDEN, indsendt, referrer, "Sat på dagsordenen."),
        ]
        if waiting:
            steps.append((S.PAA_DAGSORDEN, S.VENTELISTE, _at(day, 11), decided_by, ""))
        else:
            steps.append((S.PAA_DAGSORDEN, S.OPTAGET, _at(day, 11), decided_by, ""))
            steps.append((S.OPTAGET, S.AKTIV, _at(joined), leader, "Koordinator tildelt."))
            forloeb = Forloeb(
                familie=familie,
                optaget=day,
                udredningsfrist=regler.assessment_deadline(
                    optaget=day, maaneder=projekt.udredningsfrist_maaneder
                ),
            )
            # Most assessments are done; every fourth is still open (overdue or soon due).
            if index % 4 and forloeb.udredningsfrist < today:
                forloeb.udredning_afsluttet = day + datetime.timedelta(days=55 + index % 20)
            if familie.status == S.AFSLUTTET:
                end = min(today - datetime.timedelta(days=5), day + datetime.timedelta(days=300))
                forloeb.afsluttet = max(end, day)
                forloeb.aarsag = REASONS[index % 4]
                forloeb.overdragelsesnote = (
                    "Familien fortsætter med almindelig sagsbehandling; jobcentret følger "
                    "op på praktikforløbet."
                )
                forloeb.afsluttet_af = leader
                forloeb.registreret = _at(forloeb.afsluttet, 14)
                steps.append(
                    (
                        S.AKTIV,
                        S.AFSLUTTET,
                        forloeb.registreret,
                        leader,
                        forloeb.get_aarsag_display(),
                    )
                )
            forloeb.save()
            if forloeb.afsluttet:
                Familie.objects.filter(pk=familie.pk).update(afsluttet=forloeb.afsluttet)
            if familie.koordinator_id:
                Tildeling.objects.create(
                    familie=familie,
                    koordinator=familie.koordinator,
                    tildelt_af=leader,
                    tidspunkt=_at(joined),
                    aktive_foer=index % projekt.kapacitet_pr_koordinator,
                    kapacitet=projekt.kapacitet_pr_koordinator,
                )
        skift += [
            Statusskift(
                familie=familie, fra=fra, til=til, tidspunkt=when, udfoert_af=who, begrundelse=why
            )
            for fra, til, when, who, why in steps
        ]
    Statusskift.objects.bulk_create(skift)
    for familie in familier:
        if familie.status == S.VENTELISTE:
            adgang.sync_family_grants(familie, reason="seed_demo")
    return f"Visitation: history for {len(familier)} families, {len(meetings)} past meetings."


def _person_rows(surname: str, n: int) -> list[services.PersonData]:
    # Born in 1970 and 2006: outside the kernel's demo ranges, so no CPR number collides.
    return [
        services.PersonData(
            cpr=f"{n + 1:02d}0270-{1000 + 2 * n:04d}",
            fornavn="Susanne",
            efternavn=surname,
            rolle="voksen",
            relation="mor",
            foraeldremyndighed=True,
        ),
        services.PersonData(
            cpr=f"{n + 1:02d}0606-{4001 + 2 * n:04d}",
            fornavn="Viktor",
            efternavn=surname,
            rolle="barn",
            relation="barn",
        ),
    ]


def _referral(projekt: Projekt, referrer, surname: str, n: int, *, submit: bool) -> Indstilling:
    indstilling = services.indstilling_opret_ny_familie(
        acting_user=referrer,
        projekt=projekt,
        betegnelse=f"Familien {surname}",
        personer=_person_rows(surname, n),
        data=services.IndstillingData(
            begrundelse="Familien har brug for én plan på tværs af afdelingerne.",
            kriterier={**ALL_YES, "motivation": n % 3 != 0},
        ),
    )
    if not submit:
        return indstilling
    mother = indstilling.familie.medlemskaber.get(rolle="voksen").person
    services.indstilling_opdater(
        acting_user=referrer,
        indstilling=indstilling,
        data=services.IndstillingData(
            begrundelse=indstilling.begrundelse,
            kriterier={f: getattr(indstilling, f) for f in regler.KRITERIE_FELTER},
            samtykke_givet_af=mother,
            samtykke_dato=timezone.localdate() - datetime.timedelta(days=14),
            samtykke_form="skriftligt",
        ),
    )
    return services.indstilling_indsend(acting_user=referrer, indstilling=indstilling)


def _new_referrals(projekt: Projekt, users: dict) -> str:
    """New families through the real services, one or more in every state."""
    today = timezone.localdate()
    leader, jobcenter, familieafdeling = (
        users["projektleder"],
        users["jobcenter"],
        users["familieafdeling"],
    )
    board = [leader, users["leder.familie"], users["leder.jobstart"]]
    last_week = services.moede_opret(
        acting_user=leader,
        projekt=projekt,
        dato=today - datetime.timedelta(days=7),
        tidspunkt=datetime.time(9),
        sted="Rådhuset, mødelokale 2",
        medlemmer=board,
    )
    decided = {
        "Krog": ("afvis", "Familien er allerede i et intensivt forløb i familieafdelingen."),
        "Moes": ("optag", ""),
        "Vinther": ("venteliste", "Ingen ledig plads lige nu."),
        "Bach": ("optag", ""),
    }
    referrals = {}
    for n, surname in enumerate(decided):
        referrals[surname] = _referral(
            projekt, jobcenter if n % 2 else familieafdeling, surname, n, submit=True
        )
    for surname, (beslutning, begrundelse) in decided.items():
        punkt = services.punkt_tilfoej(
            acting_user=leader, moede=last_week, indstilling=referrals[surname]
        )
        services.beslutning_registrer(
            acting_user=board[len(surname) % 3],
            punkt=punkt,
            beslutning=beslutning,
            begrundelse=begrundelse,
        )
    services.koordinator_tildel(
        acting_user=leader,
        familie=referrals["Bach"].familie,
        koordinator=users["koordinator2"],
        # With many demo families Kasper may be full: confirmed, and flagged if so.
        bekraeft_over_kapacitet=True,
        begrundelse="Kasper kender familien fra et tidligere forløb.",
    )
    services.moede_afslut(acting_user=leader, moede=last_week, referat="Fire familier behandlet.")
    # What happened last week is dated last week.
    week = datetime.timedelta(days=8)
    past = [r.familie_id for r in referrals.values()]
    Statusskift.objects.filter(familie_id__in=past).update(tidspunkt=F("tidspunkt") - week)
    Indstilling.objects.filter(familie_id__in=past).update(
        oprettet=F("oprettet") - week, indsendt=F("indsendt") - week
    )
    Dagsordenspunkt.objects.filter(moede=last_week).update(besluttet=F("besluttet") - week)
    Forloeb.objects.filter(familie_id__in=past).update(optaget=last_week.dato)

    coming = [
        _referral(projekt, jobcenter, surname, n, submit=True)
        for n, surname in enumerate(["Dahl", "Lund", "Berg"], start=10)
    ]
    next_meeting = services.moede_opret(
        acting_user=leader,
        projekt=projekt,
        dato=today + datetime.timedelta(days=5),
        tidspunkt=datetime.time(9),
        sted="Rådhuset, mødelokale 2",
        medlemmer=board,
    )
    postponed = next_meeting.punkter.get(indstilling=coming[-1])
    services.punkt_fjern(acting_user=leader, punkt=postponed)
    _referral(projekt, jobcenter, "Holm", 20, submit=False)
    return (
        "Visitation: 8 new referrals (draft, referred, 2 on next week's agenda, rejected, "
        "admitted, waiting, active) and 2 new meetings."
    )
