"""Start pages by role, the project leader's dashboard, status reports, exports and the
national overview. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import csv
import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from kerne import adgang, audit
from kerne import selectors as kerne_selectors
from kerne.adgang import require_role
from kerne.csvfil import FORMULA_PREFIXES
from kerne.dashboard import Scope
from kerne.models import Familie, Rolle
from rapporter import diagrammer, forms, metrics, selectors, services
from rapporter.models import Maanedsrapport, Tilstand
from registrering import rules


def _page(request: HttpRequest, rows, size: int = 25):
    page = Paginator(rows, size).get_page(request.GET.get("side"))
    return page, list(page.paginator.get_elided_page_range(page.number))


def _panels(request: HttpRequest, rolle: str, **filters) -> list[dict]:
    scope = Scope(user=request.user, projekt=adgang.active_project(request), **filters)
    return selectors.panels(rolle, scope)


def _start_page(title, intro, rolle: str, *roller: str):
    @login_required
    @require_role(rolle, *roller)
    def view(request: HttpRequest) -> HttpResponse:
        roles = adgang.active_roles(request)
        own = next((r for r in (rolle, *roller) if r in roles), rolle)
        return render(
            request,
            "rapporter/start.html",
            {"title": title, "intro": intro, "panels": _panels(request, own)},
        )

    return view


start_administration = _start_page(
    gettext_lazy("Administration"),
    gettext_lazy(
        "Her arbejder du med datakvalitet, omkostningsdata, investeringsmodel og logning."
    ),
    Rolle.ADMINISTRATIV,
    Rolle.DATABESKYTTELSE,
)
start_fagperson = _start_page(
    gettext_lazy("Mine familier"),
    gettext_lazy("Her ser du stafetloggen for de familier, du er nævnt i."),
    Rolle.FAGPERSON,
)


# --- The project leader's dashboard ----------------------------------------------------------


@login_required
@require_role(Rolle.PROJEKTLEDER)
@require_GET
def start_projektleder(request: HttpRequest) -> HttpResponse:
    projekt = adgang.active_project(request)
    koordinatorer = selectors.case_managers(projekt)
    form = forms.DashboardFilterForm(request.GET or None, koordinatorer=koordinatorer)
    today = timezone.localdate()
    til = selectors.last_month(today)
    fra = rules.add_months(til, -(selectors.TREND_MONTHS - 1))
    koordinator = None
    if form.is_bound and form.is_valid():
        koordinator = form.cleaned_data["koordinator"]
        til = form.cleaned_data["til"] or til
        fra = form.cleaned_data["fra"] or rules.add_months(til, -(selectors.TREND_MONTHS - 1))
        if fra > til:
            fra = til
    period = selectors.Period(fra=fra, til=til)
    koordinator_id = koordinator.pk if koordinator else None
    data = selectors.leader_dashboard(
        request.user, projekt, period=period, koordinator_id=koordinator_id, today=today
    )
    return render(
        request,
        "rapporter/start_projektleder.html",
        {
            "title": _("Projektets overblik"),
            "projekt": projekt,
            "form": form,
            "period": period,
            "koordinator": koordinator,
            "d": data,
            "maal_rows": _metric_rows(data["maal"]),
            "charts": diagrammer.charts_for(data["tendens"], maal=data["maal_antal"]),
            "panels": _panels(
                request,
                Rolle.PROJEKTLEDER,
                koordinator_id=koordinator_id,
                fra=period.fra,
                til=rules.month_end(period.til),
            ),
        },
    )


@login_required
@require_role(Rolle.PROJEKTLEDER)
@require_GET
def oekonomi(request: HttpRequest) -> HttpResponse:
    """The dashboard's economy box, loaded by htmx after the page (the business case is the
    heaviest figure on the page)."""
    projekt = adgang.active_project(request)
    return render(
        request,
        "rapporter/_oekonomi.html",
        {"o": selectors.economy_for(request.user, projekt)},
    )


def _metric_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            **row,
            "nu_tekst": metrics.fmt(row["nu"], row["unit"]),
            "optagelse_tekst": metrics.fmt(row["ved_optagelse"], row["unit"])
            if row["paired"]
            else "",
        }
        for row in rows
    ]


# --- The case manager's, department's and evaluator's start pages ------------------------------


@login_required
@require_role(Rolle.KOORDINATOR)
def start_koordinator(request: HttpRequest) -> HttpResponse:
    """The case manager's families and to-dos."""
    projekt = adgang.active_project(request)
    familier = kerne_selectors.family_list(
        request.user, projekt=projekt, koordinator_id=request.user.pk
    ).exclude(status=Familie.Status.AFSLUTTET)
    page, page_range = _page(request, familier)
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=[familie.pk for familie in page.object_list],
    )
    today = timezone.localdate()
    return render(
        request,
        "rapporter/start_koordinator.html",
        {
            "title": _("Mine familier"),
            "familier": page,
            "page_range": page_range,
            "today": today,
            **selectors.case_manager_start(request.user, projekt, today),
            "panels": _panels(request, Rolle.KOORDINATOR, koordinator_id=request.user.pk),
        },
    )


@login_required
@require_role(Rolle.SAGSBEHANDLER, Rolle.AFDELINGSLEDER)
def start_afdeling(request: HttpRequest) -> HttpResponse:
    projekt = adgang.active_project(request)
    data = selectors.department_start(request.user, projekt)
    page, page_range = _page(request, data["familier"])
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=sorted(
            {f.pk for f in page.object_list} | {i.familie_id for i in data["indstillinger"]}
        ),
    )
    rolle = (
        Rolle.AFDELINGSLEDER
        if adgang.has_role(request, Rolle.AFDELINGSLEDER)
        else Rolle.SAGSBEHANDLER
    )
    return render(
        request,
        "rapporter/start_afdeling.html",
        {
            "title": _("Min afdeling"),
            "indstillinger": data["indstillinger"],
            "familier": page,
            "page_range": page_range,
            "panels": _panels(request, rolle),
        },
    )


@login_required
@require_role(Rolle.EVALUATOR)
def start_evaluator(request: HttpRequest) -> HttpResponse:
    """Reports and exports: no page here shows a person."""
    page, page_range = _page(
        request, selectors.reports_for(request.user).filter(aktuel=True), size=20
    )
    return render(
        request,
        "rapporter/start_evaluator.html",
        {
            "title": _("Evaluering"),
            "rapporter": page,
            "page_range": page_range,
            **_exports(request),
            "form": forms.UdtraekBestilForm(
                initial={"maaned": selectors.last_month()},
                projekter=selectors.export_projects(request.user),
            ),
            "panels": _panels(request, Rolle.EVALUATOR),
        },
    )


# --- Monthly status reports ------------------------------------------------------------------


@login_required
@require_GET
def rapporter(request: HttpRequest) -> HttpResponse:
    """The current reports the user may read (project leader: their project; evaluator: the
    projects they evaluate), newest month first."""
    projekt = adgang.active_project(request)
    leder = adgang.has_role(request, Rolle.PROJEKTLEDER)
    if not (
        leder
        or adgang.has_role(request, Rolle.EVALUATOR)
        or selectors.has_national_role(request.user)
    ):
        raise PermissionDenied
    rows = selectors.reports_for(request.user, projekt=projekt if leder else None)
    page, page_range = _page(request, rows.filter(aktuel=True), size=24)
    return render(
        request,
        "rapporter/rapporter.html",
        {
            "title": _("Månedsrapporter"),
            "rapporter": page,
            "page_range": page_range,
            "form": forms.RapportBestilForm(initial={"maaned": selectors.last_month()})
            if leder
            else None,
        },
    )


@login_required
@require_POST
def rapport_bestil(request: HttpRequest) -> HttpResponse:
    projekt = adgang.active_project(request)
    if projekt is None or not selectors.may_order_report(request.user, projekt):
        raise PermissionDenied
    form = forms.RapportBestilForm(request.POST)
    if form.is_valid():
        try:
            report, queued = services.rapport_bestil(
                projekt=projekt,
                maaned=form.cleaned_data["maaned"],
                udloeser=Maanedsrapport.Udloeser.BESTILT,
                acting_user=request.user,
                ny_revision=form.cleaned_data["ny_revision"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            if queued:
                messages.success(request, _("Rapporten er bestilt og dannes nu."))
            else:
                messages.info(request, _("Rapporten for måneden findes allerede."))
            return redirect("rapporter:rapport", pk=report.pk)
    rows = selectors.reports_for(request.user, projekt=projekt).filter(aktuel=True)
    page, page_range = _page(request, rows, size=24)
    return render(
        request,
        "rapporter/rapporter.html",
        {"title": _("Månedsrapporter"), "rapporter": page, "page_range": page_range, "form": form},
        status=400,
    )


def report_context(report: Maanedsrapport) -> dict:
    """What the page and the PDF show of a report: the same figures and the same charts."""
    data = report.data or {}
    return {
        "rapport": report,
        "data": data,
        "maaned_label": rules.month_label(report.maaned),
        "maal_rows": _metric_rows(data.get("maal", [])),
        "charts": diagrammer.charts_for(
            data.get("tendens", {}), maal=data.get("familier", {}).get("maal")
        )
        if data
        else [],
        "bygget": datetime.datetime.fromisoformat(data["bygget"]) if data.get("bygget") else None,
    }


def _log_report_read(request: HttpRequest, report: Maanedsrapport, what: str) -> None:
    audit.log(
        user=request.user,
        handling=audit.Handling.READ if what == "side" else audit.Handling.EXPORT,
        formaal=audit.Formaal.RAPPORT,
        projekt_id=report.projekt_id,
        objekt=report,
        detaljer={"rapport": what},
    )


@login_required
@never_cache
@require_GET
def rapport(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    if request.htmx:
        if report.tilstand in (Tilstand.VENTENDE, Tilstand.KOERER):
            return render(request, "rapporter/_rapport_tilstand.html", {"rapport": report})
        return HttpResponseClientRefresh()
    _log_report_read(request, report, "side")
    return render(
        request,
        "rapporter/rapport.html",
        {
            **report_context(report),
            "revisioner": selectors.revisions_of(report),
            "kan_bestille": selectors.may_order_report(request.user, report.projekt),
        },
    )


def _cell(value):
    """A text cell that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value


def data_rows(report: Maanedsrapport) -> list[list]:
    return [[_cell(value) for value in row] for row in _data_rows(report)]


def _data_rows(report: Maanedsrapport) -> list[list]:
    """The report's figures as one table (the CSV and XLSX data file)."""
    data = report.data or {}
    rows: list[list] = [
        ["afsnit", "noegle", "betegnelse", "ved_optagelse", "nu", "naevner", "definition"]
    ]
    for key, value in data.get("familier", {}).items():
        rows.append(["familier", key, "", "", value, "", ""])
    for key, value in data.get("registrering", {}).items():
        rows.append(["registrering", key, "", "", value, "", ""])
    for row in data.get("kapacitet", []):
        rows.append(["kapacitet", row["koordinator"], row["kapacitet"], "", row["aktive"], "", ""])
    for row in data.get("maal", []):
        rows.append(
            [
                "udfaldsmaal",
                row["key"],
                row["label"],
                row["ved_optagelse"],
                row["nu"],
                row["naevner"],
                row["definition"],
            ]
        )
    for row in data.get("risici", []):
        rows.append(["risici", row["status"], row["beskrivelse"], "", row["score"], "", ""])
    for row in data.get("milepaele", []):
        rows.append(["milepaele", row["status"], row["titel"], "", row["frist"], "", ""])
    for key, value in data.get("oekonomi", {}).items():
        rows.append(["oekonomi", key, "", "", value, "", ""])
    rows.append(["grundlag", "bygget", "", "", data.get("bygget", ""), "", ""])
    return rows


def _ready_report(request: HttpRequest, pk: int) -> Maanedsrapport:
    report = selectors.report_for(request.user, pk)
    if report.tilstand != Tilstand.FAERDIG:
        raise Http404
    return report


@login_required
@never_cache
@require_GET
def rapport_csv(request: HttpRequest, pk: int) -> HttpResponse:
    report = _ready_report(request, pk)
    _log_report_read(request, report, "csv")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(data_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statusrapport-{report.projekt.kode}-{report.maaned:%Y-%m}'
        f'-rev{report.revision}.csv"'
    )
    return response


@login_required
@never_cache
@require_GET
def rapport_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    from openpyxl import Workbook

    report = _ready_report(request, pk)
    _log_report_read(request, report, "xlsx")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{report.maaned:%Y-%m}")
    for row in data_rows(report):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="statusrapport-{report.projekt.kode}-{report.maaned:%Y-%m}'
        f'-rev{report.revision}.xlsx"'
    )
    return response


# --- Evaluator exports ----------------------------------------------------------------------


@login_required
@require_POST
def udtraek_bestil(request: HttpRequest) -> HttpResponse:
    projekter = selectors.export_projects(request.user)
    if not projekter.exists():
        raise PermissionDenied
    form = forms.UdtraekBestilForm(request.POST, projekter=projekter)
    if form.is_valid():
        try:
            services.udtraek_bestil(
                acting_user=request.user,
                maaned=form.cleaned_data["maaned"],
                projekt=form.cleaned_data["projekt"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Udtrækket er bestilt og dannes nu."))
            return redirect("rapporter:start_evaluator")
    return render(
        request,
        "rapporter/udtraek_fejl.html",
        {"title": _("Bestil udtræk"), "form": form},
        status=400,
    )


@login_required
@never_cache
@require_GET
def udtraek_liste(request: HttpRequest) -> HttpResponse:
    """The user's exports with their state; htmx polls it while one is being built."""
    return render(request, "rapporter/_udtraek.html", _exports(request))


def _exports(request: HttpRequest) -> dict:
    rows = list(selectors.exports_for(request.user)[:20])
    return {
        "udtraek": rows,
        "udtraek_venter": any(u.tilstand in (Tilstand.VENTENDE, Tilstand.KOERER) for u in rows),
    }


@login_required
@never_cache
@require_GET
def udtraek_hent(request: HttpRequest, pk: int) -> HttpResponse:
    udtraek = selectors.exports_for(request.user).filter(pk=pk).first()
    if udtraek is None or udtraek.tilstand != Tilstand.FAERDIG:
        raise Http404
    audit.log(
        user=request.user,
        handling=audit.Handling.EXPORT,
        formaal=audit.Formaal.RAPPORT,
        projekt_id=udtraek.projekt_id,
        objekt=udtraek,
        detaljer={"downloaded": True, "maaned": f"{udtraek.maaned:%Y-%m}"},
    )
    return FileResponse(
        udtraek.fil.open("rb"),
        as_attachment=True,
        filename=f"evaluering-{udtraek.maaned:%Y-%m}-{udtraek.pk}.zip",
        content_type="application/zip",
    )


# --- National overview -----------------------------------------------------------------------


@login_required
@require_GET
def landsoverblik(request: HttpRequest) -> HttpResponse:
    """The metrics per project side by side: evaluators (their projects) and the national
    role (every project). Aggregates only."""
    if not (selectors.has_national_role(request.user) or adgang.has_role(request, Rolle.EVALUATOR)):
        raise PermissionDenied
    form = forms.MaanedForm(request.GET or None)
    maaned = selectors.last_month()
    if form.is_bound and form.is_valid() and form.cleaned_data["maaned"]:
        maaned = form.cleaned_data["maaned"]
    rows = selectors.national_overview(request.user, maaned)
    audit.log(
        user=request.user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.RAPPORT,
        detaljer={"side": "rapporter:landsoverblik", "maaned": f"{maaned:%Y-%m}"},
    )
    columns = list(metrics.DEFINITIONS)
    return render(
        request,
        "rapporter/landsoverblik.html",
        {
            "title": _("Landsoverblik"),
            "form": form,
            "maaned": maaned,
            "maaned_label": rules.month_label(maaned),
            "definitions": columns,
            "rows": [
                {
                    "projekt": row["projekt"],
                    "familier": row["familier"],
                    "celler": [metrics.fmt(row["maal"][d.key]["nu"], d.unit) for d in columns],
                }
                for row in rows
            ],
        },
    )
