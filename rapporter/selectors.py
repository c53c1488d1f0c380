"""Reads of the reports app: start pages, dashboards, status report contents, national overview.

Every read of a family's data goes through the domain apps' permission-filtered selectors (or
kerne.adgang). The status report and the national overview hold aggregates only: they are
computed without a user, and who may read them is decided by role (see `may_read_report`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from familieplan import selectors as plan_selectors
from familieplan.models import Stafetmoede
from investering import beregning
from investering import selectors as oekonomi_selectors
from investering.models import Omkostningslinje
from kerne import adgang, audit
from kerne.dashboard import Scope, panels_for
from kerne.models import Familie, Familiemedlemskab, Projekt, Projektrolle, Rolle
from rapporter import metrics
from rapporter.models import Maanedsrapport, Tilstand, Udtraek
from registrering import rules
from registrering import selectors as reg_selectors
from registrering.models import Registrering
from visitation import selectors as vis_selectors
from visitation.models import Forloeb

User = get_user_model()

TREND_MONTHS = 12
READER_ROLES = (Rolle.PROJEKTLEDER, Rolle.EVALUATOR)


# --- Periods --------------------------------------------------------------------------------


def last_month(today: datetime.date | None = None) -> datetime.date:
    """The newest whole month: the default "now" of the dashboards' outcome figures."""
    return rules.add_months(rules.month_start(today or timezone.localdate()), -1)


@dataclass(frozen=True)
class Period:
    fra: datetime.date
    til: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        return metrics.months_between(self.fra, self.til)


# --- Family counts from the stays (visitation.Forloeb) -----------------------------------------


def family_counts(
    projekt_ids: list[int], months: list[datetime.date], *, koordinator_id: int | None = None
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    """Per project and month: families in the project (a stay covering part of the month),
    admitted (a stay began in the month) and discharged (a stay ended in it). One query.

    The stays are few per project (one or two a family), so they are read as plain rows and
    counted here: three filtered COUNT(DISTINCT) per month made a 36-aggregate statement whose
    building in the ORM cost more than the database's work."""
    rows = Forloeb.objects.filter(familie__projekt_id__in=projekt_ids)
    if koordinator_id:
        rows = rows.filter(familie__koordinator_id=koordinator_id)
    families: dict[tuple[int, datetime.date], dict[str, set[int]]] = {
        (pid, month): {"aktive": set(), "optaget": set(), "afsluttet": set()}
        for pid in projekt_ids
        for month in months
    }
    if months:
        spans = [(month, rules.month_end(month)) for month in months]
        for pid, familie_id, optaget, afsluttet in rows.values_list(
            "familie__projekt_id", "familie_id", "optaget", "afsluttet"
        ):
            for month, end in spans:
                counted = families[(pid, month)]
                if optaget <= end and (afsluttet is None or afsluttet >= month):
                    counted["aktive"].add(familie_id)
                if month <= optaget <= end:
                    counted["optaget"].add(familie_id)
                if afsluttet is not None and month <= afsluttet <= end:
                    counted["afsluttet"].add(familie_id)
    return {
        key: {name: len(ids) for name, ids in counted.items()} for key, counted in families.items()
    }


# --- The economy summary (through the investment app, not a copy) ------------------------------


def economy_for(user: Any, projekt: Projekt) -> dict:
    """The project's business case as the user may see it (the dashboard's economy box)."""
    figures = oekonomi_selectors.project_figures(user, projekt)
    oekonomi_selectors.log_project_read(user, projekt, "rapporter:dashboard")
    return {
        "as_of": figures.as_of,
        "baseline": figures.baseline_total,
        "aktuel": figures.aktuel_total,
        "investering": oekonomi_selectors.yearly_investment(projekt, figures.as_of),
        "break_even": figures.resultat.break_even,
        "npv": figures.resultat.npv,
        "fuldstaendig": figures.fuldstaendig,
        "familier": figures.familier,
    }


def economy_for_report(projekt: Projekt, as_of: datetime.date) -> dict:
    """The project's totals for the status report: every cost line of the project, aggregated
    (the report is a project document with sums only, built without a user)."""
    figures = beregning.Figures(
        linjer=Omkostningslinje.objects.filter(sagsdel__familie__projekt=projekt),
        familier=Familie.objects.filter(projekt=projekt, status__in=beregning.ADMITTED),
        as_of=as_of,
        windows=(beregning.BASELINE, beregning.AKTUEL),
    )
    totals = figures.totals()
    baseline = totals.get((beregning.BASELINE,), Decimal(0))
    aktuel = totals.get((beregning.AKTUEL,), Decimal(0))
    investering = oekonomi_selectors.yearly_investment(projekt, as_of)
    return {
        "as_of": as_of.isoformat(),
        "baseline": str(baseline.quantize(Decimal("0.01"))),
        "aktuel": str(aktuel.quantize(Decimal("0.01"))),
        "investering": str(investering.quantize(Decimal("0.01"))),
        "netto": str((baseline - aktuel - investering).quantize(Decimal("0.01"))),
    }


# --- The monthly status report's contents -------------------------------------------------------


def report_data(
    projekt: Projekt,
    maaned: datetime.date,
    *,
    computed: dict | None = None,
    counts: dict | None = None,
) -> dict:
    """Everything a status report shows, as JSON-ready aggregates (no names of citizens).

    `computed`/`counts` may carry the metrics and family counts of many projects at once
    (build_monthly_reports computes them for all projects in two statements)."""
    maaned = rules.month_start(maaned)
    months = metrics.months_between(rules.add_months(maaned, -(TREND_MONTHS - 1)), maaned)
    if computed is None:
        computed = metrics.compute([projekt.pk], months[0], maaned)
    if counts is None:
        counts = family_counts([projekt.pk], months)
    gaps = reg_selectors.gaps_by_case_manager(projekt, maaned)
    personer = sum(row["personer"] for row in gaps)
    komplette = sum(row["komplette"] for row in gaps)
    kapacitet = [
        {
            "koordinator": row.koordinator.get_full_name() or row.koordinator.get_username(),
            "aktive": row.belastning.aktive,
            "kapacitet": row.belastning.kapacitet,
        }
        for row in vis_selectors.capacity(projekt)
    ]
    risici = [
        {
            "beskrivelse": row["risiko"].beskrivelse,
            "status": str(row["status_label"]),
            "sandsynlighed": row["sandsynlighed"],
            "konsekvens": row["konsekvens"],
            "score": row["score"],
        }
        for row in reg_selectors.risks_as_of(projekt, maaned)
    ]
    milepaele = [
        {
            "titel": row["milepael"].titel,
            "status": str(row["status_label"]),
            "frist": row["frist"].isoformat(),
        }
        for row in reg_selectors.milestones_as_of(projekt, maaned)
    ]
    month_values = computed.get((projekt.pk, maaned), {})
    return {
        "projekt": {"navn": projekt.navn, "kode": projekt.kode, "kommune": projekt.kommune.kode},
        "maaned": maaned.isoformat(),
        "bygget": timezone.now().isoformat(timespec="seconds"),
        "familier": {**counts.get((projekt.pk, maaned), {}), "maal": projekt.maal_antal_familier},
        "registrering": {
            "personer": personer,
            "komplette": komplette,
            "pct": round(100 * komplette / personer, 1) if personer else None,
            "frist": rules.deadline(maaned, projekt.registreringsfrist_dag).isoformat(),
        },
        "kapacitet": kapacitet,
        "maal": metrics.as_table(month_values),
        "tendens": {
            "maaneder": [m.isoformat() for m in months],
            "aktive": [counts.get((projekt.pk, m), {}).get("aktive", 0) for m in months],
            **{
                d.key: [
                    computed.get((projekt.pk, m), {}).get(d.key, metrics.EMPTY).nu(d.unit)
                    for m in months
                ]
                for d in metrics.DEFINITIONS
            },
        },
        "risici": risici,
        "milepaele": milepaele,
        "oekonomi": economy_for_report(projekt, rules.month_end(maaned)),
    }


# --- Who reads reports -------------------------------------------------------------------------


def has_national_role(user: Any) -> bool:
    """The national role: the permission given to the user or one of their groups. Asked of the
    tables, not `has_perm`, because a superuser holds every permission implicitly and gets no
    implicit access here either."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        Permission.objects.filter(content_type__app_label="rapporter", codename="se_landsoverblik")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def report_projects(user: Any) -> QuerySet[Projekt]:
    """Projects whose reports the user may read: as project leader or evaluator of the project,
    or every project with the national overview permission."""
    if not getattr(user, "is_authenticated", False):
        return Projekt.objects.none()
    if has_national_role(user):
        return Projekt.objects.select_related("kommune").all()
    ids = Projektrolle.objects.filter(bruger=user, rolle__in=READER_ROLES).values("projekt_id")
    return Projekt.objects.select_related("kommune").filter(pk__in=ids)


def may_read_report(user: Any, projekt_id: int) -> bool:
    return report_projects(user).filter(pk=projekt_id).exists()


def reports_for(user: Any, *, projekt: Projekt | None = None) -> QuerySet[Maanedsrapport]:
    rows = Maanedsrapport.objects.filter(projekt__in=report_projects(user).values("pk"))
    if projekt is not None:
        rows = rows.filter(projekt=projekt)
    return rows.select_related("projekt__kommune", "dokument").order_by(
        "-maaned", "projekt__navn", "-revision"
    )


def report_for(user: Any, pk: int) -> Maanedsrapport:
    """A report the user may read, else 404 (missing and forbidden look the same)."""
    from django.http import Http404

    report = reports_for(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def revisions_of(report: Maanedsrapport) -> QuerySet[Maanedsrapport]:
    return Maanedsrapport.objects.filter(projekt=report.projekt, maaned=report.maaned).order_by(
        "-revision"
    )


def exports_for(user: Any) -> QuerySet[Udtraek]:
    """A user's own exports (an export is the orderer's: nobody else downloads it)."""
    if not getattr(user, "is_authenticated", False):
        return Udtraek.objects.none()
    return Udtraek.objects.filter(bestilt_af=user).select_related("projekt")


def export_projects(user: Any) -> QuerySet[Projekt]:
    """Projects the user may export: as the project's evaluator, or all with the national
    permission. A project leader reads reports but does not take pseudonymised exports."""
    if not getattr(user, "is_authenticated", False):
        return Projekt.objects.none()
    if has_national_role(user):
        return Projekt.objects.select_related("kommune").all()
    ids = Projektrolle.objects.filter(bruger=user, rolle=Rolle.EVALUATOR).values("projekt_id")
    return Projekt.objects.select_related("kommune").filter(pk__in=ids)


# --- Start pages -------------------------------------------------------------------------------


def panels(rolle: str, scope: Scope) -> list[dict]:
    """The panels other apps registered for the role, with their context for this scope."""
    return [{"panel": panel, "context": panel.context(scope)} for panel in panels_for(rolle)]


def case_managers(projekt: Projekt | None) -> QuerySet:
    if projekt is None:
        return User.objects.none()
    return User.objects.filter(
        projektroller__projekt=projekt, projektroller__rolle=Rolle.KOORDINATOR
    ).order_by("first_name", "last_name", "username")


def leader_dashboard(
    user: Any,
    projekt: Projekt,
    *,
    period: Period,
    koordinator_id: int | None,
    today: datetime.date,
) -> dict:
    """The project leader's dashboard: a bounded number of queries whatever the project size."""
    familier = adgang.families_for(user).filter(projekt=projekt)
    if koordinator_id:
        familier = familier.filter(koordinator_id=koordinator_id)
    aktive = familier.filter(status=Familie.Status.AKTIV).count()
    kapacitet = vis_selectors.capacity(projekt)
    if koordinator_id:
        kapacitet = [row for row in kapacitet if row.koordinator.pk == koordinator_id]
    personer, komplette = completeness_counts(familier, rules.month_start(today))
    frister = vis_selectors.deadlines(user, projekt).filter(udredningsfrist__lt=today)
    opfoelgninger = plan_selectors.followups_due(user, today=today, horizon_days=0).filter(
        sagsdel__familie__projekt=projekt, forfald__lt=today
    )
    if koordinator_id:
        frister = frister.filter(familie__koordinator_id=koordinator_id)
        opfoelgninger = opfoelgninger.filter(sagsdel__familie__koordinator_id=koordinator_id)
    computed = metrics.compute_cached(
        [projekt.pk], period.fra, period.til, koordinator_id=koordinator_id
    )
    counts = family_counts([projekt.pk], period.months, koordinator_id=koordinator_id)
    now_values = computed.get((projekt.pk, period.til), {})
    frist_rows = list(frister[:5])
    opfoelgning_rows = list(opfoelgninger[:5])
    audit.log_reads(
        user=user,
        formaal=audit.Formaal.RAPPORT,
        familie_ids=sorted(
            {row.familie_id for row in frist_rows}
            | {row.sagsdel.familie_id for row in opfoelgning_rows}
        ),
    )
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.RAPPORT,
        projekt_id=projekt.pk,
        detaljer={"side": "rapporter:start_projektleder", "koordinator": koordinator_id},
    )
    return {
        "aktive": aktive,
        "maal_antal": projekt.maal_antal_familier,
        "kapacitet": kapacitet,
        "komplethed": {
            "personer": personer,
            "komplette": komplette,
            "pct": round(100 * komplette / personer, 1) if personer else None,
            "maaned": rules.month_start(today),
        },
        "frister_antal": frister.count(),
        "frister": frist_rows,
        "opfoelgninger_antal": opfoelgninger.count(),
        "opfoelgninger": opfoelgning_rows,
        "maal": metrics.as_table(now_values),
        "tendens": {
            "maaneder": [m.isoformat() for m in period.months],
            "aktive": [counts[(projekt.pk, m)]["aktive"] for m in period.months],
            **{
                d.key: [
                    computed.get((projekt.pk, m), {}).get(d.key, metrics.EMPTY).nu(d.unit)
                    for m in period.months
                ]
                for d in metrics.DEFINITIONS
            },
        },
        "risici": list(reg_selectors.risks(projekt).exclude(status="lukket")[:5]),
        "milepaele": list(
            reg_selectors.milestones(projekt).exclude(status__in=["naaet", "aflyst"])[:5]
        ),
        "seneste_rapport": reports_for(user, projekt=projekt)
        .filter(aktuel=True, tilstand=Tilstand.FAERDIG)
        .first(),
    }


def completeness_counts(familier: QuerySet[Familie], maaned: datetime.date) -> tuple[int, int]:
    """Members of the active families in the month, and how many have a complete
    registration: the counts of registrering's completeness overview, in two queries."""
    members = (
        Familiemedlemskab.objects.filter(
            familie__in=familier.filter(status=Familie.Status.AKTIV).values("pk"),
            fra__lte=rules.month_end(maaned),
        )
        .filter(Q(til__isnull=True) | Q(til__gte=maaned))
        .values("familie_id", "person_id")
        .distinct()
    )
    complete = Registrering.objects.filter(
        person_id=OuterRef("person_id"), maaned=maaned, komplet=True
    )
    return members.count(), members.filter(Exists(complete)).count()


def case_manager_start(user: Any, projekt: Projekt | None, today: datetime.date) -> dict:
    """The case manager's to-dos: registrations missing, follow-ups and assessments due, and
    the next stafetlog meetings of their own families."""
    if projekt is None:
        return {"todo": [], "opfoelgninger": [], "frister": [], "moeder": []}
    todo = reg_selectors.todo(user, projekt, today)
    opfoelgninger = list(
        plan_selectors.followups_due(user, today=today).filter(
            sagsdel__familie__projekt=projekt, sagsdel__familie__koordinator=user
        )[:10]
    )
    frister = vis_selectors.with_deadline_state(
        list(vis_selectors.deadlines(user, projekt).filter(familie__koordinator=user)[:10]), today
    )
    moeder = list(
        adgang.visible(
            user,
            adgang.VIEW,
            Stafetmoede.objects.filter(
                familie__projekt=projekt,
                familie__koordinator=user,
                tidspunkt__gte=timezone.now(),
            ).select_related("familie"),
        ).order_by("tidspunkt", "pk")[:10]
    )
    audit.log_reads(
        user=user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=sorted(
            {row.familie.pk for month in todo for row in month["familier"]}
            | {row.sagsdel.familie_id for row in opfoelgninger}
            | {row["forloeb"].familie_id for row in frister}
            | {row.familie_id for row in moeder}
        ),
    )
    return {"todo": todo, "opfoelgninger": opfoelgninger, "frister": frister, "moeder": moeder}


def department_start(user: Any, projekt: Projekt | None) -> dict:
    """The department's referrals to the board and the families it has cases on."""
    if projekt is None:
        return {"indstillinger": [], "familier": Familie.objects.none()}
    indstillinger = list(
        vis_selectors.referrals_for(user, projekt).filter(indsendt__isnull=False)[:10]
    )
    familier = (
        adgang.families_for(user)
        .filter(projekt=projekt, afdelingssager__lukket__isnull=True)
        .exclude(status=Familie.Status.AFSLUTTET)
        .select_related("koordinator")
        .distinct()
        .order_by("betegnelse", "pk")
    )
    return {"indstillinger": indstillinger, "familier": familier}


# --- The national overview ---------------------------------------------------------------------


def national_overview(user: Any, maaned: datetime.date) -> list[dict]:
    """The metrics per project side by side for one month: aggregates only, no personal data.
    Two statements for the metrics and one for the counts, whatever the number of projects."""
    projekter = list(report_projects(user).order_by("kommune__navn", "navn"))
    ids = [p.pk for p in projekter]
    computed = metrics.compute_cached(ids, maaned, maaned)
    counts = family_counts(ids, [maaned])
    return [
        {
            "projekt": projekt,
            "familier": counts[(projekt.pk, maaned)],
            "maal": {row["key"]: row for row in metrics.as_table(computed[(projekt.pk, maaned)])},
        }
        for projekt in projekter
    ]


def may_order_report(user: Any, projekt: Projekt) -> bool:
    """A project's leader orders (and rebuilds) its status reports."""
    return Rolle.PROJEKTLEDER in adgang.roles_in(user, projekt)
