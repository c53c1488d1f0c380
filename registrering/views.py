"""Pages of the monthly registration: thin; parse, call a selector or service, render."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kerne import adgang, audit
from kerne import selectors as kerne_selectors
from kerne.forms import add_service_errors
from kerne.models import Familie, Rolle
from registrering import rules, selectors, services
from registrering.forms import (
    GenaabnForm,
    IndlaesningForm,
    IndlaesningGodkendForm,
    MaanedFilterForm,
    MilepaelForm,
    RisikoForm,
    SpoergeskemaForm,
)
from registrering.models import Indikator, Milepael, Risiko, Spoergeskema

# Who works with registrations; family members, evaluators and the data-protection role
# have their own pages.
REGISTRATION_ROLES = (
    Rolle.PROJEKTLEDER,
    Rolle.KOORDINATOR,
    Rolle.SAGSBEHANDLER,
    Rolle.AFDELINGSLEDER,
    Rolle.ADMINISTRATIV,
)
PROJECT_ROLES = (Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV)
FAMILIES_PER_PAGE = 25


def _today() -> datetime.date:
    return timezone.localdate()


def _month(aar: int, md: int) -> datetime.date:
    try:
        return datetime.date(aar, md, 1)
    except ValueError:
        raise Http404 from None


def _month_url(name: str, familie_id: int, maaned: datetime.date) -> str:
    return reverse(
        f"registrering:{name}",
        kwargs={"pk": familie_id, "aar": maaned.year, "md": maaned.month},
    )


def _default_month(projekt, today: datetime.date) -> datetime.date:
    """The month most worth looking at: last month while it is open, else this month."""
    if projekt is None:
        return rules.month_start(today)
    return selectors.open_months(projekt, today)[-1]


# --- Completeness overview and to-do ----------------------------------------------------------


@login_required
@adgang.require_role(*REGISTRATION_ROLES)
@never_cache
@require_GET
def oversigt(request: HttpRequest) -> HttpResponse:
    """The month's completeness: per case manager (counts) and per family and member."""
    projekt = adgang.active_project(request)
    today = _today()
    form = MaanedFilterForm(request.GET, koordinatorer=kerne_selectors.case_managers(projekt))
    form.is_valid()
    filters = form.cleaned_data if form.is_bound else {}
    maaned = filters.get("maaned") or _default_month(projekt, today)
    if maaned > rules.month_start(today):
        form.add_error("maaned", _("Vælg en måned, der ikke ligger i fremtiden."))
        maaned = rules.month_start(today)
    koordinator = filters.get("koordinator")
    rows = selectors.completeness(
        request.user, projekt, maaned, koordinator_id=koordinator.pk if koordinator else None
    )
    summary = selectors.summarise_by_case_manager(rows)
    if filters.get("kun_mangler"):
        rows = [row for row in rows if not row.komplet]
    paginator = Paginator(rows, FAMILIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("side"))
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.REGISTRERING,
        familie_ids=[row.familie.pk for row in page.object_list],
    )
    return render(
        request,
        "registrering/oversigt.html",
        {
            "form": form,
            "maaned": maaned,
            "maaned_label": rules.month_label(maaned),
            "frist": rules.deadline(maaned, projekt.registreringsfrist_dag) if projekt else None,
            "summary": summary,
            "vis_summary": adgang.has_role(request, Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV),
            "page_obj": page,
            "page_range": list(
                paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ),
            "antal_familier": len(rows),
        },
    )


@login_required
@adgang.require_role(Rolle.KOORDINATOR)
@never_cache
@require_GET
def opgaver(request: HttpRequest) -> HttpResponse:
    """The case manager's to-do: the open months' gaps in their own families."""
    projekt = adgang.active_project(request)
    months = selectors.todo(request.user, projekt, _today())
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.REGISTRERING,
        familie_ids=sorted({row.familie.pk for month in months for row in month["familier"]}),
    )
    return render(request, "registrering/opgaver.html", {"maaneder": months})


# --- One family -------------------------------------------------------------------------------


@login_required
@adgang.require_role(*REGISTRATION_ROLES)
@never_cache
@require_GET
def familie(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's months (state and completeness) and its questionnaires."""
    context = selectors.family_history(request.user, pk, today=_today())
    familie = context["familie"]
    changeable = set(adgang.sectors_for(request.user, familie, adgang.CHANGE))
    context["kan_sdq"] = Spoergeskema.SEKTOR[Spoergeskema.Type.SDQ] in changeable
    context["kan_who5"] = Spoergeskema.SEKTOR[Spoergeskema.Type.WHO5] in changeable
    return render(request, "registrering/familie.html", context)


def _collect(request: HttpRequest, month) -> dict[int, dict[str, str]]:
    """The posted values of the fields the user may change, by person."""
    indtastning: dict[int, dict[str, str]] = defaultdict(dict)
    for medlem in month.medlemmer:
        for felt in medlem.felter:
            if felt.kan_aendre:
                indtastning[medlem.person.pk][felt.indikator.kode] = request.POST.get(felt.key, "")
    return dict(indtastning)


@login_required
@adgang.require_role(*REGISTRATION_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def familie_maaned(request: HttpRequest, pk: int, aar: int, md: int) -> HttpResponse:
    """All members of a family for one month on one form, saved in one transaction."""
    maaned = _month(aar, md)
    today = _today()
    month = selectors.family_month(
        request.user, pk, maaned, today=today, log_read=request.method == "GET"
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        indtastning = _collect(request, month)
        try:
            result = services.maaned_registrer(
                acting_user=request.user,
                familie=month.familie,
                maaned=maaned,
                indtastning=indtastning,
                today=today,
                version=request.POST.get("version"),
            )
        except ValidationError as error:
            status = 409 if isinstance(error, services.MonthChangedError) else 400
            by_field = error.message_dict if hasattr(error, "error_dict") else {}
            errors = error.messages if not by_field else by_field.get("__all__", [])
            for medlem in month.medlemmer:
                for felt in medlem.felter:
                    if felt.kan_aendre:
                        felt.value = request.POST.get(felt.key, "")
                    felt.error = " ".join(by_field.get(felt.key, []))
            if status == 409:
                # Show what the other person saved, with its token, so a resubmission works.
                month = selectors.family_month(
                    request.user, pk, maaned, today=today, log_read=False
                )
        else:
            if result.created or result.changed:
                messages.success(
                    request,
                    _("Registreringen for %(month)s er gemt.")
                    % {"month": rules.month_label(maaned)},
                )
            else:
                messages.info(request, _("Der var ingen ændringer at gemme."))
            return redirect(_month_url("familie_maaned", pk, maaned))
    return render(
        request,
        "registrering/familie_maaned.html",
        {
            "m": month,
            "maaned_label": rules.month_label(maaned),
            "fejl": errors,
            "antal_fejl": sum(1 for m in month.medlemmer for f in m.felter if f.error),
            "forrige": rules.add_months(maaned, -1),
            "naeste": rules.add_months(maaned, 1)
            if rules.add_months(maaned, 1) <= rules.month_start(today)
            else None,
            "kan_genaabne": month.state == rules.MonthState.LOCKED
            and adgang.has_role(request, Rolle.PROJEKTLEDER),
        },
        status=status,
    )


@login_required
@adgang.require_role(*REGISTRATION_ROLES)
@never_cache
@require_POST
def felt(request: HttpRequest, pk: int, aar: int, md: int) -> HttpResponse:
    """htmx: check one field as it is left, and answer with its error message (or none)."""
    maaned = _month(aar, md)
    month = selectors.family_month(request.user, pk, maaned, today=_today(), log_read=False)
    # The field that changed; htmx names it (and sends only it, by hx-params).
    wanted = getattr(request, "htmx", None) and request.htmx.trigger_name
    for medlem in month.medlemmer:
        for candidate in medlem.felter:
            if candidate.key == wanted or (not wanted and candidate.key in request.POST):
                _values, field_errors = rules.clean_member(
                    [candidate.indikator.as_def()],
                    rolle=medlem.medlemskab.rolle,
                    age=medlem.alder,
                    raw={candidate.indikator.kode: request.POST.get(candidate.key, "")},
                )
                candidate.error = field_errors.get(candidate.indikator.kode, "")
                return render(request, "registrering/_felt_fejl.html", {"felt": candidate})
    # No field of that name that the user may see: bad input, not a missing page.
    return HttpResponse(status=400)


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def genaabn(request: HttpRequest, pk: int, aar: int, md: int) -> HttpResponse:
    """The project leader reopens a locked month for the family, with a reason."""
    maaned = _month(aar, md)
    familie = adgang.get_visible_or_404(
        request.user, Familie.objects.select_related("projekt"), pk=pk
    )
    form = GenaabnForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.maaned_genaabn(
                    acting_user=request.user,
                    familie=familie,
                    maaned=maaned,
                    begrundelse=form.cleaned_data["begrundelse"],
                    aaben_til=form.cleaned_data["aaben_til"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(month)s er genåbnet for %(family)s.")
                    % {"month": rules.month_label(maaned).capitalize(), "family": familie},
                )
                return redirect(_month_url("familie_maaned", familie.pk, maaned))
        status = 400
    return render(
        request,
        "registrering/genaabn.html",
        {
            "familie": familie,
            "maaned": maaned,
            "maaned_label": rules.month_label(maaned),
            "form": form,
        },
        status=status,
    )


# --- Questionnaires ---------------------------------------------------------------------------


@login_required
@adgang.require_role(*REGISTRATION_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def spoergeskema_ny(request: HttpRequest, pk: int, skematype: str) -> HttpResponse:
    if skematype not in Spoergeskema.Type.values:
        raise Http404
    familie = adgang.get_visible_or_404(
        request.user, Familie.objects.select_related("projekt"), pk=pk
    )
    if Spoergeskema.SEKTOR[skematype] not in adgang.sectors_for(
        request.user, familie, adgang.CHANGE
    ):
        raise PermissionDenied
    texts = {}
    version = request.POST.get("version") or request.GET.get("version") or "foraelder"
    if skematype == Spoergeskema.Type.SDQ:
        texts = selectors.sdq_item_texts(familie.projekt.kommune_id, version)
    form = SpoergeskemaForm(
        request.POST if request.method == "POST" else None,
        skematype=skematype,
        personer=kerne_selectors.current_members(request.user, familie).order_by(
            "foedselsdato", "pk"
        ),
        item_texts=texts,
        initial={"version": version, "person": request.GET.get("person")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                skema = services.spoergeskema_registrer(
                    acting_user=request.user,
                    familie=familie,
                    person=data["person"],
                    type=skematype,
                    version=data.get("version", ""),
                    maalepunkt=data["maalepunkt"],
                    dato=data["dato"],
                    svar=form.answers(),
                )
            except ValidationError as error:
                for key, messages_ in error.message_dict.items():
                    name = f"punkt_{key}" if f"punkt_{key}" in form.fields else key
                    form.add_error(name if name in form.fields else None, messages_)
            else:
                messages.success(request, _("Spørgeskemaet er registreret."))
                return redirect("registrering:spoergeskema", pk=skema.pk)
        status = 400
    return render(
        request,
        "registrering/spoergeskema_form.html",
        {
            "familie": familie,
            "form": form,
            "skematype": skematype,
            "titel": Spoergeskema.Type(skematype).label,
            "licenserede_tekster": bool(texts),
        },
        status=status,
    )


@login_required
@adgang.require_role(*REGISTRATION_ROLES)
@never_cache
@require_GET
def spoergeskema(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request, "registrering/spoergeskema.html", selectors.questionnaire_detail(request.user, pk)
    )


# --- Project risks and milestones -------------------------------------------------------------


def _project(request: HttpRequest):
    projekt = adgang.active_project(request)
    if projekt is None:
        raise PermissionDenied
    return projekt


@login_required
@adgang.require_role(*PROJECT_ROLES)
@never_cache
@require_GET
def risici_milepaele(request: HttpRequest) -> HttpResponse:
    """The project's risks and milestones as assessed for a month (default: this month)."""
    projekt = _project(request)
    form = MaanedFilterForm(request.GET, koordinatorer=kerne_selectors.case_managers(None))
    form.is_valid()
    maaned = (form.cleaned_data.get("maaned") if form.is_bound else None) or rules.month_start(
        _today()
    )
    return render(
        request,
        "registrering/risici_milepaele.html",
        {
            "form": form,
            "maaned": maaned,
            "maaned_label": rules.month_label(maaned),
            "risici": selectors.risks_as_of(projekt, maaned),
            "milepaele": selectors.milestones_as_of(projekt, maaned),
            "kan_aendre": adgang.has_role(request, Rolle.PROJEKTLEDER),
        },
    )


def _edit_page(request, *, form_class, model, service, pk, template, label_field, extra_name):
    projekt = _project(request)
    obj = None
    if pk is not None:
        obj = model.objects.filter(projekt=projekt, pk=pk).first()
        if obj is None:
            raise Http404
    initial = {"maaned": rules.month_start(_today())}
    if obj is not None:
        initial |= {f.name: getattr(obj, f.name) for f in model._meta.concrete_fields}
        initial["maaned"] = rules.month_start(_today())
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial,
        current_status=obj.status if obj else "",
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            maaned = data.pop("maaned")
            extra = data.pop(extra_name, "")
            try:
                service(
                    acting_user=request.user,
                    projekt=projekt,
                    data=data,
                    maaned=maaned,
                    **{model._meta.model_name: obj, extra_name: extra},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Ændringen er gemt."))
                return redirect("registrering:risici_milepaele")
        status = 400
    historik = list(obj.historik.select_related("aendret_af")) if obj else []
    return render(
        request,
        template,
        {"form": form, "obj": obj, "historik": historik, "label_field": label_field},
        status=status,
    )


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def risiko_rediger(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit_page(
        request,
        form_class=RisikoForm,
        model=Risiko,
        service=services.risiko_gem,
        pk=pk,
        template="registrering/risiko_form.html",
        label_field="beskrivelse",
        extra_name="note",
    )


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def milepael_rediger(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit_page(
        request,
        form_class=MilepaelForm,
        model=Milepael,
        service=services.milepael_gem,
        pk=pk,
        template="registrering/milepael_form.html",
        label_field="titel",
        extra_name="bemaerkning",
    )


# --- CSV import ---------------------------------------------------------------------------------


@login_required
@adgang.require_role(*services.IMPORT_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def indlaesning_ny(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    form = IndlaesningForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fil = form.cleaned_data["fil"]
            try:
                indlaesning = services.indlaesning_forhaandsvis(
                    acting_user=request.user,
                    projekt=projekt,
                    filnavn=fil.name,
                    indhold=fil.read(services.IMPORT_MAX_BYTES + 1),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("registrering:indlaesning_vis", pk=indlaesning.pk)
        status = 400
    objective = Indikator.objects.filter(kommune__isnull=True, aktiv=True).exclude(
        type=Indikator.Type.SKALA
    )
    return render(
        request,
        "registrering/indlaesning_ny.html",
        {
            "form": form,
            "indikatorer": objective.order_by("gaelder_for", "raekkefoelge"),
            "seneste": selectors.imports_for(request.user, projekt)[:10],
        },
        status=status,
    )


@login_required
@adgang.require_role(*services.IMPORT_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def indlaesning_vis(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run's preview; posting approves it and commits every row or none."""
    indlaesning = selectors.import_detail(request.user, adgang.active_project(request), pk)
    form = IndlaesningGodkendForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            written = services.indlaesning_gennemfoer(
                acting_user=request.user, indlaesning=indlaesning
            )
        except ValidationError as error:
            errors = error.messages
            status = 400
        else:
            messages.success(
                request,
                _("Indlæsningen er gennemført: %(count)s værdier er gemt.") % {"count": written},
            )
            return redirect("registrering:indlaesning_vis", pk=indlaesning.pk)
    return render(
        request,
        "registrering/indlaesning_vis.html",
        {"indlaesning": indlaesning, "form": form, "fejl": errors},
        status=status,
    )


# --- The family's own view of progress --------------------------------------------------------


@login_required
@adgang.require_role(Rolle.BORGER)
@never_cache
@require_GET
def min_udvikling(request: HttpRequest) -> HttpResponse:
    """A citizen's own progress and their children's, as plain words per area."""
    return render(
        request,
        "registrering/min_udvikling.html",
        {"udvikling": selectors.citizen_progress(request.user, today=_today())},
    )
