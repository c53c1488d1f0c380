"""Pages of the investment model: catalogue, a family's economy, cost lines, business case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from investering import csvimport, selectors, services
from investering.beregning import BASELINE, Hypotese
from investering.forms import (
    GrundlagForm,
    HvisForm,
    ImportForm,
    InvesteringForm,
    LinjeForm,
    OmkostningstypeForm,
    PrisForm,
    PrisRetForm,
    RenteForm,
    SletForm,
)
from investering.models import Investeringslinje, Omkostningstype, Pris
from investering.services import CATALOGUE_ROLES, InvesteringData, LinjeData
from kerne import adgang, audit, charts
from kerne.forms import add_service_errors
from kerne.models import Familie, Rolle, Sektor
from kerne.views import STAFF_ROLES

LINES_PER_PAGE = 25
SEGMENTS_PER_PAGE = 50
FAMILIES_PER_PAGE = 25


def _paginate(request: HttpRequest, rows, per_page: int):
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(request.GET.get("side"))
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _project(request: HttpRequest):
    projekt = adgang.active_project(request)
    if projekt is None:
        raise PermissionDenied
    return projekt


# --- Price catalogue ----------------------------------------------------------------------------


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@require_GET
def prisliste(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    typer = list(selectors.cost_types(projekt))
    today = timezone.localdate()
    return render(
        request,
        "investering/prisliste.html",
        {
            "typer": [{"type": t, "aktuel": selectors.current_price(t, today)} for t in typer],
            "kan_redigere": True,
        },
    )


def _type_form_view(request: HttpRequest, omkostningstype: Omkostningstype | None) -> HttpResponse:
    projekt = _project(request)
    initial = {}
    if omkostningstype is not None:
        initial = {
            "navn": omkostningstype.navn,
            "enhed": omkostningstype.enhed,
            "sektor": omkostningstype.sektor,
            "forvaltning": omkostningstype.forvaltning,
            "eksempel": omkostningstype.eksempel,
        }
    form = OmkostningstypeForm(
        request.POST or None, initial=initial, forvaltninger=selectors.departments(projekt)
    )
    price_form = PrisForm(request.POST or None, prefix="pris") if omkostningstype is None else None
    status = 200
    if request.method == "POST":
        valid = form.is_valid() and (price_form is None or price_form.is_valid())
        if valid:
            try:
                if omkostningstype is None:
                    # The type and its first price are one business action.
                    with transaction.atomic():
                        omkostningstype = services.omkostningstype_opret(
                            acting_user=request.user, projekt=projekt, **form.cleaned_data
                        )
                        services.pris_opret(
                            acting_user=request.user,
                            projekt=projekt,
                            omkostningstype=omkostningstype,
                            **price_form.cleaned_data,
                        )
                    messages.success(request, _("Omkostningstypen er oprettet."))
                else:
                    services.omkostningstype_aendr(
                        acting_user=request.user,
                        projekt=projekt,
                        omkostningstype=omkostningstype,
                        **form.cleaned_data,
                    )
                    messages.success(request, _("Omkostningstypen er gemt."))
                return redirect("investering:prisliste")
            except ValidationError as error:
                omkostningstype = (
                    omkostningstype if omkostningstype and omkostningstype.pk else None
                )
                add_service_errors(form, error)
        status = 400
    return render(
        request,
        "investering/omkostningstype_form.html",
        {"form": form, "price_form": price_form, "omkostningstype": omkostningstype},
        status=status,
    )


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def omkostningstype_ny(request: HttpRequest) -> HttpResponse:
    return _type_form_view(request, None)


def _type_of_project(request: HttpRequest, pk: int) -> Omkostningstype:
    projekt = _project(request)
    return get_object_or_404(
        Omkostningstype.objects.select_related("forvaltning"), pk=pk, kommune_id=projekt.kommune_id
    )


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def omkostningstype_rediger(request: HttpRequest, pk: int) -> HttpResponse:
    return _type_form_view(request, _type_of_project(request, pk))


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def pris_ny(request: HttpRequest, pk: int) -> HttpResponse:
    omkostningstype = _type_of_project(request, pk)
    form = PrisForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pris_opret(
                    acting_user=request.user,
                    projekt=_project(request),
                    omkostningstype=omkostningstype,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Prisen er tilføjet."))
                return redirect("investering:prisliste")
        status = 400
    return render(
        request,
        "investering/pris_form.html",
        {"form": form, "omkostningstype": omkostningstype, "pris": None},
        status=status,
    )


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def pris_ret(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _project(request)
    pris = get_object_or_404(
        Pris.objects.select_related("omkostningstype"),
        pk=pk,
        omkostningstype__kommune_id=projekt.kommune_id,
    )
    form = PrisRetForm(request.POST or None, initial={"beloeb": pris.beloeb})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pris_ret(
                    acting_user=request.user,
                    projekt=projekt,
                    pris=pris,
                    beloeb=form.cleaned_data["beloeb"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Prisen er rettet."))
                return redirect("investering:prisliste")
        status = 400
    return render(
        request,
        "investering/pris_form.html",
        {"form": form, "omkostningstype": pris.omkostningstype, "pris": pris},
        status=status,
    )


# --- A family's economy and its cost lines -------------------------------------------------------


def _figure_tables(figures) -> dict:
    """The rows of the department/sector table and the quarter table, ready to render."""
    groups = figures.groups
    quarters = list(figures.kvartaler)
    return {
        "rows": [
            {
                "key": key,
                "label": figures.label(key),
                "baseline": figures.baseline.get(key, 0),
                "aktuel": figures.aktuel.get(key, 0),
                "forskel": figures.baseline.get(key, 0) - figures.aktuel.get(key, 0),
            }
            for key in groups
        ],
        "quarters": quarters,
        "quarter_rows": [
            {
                "label": figures.label(key),
                "values": [figures.kvartaler[q].get(key, 0) for q in quarters],
            }
            for key in groups
        ],
        "quarter_totals": [sum(figures.kvartaler[q].values()) for q in quarters],
    }


def _charts(figures) -> dict:
    rows = figures.resultat.rows
    labels = [row.month.maaned.strftime("%m.%Y") for row in rows]
    cumulative = charts.line_chart(
        title=_("Akkumuleret investering og besparelse"),
        description=_(
            "Projektets akkumulerede investering mod den akkumulerede besparelse (baseline minus "
            "aktuelle udgifter), måned for måned. Tallene står i tabellen under figuren."
        ),
        labels=labels,
        series=[
            charts.Series(_("Akkumuleret besparelse"), [r.akk_besparelse for r in rows]),
            charts.Series(_("Akkumuleret investering"), [r.akk_investering for r in rows]),
        ],
        unit=" kr.",
    )
    groups = figures.groups
    quarters = list(figures.kvartaler)
    per_quarter = charts.bar_chart(
        title=_("Udgifter pr. forvaltning pr. kvartal"),
        description=_(
            "Kommunens udgifter til familierne pr. kvartal, fordelt på forvaltning og sektor."
        ),
        labels=quarters,
        series=[
            charts.Series(figures.label(key), [figures.kvartaler[q].get(key, 0) for q in quarters])
            for key in groups
        ],
        unit=" kr.",
        stacked=True,
    )
    return {"chart_cumulative": cumulative, "chart_quarters": per_quarter}


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_GET
def familie_oekonomi(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's economy tab: figures and the cost lines of the sectors the user may see."""
    familie = selectors.economy_family(request.user, pk)
    figures = selectors.family_figures(request.user, familie)
    linjer = selectors.lines_for(request.user, familie=familie).order_by("-fra", "pk")
    page, page_range = _paginate(request, linjer, LINES_PER_PAGE)
    sagsdele = adgang.ensure_sagsdele(familie)
    writable = [
        sektor
        for sektor in figures.sektorer
        if services.may_change_costs(request.user, sagsdele[sektor])
    ]
    audit.log(
        user=request.user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=familie,
        detaljer={"side": "oekonomi", "sektorer": figures.sektorer},
    )
    return render(
        request,
        "investering/familie_oekonomi.html",
        {
            "familie": familie,
            "figures": figures,
            **_figure_tables(figures),
            **_charts(figures),
            "page_obj": page,
            "page_range": page_range,
            "kan_tilfoeje": bool(writable),
            "sektor_navne": [Sektor(sektor).label for sektor in figures.sektorer],
            "skrivbare": set(writable),
        },
    )


def _line_form(request: HttpRequest, familie: Familie, *, initial=None) -> LinjeForm:
    projekt = familie.projekt
    writable = [
        sektor
        for sektor, sagsdel in adgang.ensure_sagsdele(familie).items()
        if services.may_change_costs(request.user, sagsdel)
    ]
    from kerne import selectors as kerne_selectors

    return LinjeForm(
        request.POST or None,
        initial=initial,
        typer=selectors.cost_types(projekt).filter(sektor__in=writable),
        personer=kerne_selectors.persons_for(request.user)
        .filter(medlemskaber__familie=familie)
        .distinct(),
    )


def _line_data(form: LinjeForm) -> LinjeData:
    data = form.cleaned_data
    return LinjeData(
        omkostningstype=data["omkostningstype"],
        person=data["person"],
        antal=data["antal"],
        fra=data["fra"],
        til=data["til"],
        pris_override=data["pris_override"],
        override_begrundelse=data["override_begrundelse"],
    )


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def linje_ny(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.economy_family(request.user, pk)
    form = _line_form(request, familie)
    if not form.fields["omkostningstype"].queryset.exists():
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.linje_opret(
                    acting_user=request.user, familie=familie, data=_line_data(form)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Omkostningslinjen er tilføjet."))
                return redirect("investering:familie_oekonomi", pk=familie.pk)
        status = 400
    return render(
        request,
        "investering/linje_form.html",
        {"form": form, "familie": familie, "linje": None},
        status=status,
    )


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def linje_rediger(request: HttpRequest, pk: int) -> HttpResponse:
    linje = selectors.line_for(request.user, pk)
    familie = linje.sagsdel.familie
    if not services.may_change_costs(request.user, linje.sagsdel):
        raise PermissionDenied
    initial = {
        "omkostningstype": linje.omkostningstype,
        "person": linje.person,
        "antal": linje.antal,
        "fra": linje.fra,
        "til": linje.til,
        "pris_override": linje.pris_override,
        "override_begrundelse": linje.override_begrundelse,
    }
    form = _line_form(request, familie, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.linje_ret(acting_user=request.user, linje=linje, data=_line_data(form))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Omkostningslinjen er gemt."))
                return redirect("investering:familie_oekonomi", pk=familie.pk)
        status = 400
    else:
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=familie,
            person=linje.person_id,
            sektor=linje.sagsdel.sektor,
            objekt=linje,
        )
    return render(
        request,
        "investering/linje_form.html",
        {"form": form, "familie": familie, "linje": linje},
        status=status,
    )


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def linje_slet(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a cost line (the audit log keeps what it was)."""
    linje = selectors.line_for(request.user, pk)
    if not services.may_change_costs(request.user, linje.sagsdel):
        raise PermissionDenied
    familie = linje.sagsdel.familie
    form = SletForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.linje_slet(acting_user=request.user, linje=linje)
        messages.success(request, _("Omkostningslinjen er slettet."))
        return redirect("investering:familie_oekonomi", pk=familie.pk)
    return render(
        request,
        "investering/linje_slet.html",
        {"linje": linje, "familie": familie, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- The business case ---------------------------------------------------------------------------


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_GET
def business_case(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    typer = selectors.cost_types(projekt)
    form = HvisForm(request.GET or None, typer=typer)
    rate = hypotese = None
    status = 200
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
            rate = data.get("rente")
            if data.get("omkostningstype") and data.get("ny_pris") is not None:
                hypotese = Hypotese(
                    omkostningstype_id=data["omkostningstype"].pk,
                    beloeb=data["ny_pris"],
                    gyldig_fra=data["gyldig_fra"],
                )
        else:
            status = 400
    figures = selectors.project_figures(request.user, projekt, rate_pct=rate, hypotese=hypotese)
    gemt = services.settings_for(projekt).diskonteringsrente
    familier = selectors.project_families(request.user, projekt).order_by("betegnelse", "pk")
    page, page_range = _paginate(request, familier, FAMILIES_PER_PAGE)
    per_family = selectors.family_totals(
        request.user, projekt, [f.pk for f in page.object_list], as_of=figures.as_of
    )
    selectors.log_project_read(request.user, projekt, "business_case")
    return render(
        request,
        "investering/business_case.html",
        {
            "form": form,
            "figures": figures,
            "resultat": figures.resultat,
            **_figure_tables(figures),
            **_charts(figures),
            "hypotese": hypotese,
            "gemt_rente": gemt,
            "rente_form": RenteForm(initial={"rente": gemt}),
            "page_obj": page,
            "page_range": page_range,
            "familie_rows": [{"familie": f, **per_family.get(f.pk, {})} for f in page.object_list],
            "hvis": bool(rate is not None or hypotese),
        },
        status=status,
    )


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV)
@require_POST
def rente_gem(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    form = RenteForm(request.POST)
    if form.is_valid():
        try:
            services.diskonteringsrente_saet(
                acting_user=request.user, projekt=projekt, rente=form.cleaned_data["rente"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Projektets diskonteringsrente er gemt."))
    else:
        messages.error(
            request, _("Diskonteringsrenten skal være et tal fra 0 til 100 (procent pr. år).")
        )
    return redirect("investering:business_case")


def _grundlag(request: HttpRequest, projekt, familie: Familie | None) -> HttpResponse:
    form = GrundlagForm(request.GET or {"art": BASELINE})
    if not form.is_valid():
        return render(
            request, "investering/grundlag.html", {"form": form, "familie": familie}, status=400
        )
    data = form.cleaned_data
    side = request.GET.get("side", "1")
    number = int(side) if side.isdigit() and 0 < int(side) < 10**6 else 1
    count, total, rows = selectors.drilldown(
        request.user,
        projekt,
        art=data["art"],
        familie=familie,
        forvaltning_id=data["forvaltning"],
        sektor=data["sektor"],
        maaned_fra=data["fra"],
        maaned_til=data["til"],
        limit=SEGMENTS_PER_PAGE,
        offset=(number - 1) * SEGMENTS_PER_PAGE,
    )
    paginator = Paginator(range(count), SEGMENTS_PER_PAGE)
    page = paginator.get_page(number)
    return render(
        request,
        "investering/grundlag.html",
        {
            "form": form,
            "familie": familie,
            "art_label": dict(form.fields["art"].choices)[data["art"]],
            "rows": rows,
            "count": count,
            "total": total,
            "page_obj": page,
            "page_range": list(paginator.get_elided_page_range(page.number, on_ends=1)),
        },
    )


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_GET
def grundlag(request: HttpRequest) -> HttpResponse:
    """The lines and prices behind one of the business case's figures."""
    return _grundlag(request, _project(request), None)


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_GET
def familie_grundlag(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.economy_family(request.user, pk)
    return _grundlag(request, familie.projekt, familie)


# --- The project's investment ------------------------------------------------------------------


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@require_GET
def investeringer(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    linjer = selectors.investment_lines(projekt).order_by("-fra", "pk")
    page, page_range = _paginate(request, linjer, LINES_PER_PAGE)
    return render(
        request,
        "investering/investeringer.html",
        {
            "page_obj": page,
            "page_range": page_range,
            "aarlig": selectors.yearly_investment(projekt),
        },
    )


def _investment_form_view(request: HttpRequest, linje: Investeringslinje | None) -> HttpResponse:
    projekt = _project(request)
    initial = {}
    if linje is not None:
        initial = {
            name: getattr(linje, name)
            for name in ("kategori", "beskrivelse", "forvaltning", "beloeb", "enhed", "fra", "til")
        }
    form = InvesteringForm(
        request.POST or None, initial=initial, forvaltninger=selectors.departments(projekt)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = InvesteringData(**form.cleaned_data)
            try:
                if linje is None:
                    services.investering_opret(acting_user=request.user, projekt=projekt, data=data)
                else:
                    services.investering_ret(
                        acting_user=request.user, projekt=projekt, linje=linje, data=data
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Investeringslinjen er gemt."))
                return redirect("investering:investeringer")
        status = 400
    return render(
        request,
        "investering/investering_form.html",
        {"form": form, "linje": linje},
        status=status,
    )


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def investering_ny(request: HttpRequest) -> HttpResponse:
    return _investment_form_view(request, None)


def _investment_of_project(request: HttpRequest, pk: int) -> Investeringslinje:
    return get_object_or_404(Investeringslinje, pk=pk, projekt=_project(request))


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def investering_rediger(request: HttpRequest, pk: int) -> HttpResponse:
    return _investment_form_view(request, _investment_of_project(request, pk))


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def investering_slet(request: HttpRequest, pk: int) -> HttpResponse:
    linje = _investment_of_project(request, pk)
    form = SletForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.investering_slet(acting_user=request.user, projekt=_project(request), linje=linje)
        messages.success(request, _("Investeringslinjen er slettet."))
        return redirect("investering:investeringer")
    return render(
        request,
        "investering/investering_slet.html",
        {"linje": linje, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- CSV import --------------------------------------------------------------------------------


@login_required
@adgang.require_role(*CATALOGUE_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def importer(request: HttpRequest) -> HttpResponse:
    """Upload a department's export: a dry run shows every row's errors; a commit is all or
    nothing."""
    projekt = _project(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.linjer_importer(
                    acting_user=request.user,
                    projekt=projekt,
                    content=form.cleaned_data["fil"].read(),
                    dry_run=form.cleaned_data["proeve"],
                )
            except csvimport.CsvFormatError as error:
                form.add_error("fil", str(error))
            else:
                status = 200 if result.ok else 400
                if result.saved:
                    messages.success(
                        request,
                        _("%(antal)d omkostningslinjer er importeret.") % {"antal": result.saved},
                    )
                    return redirect("investering:importer")
    return render(
        request, "investering/import.html", {"form": form, "result": result}, status=status
    )
