"""Pages of the family plan, the stafetlog, the follow-up to-do and the family portal.

Thin: parse, call a selector or a service, render. Forms work without script; with htmx they
open inline on the plan page and a saved form sends the browser back to the plan.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familieplan import collisions, selectors, services
from familieplan.forms import (
    AftaleForm,
    AftaleStatusForm,
    AftalForm,
    AktoerForm,
    IndsatsForm,
    MaalForm,
    MoedeForm,
    OpfoelgningForm,
    PlanIndstillingForm,
    SektorplanForm,
)
from familieplan.models import Indsats, PlanIndstilling, Planversion
from kerne import adgang, audit
from kerne.forms import add_service_errors
from kerne.models import Rolle
from kerne.views import STAFF_ROLES

PLANS_PER_PAGE = 25
TODO_PER_PAGE = 50
# Who works with plans; a professional (fagperson) sees only stafetlogs they are named in.
PLAN_ROLES = tuple(r for r in STAFF_ROLES if r != Rolle.FAGPERSON)

staff = adgang.require_role(*PLAN_ROLES)


def _done(request: HttpRequest, url: str) -> HttpResponse:
    """After a saved form: back to the page, as a full navigation for htmx too."""
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _form_page(
    request: HttpRequest,
    partial: str,
    context: dict,
    *,
    title: str,
    back_url: str,
    status: int = 200,
) -> HttpResponse:
    """An inline form for htmx, or the same form on a page of its own without script."""
    context = {**context, "title": title, "back_url": back_url, "partial": partial}
    if request.htmx:
        # htmx swaps only 2xx answers: the form with its errors must arrive as one.
        return render(request, partial, context)
    return render(request, "familieplan/form_side.html", context, status=status)


def _version_url(version_id: int) -> str:
    return reverse("familieplan:version", args=[version_id])


def _log_read(request: HttpRequest, familie, objekt, sektor: str = "") -> None:
    """An edit form shows the saved data: its GET is a read of personal data."""
    if request.method == "GET":
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=familie,
            sektor=sektor,
            objekt=objekt,
        )


def _require_draft(version: Planversion) -> None:
    if not version.er_kladde:
        raise PermissionDenied


# --- Plans --------------------------------------------------------------------------------------


@login_required
@staff
@never_cache
@require_GET
def planer(request: HttpRequest) -> HttpResponse:
    """The families the user may see, each with its plan's state."""
    familier = selectors.plan_list(request.user, projekt=adgang.active_project(request))
    page = Paginator(familier, PLANS_PER_PAGE).get_page(request.GET.get("side"))
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=[f.pk for f in page.object_list],
    )
    return render(
        request,
        "familieplan/planer.html",
        {
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number)),
        },
    )


@login_required
@staff
@never_cache
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's plan: the draft for those who may change it, else the latest agreed."""
    familie = selectors.family_for_plan(request.user, pk)
    versioner = selectors.versions_of(request.user, familie)
    kan_aendre = adgang.may_change_family(request.user, familie)
    chosen = next(
        (v for v in versioner if v.er_kladde and kan_aendre),
        next((v for v in versioner if not v.er_kladde), versioner[0] if versioner else None),
    )
    if chosen is not None:
        return redirect("familieplan:version", pk=chosen.pk)
    audit.log(
        user=request.user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=familie,
    )
    return render(
        request, "familieplan/plan_tom.html", {"familie": familie, "kan_aendre": kan_aendre}
    )


@login_required
@staff
@require_POST
def plan_opret(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_for_plan(request.user, pk)
    try:
        version = services.plan_opret(acting_user=request.user, familie=familie)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("familieplan:plan", pk=familie.pk)
    messages.success(request, _("Planen er oprettet som en kladde."))
    return redirect("familieplan:version", pk=version.pk)


@login_required
@staff
@require_POST
def kladde_opret(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_for_plan(request.user, pk)
    try:
        version = services.kladde_opret(acting_user=request.user, familie=familie)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("familieplan:plan", pk=familie.pk)
    messages.success(request, _("Der er oprettet en ny kladde ud fra den aftalte plan."))
    return redirect("familieplan:version", pk=version.pk)


@login_required
@staff
@never_cache
@require_GET
def version(request: HttpRequest, pk: int) -> HttpResponse:
    planversion = selectors.version_for(request.user, pk)
    visning = selectors.version_view(request.user, planversion)
    versioner = selectors.versions_of(request.user, planversion.familie)
    return render(
        request,
        "familieplan/version.html",
        {
            "v": visning,
            "version": planversion,
            "familie": planversion.familie,
            "versioner": versioner,
            "forrige": next((x for x in versioner if x.nummer < planversion.nummer), None),
            "har_kladde": any(x.er_kladde for x in versioner),
            "dokument": selectors.version_document(request.user, planversion, kopi="fuld"),
        },
    )


@login_required
@staff
@never_cache
@require_GET
def version_forskel(request: HttpRequest, pk: int, andet: int) -> HttpResponse:
    """What changed from version `andet` to version `pk` (activities and goals)."""
    efter = selectors.version_for(request.user, pk)
    foer = selectors.version_for(request.user, andet)
    indsatser, maal = selectors.versions_diff(request.user, foer, efter)
    return render(
        request,
        "familieplan/forskel.html",
        {
            "foer": foer,
            "efter": efter,
            "familie": efter.familie,
            "indsatser": indsatser,
            "maal": maal,
            "feltnavne": selectors.DIFF_LABELS,
            "versioner": selectors.versions_of(request.user, efter.familie),
        },
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def version_aftal(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree the draft with the family: who, when, how; it is frozen afterwards."""
    planversion = selectors.version_for(request.user, pk)
    familie = planversion.familie
    if not planversion.er_kladde:
        messages.info(request, _("Versionen er allerede aftalt med familien."))
        return redirect("familieplan:version", pk=planversion.pk)
    if not adgang.may_change_family(request.user, familie):
        raise PermissionDenied
    form = AftalForm(
        request.POST or None,
        personer=selectors.members_of(familie),
        initial={"revision": planversion.revision},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.version_aftal(
                    acting_user=request.user,
                    version=planversion,
                    revision=data["revision"],
                    aftalt_dato=data["aftalt_dato"],
                    aftalt_form=data["aftalt_form"],
                    aftalt_med=list(data["aftalt_med"]),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(nummer)s er aftalt med familien.")
                    % {"nummer": planversion.nummer},
                )
                return redirect("familieplan:version", pk=planversion.pk)
        status = 400
    visning = selectors.version_view(request.user, planversion)
    return render(
        request,
        "familieplan/aftal.html",
        {"form": form, "version": planversion, "familie": familie, "v": visning},
        status=status,
    )


# --- Goals ------------------------------------------------------------------------------------


def _goal_form(request, *, version, form, maal=None, gemt=None, status=200) -> HttpResponse:
    return _form_page(
        request,
        "familieplan/partials/maal_form.html",
        {"form": form, "version": version, "maal": maal, "gemt": gemt},
        title=_("Ret fælles mål") if maal else _("Tilføj fælles mål"),
        back_url=_version_url(version.pk),
        status=status,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def maal_ny(request: HttpRequest, pk: int) -> HttpResponse:
    planversion = selectors.version_for(request.user, pk)
    _require_draft(planversion)
    if not adgang.may_change_family(request.user, planversion.familie):
        raise PermissionDenied
    form = MaalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.maal_gem(
                acting_user=request.user, version=planversion, data=form.data_object()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Målet er tilføjet."))
            return _done(request, _version_url(planversion.pk))
    return _goal_form(request, version=planversion, form=form, status=400 if form.is_bound else 200)


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def maal_ret(request: HttpRequest, pk: int) -> HttpResponse:
    maal = selectors.goal_for(request.user, pk)
    planversion = maal.version
    _require_draft(planversion)
    if not adgang.may_change_family(request.user, planversion.familie):
        raise PermissionDenied
    _log_read(request, planversion.familie, maal)
    initial = {
        "titel": maal.titel,
        "maalopfyldelse": maal.maalopfyldelse,
        "raekkefoelge": maal.raekkefoelge,
        "revision": maal.revision,
    }
    form = MaalForm(request.POST or None, initial=initial)
    gemt = None
    if request.method == "POST" and form.is_valid():
        try:
            services.maal_gem(
                acting_user=request.user,
                version=planversion,
                maal=maal,
                data=form.data_object(),
                revision=form.cleaned_data["revision"],
            )
        except services.KonfliktError as error:
            gemt = selectors.goal_for(request.user, maal.pk)
            form = _rebound(MaalForm, request.POST, gemt.revision, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Målet er gemt."))
            return _done(request, _version_url(planversion.pk))
    return _goal_form(
        request,
        version=planversion,
        form=form,
        maal=maal,
        gemt=gemt,
        status=400 if form.is_bound else 200,
    )


def _rebound(form_class, post: QueryDict, revision: int, error: ValidationError, **kwargs):
    """The editor's own input again, now against the saved revision, with the conflict shown:
    nothing typed is lost, and saving once more is a deliberate overwrite."""
    data = post.copy()
    data["revision"] = str(revision)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, error)
    return form


@login_required
@staff
@require_POST
def maal_slet(request: HttpRequest, pk: int) -> HttpResponse:
    maal = selectors.goal_for(request.user, pk)
    _require_draft(maal.version)
    try:
        services.maal_slet(
            acting_user=request.user, maal=maal, revision=_int(request.POST.get("revision"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Målet er slettet."))
    return redirect("familieplan:version", pk=maal.version_id)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


# --- Activities ---------------------------------------------------------------------------------


def _activity_form(request, planversion, data=None, **kwargs) -> IndsatsForm:
    familie = planversion.familie
    return IndsatsForm(
        data,
        sektorer=adgang.sectors_for(request.user, familie, adgang.CHANGE),
        personer=selectors.members_of(familie),
        maal=selectors.goals_of(planversion),
        **kwargs,
    )


def _add_to_draft(request, pk, *, make_form, save, done_message, render_form) -> HttpResponse:
    """Add one item (activity, sector plan) to a draft version: the user must be able to change
    at least one sector of the family; a service's refusal lands on the form."""
    planversion = selectors.version_for(request.user, pk)
    _require_draft(planversion)
    if not adgang.sectors_for(request.user, planversion.familie, adgang.CHANGE):
        raise PermissionDenied
    form = make_form(request, planversion, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(acting_user=request.user, version=planversion, data=form.data_object())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done_message)
            return _done(request, _version_url(planversion.pk))
    return render_form(
        request, planversion=planversion, form=form, status=400 if form.is_bound else 200
    )


def _render_activity_form(request, *, planversion, form, indsats=None, gemt=None, status=200):
    return _form_page(
        request,
        "familieplan/partials/indsats_form.html",
        {"form": form, "version": planversion, "indsats": indsats, "gemt": gemt},
        title=_("Ret indsats") if indsats else _("Tilføj indsats"),
        back_url=_version_url(planversion.pk),
        status=status,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def indsats_ny(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_draft(
        request,
        pk,
        make_form=_activity_form,
        save=services.indsats_gem,
        done_message=_("Indsatsen er tilføjet."),
        render_form=_render_activity_form,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def indsats_ret(request: HttpRequest, pk: int) -> HttpResponse:
    indsats = selectors.activity_for(request.user, pk, adgang.CHANGE)
    planversion = indsats.version
    _require_draft(planversion)
    _log_read(request, planversion.familie, indsats, indsats.sagsdel.sektor)
    form = _activity_form(
        request, planversion, request.POST or None, initial=IndsatsForm.initial_from(indsats)
    )
    gemt = None
    if request.method == "POST" and form.is_valid():
        try:
            services.indsats_gem(
                acting_user=request.user,
                version=planversion,
                indsats=indsats,
                data=form.data_object(),
                revision=form.cleaned_data["revision"],
            )
        except services.KonfliktError as error:
            gemt = selectors.activity_for(request.user, pk)
            form = _rebound(
                lambda data: _activity_form(request, planversion, data),
                request.POST,
                gemt.revision,
                error,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Indsatsen er gemt."))
            return _done(request, _version_url(planversion.pk))
    return _render_activity_form(
        request,
        planversion=planversion,
        form=form,
        indsats=indsats,
        gemt=gemt,
        status=409 if gemt else (400 if form.is_bound else 200),
    )


@login_required
@staff
@require_POST
def indsats_slet(request: HttpRequest, pk: int) -> HttpResponse:
    indsats = selectors.activity_for(request.user, pk, adgang.CHANGE)
    _require_draft(indsats.version)
    try:
        services.indsats_slet(
            acting_user=request.user, indsats=indsats, revision=_int(request.POST.get("revision"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Indsatsen er slettet."))
    return redirect("familieplan:version", pk=indsats.version_id)


@login_required
@staff
@require_POST
def kollisioner(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx, while editing: the collisions the activity in the form would have (not saved)."""
    planversion = selectors.version_for(request.user, pk)
    form = _activity_form(request, planversion, request.POST)
    form.is_valid()
    data = form.cleaned_data
    advarsler = []
    needed = ("personer", "startdato", "slutdato", "timer_pr_uge", "art", "sektor")
    if (
        all(data.get(name) not in (None, "") for name in needed)
        and data["slutdato"] >= data["startdato"]
    ):
        editing = _int(request.POST.get("indsats"))
        extra = collisions.Aktivitet(
            key=editing if editing > 0 else "ny",
            titel=data.get("titel") or _("Denne indsats"),
            person_ids=tuple(p.pk for p in data["personer"]),
            sektor=data["sektor"],
            art=data["art"],
            start=data["startdato"],
            slut=data["slutdato"],
            timer=data["timer_pr_uge"],
        )
        shown = list(selectors.activities_of(request.user, planversion))
        advarsler = [
            a
            for a in selectors.warnings_for(planversion.familie, shown, extra)
            if extra.key in a.kollision.keys
        ]
    return render(
        request, "familieplan/partials/advarsler.html", {"advarsler": advarsler, "live": True}
    )


@login_required
@staff
@never_cache
@require_GET
def indsats(request: HttpRequest, pk: int) -> HttpResponse:
    """One activity with its follow-ups across versions, and the follow-up form."""
    obj = selectors.activity_for(request.user, pk)
    audit.log(
        user=request.user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=obj.version.familie,
        sektor=obj.sagsdel.sektor,
        objekt=obj,
    )
    return _activity_page(request, obj, OpfoelgningForm())


def _activity_page(request, obj: Indsats, form, status: int = 200) -> HttpResponse:
    seneste = services.latest_agreed(obj.version.familie_id)
    kan_foelge_op = (
        seneste is not None
        and seneste.pk == obj.version_id
        and adgang.can(request.user, adgang.CHANGE, obj.sagsdel)
    )
    return render(
        request,
        "familieplan/indsats.html",
        {
            "indsats": obj,
            "familie": obj.version.familie,
            "opfoelgninger": list(selectors.followups_of_activity(request.user, obj)),
            "form": form,
            "kan_foelge_op": kan_foelge_op,
            "frist": getattr(obj, "frist", None) if kan_foelge_op else None,
        },
        status=status,
    )


@login_required
@staff
@never_cache
@require_POST
def indsats_opfoelgning(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.activity_for(request.user, pk, adgang.CHANGE)
    form = OpfoelgningForm(request.POST)
    if form.is_valid():
        try:
            services.opfoelgning_registrer(
                acting_user=request.user, indsats=obj, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Opfølgningen er registreret."))
            return _done(request, reverse("familieplan:indsats", args=[obj.pk]))
    return _activity_page(request, obj, form, status=400)


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def maal_opfoelgning(request: HttpRequest, pk: int) -> HttpResponse:
    maal = selectors.goal_for(request.user, pk)
    familie = maal.version.familie
    form = OpfoelgningForm(request.POST or None)
    if request.method == "POST":
        if not adgang.may_change_family(request.user, familie):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.maalopfoelgning_registrer(
                    acting_user=request.user, maal=maal, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Opfølgningen er registreret."))
                return _done(request, reverse("familieplan:maal_opfoelgning", args=[maal.pk]))
    else:
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=familie,
            objekt=maal,
        )
    return render(
        request,
        "familieplan/maal.html",
        {
            "maal": maal,
            "familie": familie,
            "form": form,
            "opfoelgninger": list(selectors.followups_of_goal(request.user, maal)),
            "kan_foelge_op": not maal.version.er_kladde
            and adgang.may_change_family(request.user, familie),
        },
        status=400 if form.is_bound else 200,
    )


# --- Sector-plan links --------------------------------------------------------------------------


def _sector_plan_form(request, planversion, data=None, **kwargs) -> SektorplanForm:
    return SektorplanForm(
        data,
        sektorer=adgang.sectors_for(request.user, planversion.familie, adgang.CHANGE),
        **kwargs,
    )


def _render_sector_plan_form(request, *, planversion, form, sektorplan=None, gemt=None, status=200):
    return _form_page(
        request,
        "familieplan/partials/sektorplan_form.html",
        {"form": form, "version": planversion, "sektorplan": sektorplan, "gemt": gemt},
        title=_("Ret sektorplan") if sektorplan else _("Tilføj sektorplan"),
        back_url=_version_url(planversion.pk),
        status=status,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def sektorplan_ny(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_draft(
        request,
        pk,
        make_form=_sector_plan_form,
        save=services.sektorplan_gem,
        done_message=_("Sektorplanen er tilføjet."),
        render_form=_render_sector_plan_form,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def sektorplan_ret(request: HttpRequest, pk: int) -> HttpResponse:
    sektorplan = selectors.sector_plan_for(request.user, pk, adgang.CHANGE)
    planversion = sektorplan.version
    _require_draft(planversion)
    _log_read(request, planversion.familie, sektorplan, sektorplan.sagsdel.sektor)
    initial = {
        "sektor": sektorplan.sagsdel.sektor,
        "type": sektorplan.type,
        "dato": sektorplan.dato,
        "ejer": sektorplan.ejer,
        "reference": sektorplan.reference,
        "revision": sektorplan.revision,
    }
    form = _sector_plan_form(request, planversion, request.POST or None, initial=initial)
    gemt = None
    if request.method == "POST" and form.is_valid():
        try:
            services.sektorplan_gem(
                acting_user=request.user,
                version=planversion,
                sektorplan=sektorplan,
                data=form.data_object(),
                revision=form.cleaned_data["revision"],
            )
        except services.KonfliktError as error:
            gemt = selectors.sector_plan_for(request.user, sektorplan.pk)
            form = _rebound(
                lambda data: _sector_plan_form(request, planversion, data),
                request.POST,
                gemt.revision,
                error,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sektorplanen er gemt."))
            return _done(request, _version_url(planversion.pk))
    return _render_sector_plan_form(
        request,
        planversion=planversion,
        form=form,
        sektorplan=sektorplan,
        gemt=gemt,
        status=409 if gemt else (400 if form.is_bound else 200),
    )


@login_required
@staff
@require_POST
def sektorplan_slet(request: HttpRequest, pk: int) -> HttpResponse:
    sektorplan = selectors.sector_plan_for(request.user, pk, adgang.CHANGE)
    _require_draft(sektorplan.version)
    try:
        services.sektorplan_slet(
            acting_user=request.user,
            sektorplan=sektorplan,
            revision=_int(request.POST.get("revision")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sektorplanen er slettet."))
    return redirect("familieplan:version", pk=sektorplan.version_id)


# --- The to-do of follow-ups ----------------------------------------------------------------------


@login_required
@staff
@never_cache
@require_GET
def opfoelgninger(request: HttpRequest) -> HttpResponse:
    """Follow-ups due within a week, and overdue, of activities the user may change."""
    today = timezone.localdate()
    rows = selectors.followups_due(request.user, today=today)
    page = Paginator(rows, TODO_PER_PAGE).get_page(request.GET.get("side"))
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=sorted({frist.sagsdel.familie_id for frist in page.object_list}),
    )
    nye = selectors.reminders_unseen(request.user).count()
    if nye:
        services.paamindelser_set(acting_user=request.user)
    return render(
        request,
        "familieplan/opfoelgninger.html",
        {
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number)),
            "today": today,
            "nye_paamindelser": nye,
        },
    )


# --- Project settings ---------------------------------------------------------------------------


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def indstillinger(request: HttpRequest) -> HttpResponse:
    projekt = adgang.active_project(request)
    current = PlanIndstilling.objects.filter(projekt=projekt).first()
    initial = {
        "ugebudget_voksen": current.ugebudget_voksen if current else PlanIndstilling.DEFAULT_VOKSEN,
        "ugebudget_barn": current.ugebudget_barn if current else PlanIndstilling.DEFAULT_BARN,
    }
    form = PlanIndstillingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.planindstilling_gem(
                acting_user=request.user, projekt=projekt, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Indstillingerne er gemt."))
            return redirect("familieplan:indstillinger")
    return render(
        request,
        "familieplan/indstillinger.html",
        {"form": form, "projekt": projekt},
        status=400 if form.is_bound else 200,
    )


# --- Stafetlog ----------------------------------------------------------------------------------


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_GET
def stafetlog(request: HttpRequest, pk: int) -> HttpResponse:
    visning = selectors.stafetlog_for(request.user, pk)
    return render(
        request,
        "familieplan/stafetlog.html",
        {
            "s": visning,
            "familie": visning.familie,
            "status_form": AftaleStatusForm(),
            "ser_familien": adgang.can(request.user, adgang.VIEW, visning.familie),
        },
    )


def _stafetlog_change(request: HttpRequest, pk: int):
    familie = selectors.family_for_plan(request.user, pk)
    if not adgang.may_change_family(request.user, familie):
        raise PermissionDenied
    return familie


def _stafetlog_url(familie_id: int) -> str:
    return reverse("familieplan:stafetlog", args=[familie_id])


def _actor_form(request, familie, data=None, **kwargs) -> AktoerForm:
    return AktoerForm(
        data,
        brugere=selectors.professionals_of(familie.projekt),
        voksne=selectors.adults_of(familie),
        **kwargs,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def aktoer_ny(request: HttpRequest, pk: int) -> HttpResponse:
    familie = _stafetlog_change(request, pk)
    form = _actor_form(request, familie, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.aktoer_gem(acting_user=request.user, familie=familie, data=form.data_object())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Aktøren er tilføjet."))
            return _done(request, _stafetlog_url(familie.pk))
    return _form_page(
        request,
        "familieplan/partials/aktoer_form.html",
        {"form": form, "familie": familie},
        title=_("Tilføj aktør"),
        back_url=_stafetlog_url(familie.pk),
        status=400 if form.is_bound else 200,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def aktoer_ret(request: HttpRequest, pk: int) -> HttpResponse:
    aktoer = selectors.actor_for(request.user, pk)
    familie = _stafetlog_change(request, aktoer.familie_id)
    if aktoer.ophoert:
        raise Http404
    _log_read(request, familie, aktoer)
    initial = {
        name: getattr(aktoer, name)
        for name in ("navn", "rolle", "organisation", "kontakt", "er_stafetholder", "maa_laese")
    }
    initial |= {
        "bruger": aktoer.bruger_id,
        "laeseadgang_besluttet_af": aktoer.laeseadgang_besluttet_af_id,
    }
    form = _actor_form(request, familie, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.aktoer_gem(
                acting_user=request.user, familie=familie, aktoer=aktoer, data=form.data_object()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Aktøren er gemt."))
            return _done(request, _stafetlog_url(familie.pk))
    return _form_page(
        request,
        "familieplan/partials/aktoer_form.html",
        {"form": form, "familie": familie, "aktoer": aktoer},
        title=_("Ret aktør"),
        back_url=_stafetlog_url(familie.pk),
        status=400 if form.is_bound else 200,
    )


@login_required
@staff
@require_POST
def aktoer_ophoer(request: HttpRequest, pk: int) -> HttpResponse:
    aktoer = selectors.actor_for(request.user, pk)
    _stafetlog_change(request, aktoer.familie_id)
    services.aktoer_ophoer(acting_user=request.user, aktoer=aktoer)
    messages.success(request, _("Aktøren er fjernet fra stafetloggen."))
    return redirect("familieplan:stafetlog", pk=aktoer.familie_id)


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def moede_ny(request: HttpRequest, pk: int) -> HttpResponse:
    familie = _stafetlog_change(request, pk)
    form = MoedeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moede_gem(acting_user=request.user, familie=familie, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Mødet er registreret."))
            return _done(request, _stafetlog_url(familie.pk))
    return _form_page(
        request,
        "familieplan/partials/moede_form.html",
        {"form": form, "familie": familie},
        title=_("Nyt stafetlogmøde"),
        back_url=_stafetlog_url(familie.pk),
        status=400 if form.is_bound else 200,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def aftale_ny(request: HttpRequest, pk: int) -> HttpResponse:
    familie = _stafetlog_change(request, pk)
    form = AftaleForm(request.POST or None, moeder=selectors.meetings_of(familie))
    if request.method == "POST" and form.is_valid():
        try:
            services.aftale_opret(acting_user=request.user, familie=familie, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Aftalen er registreret."))
            return _done(request, _stafetlog_url(familie.pk))
    return _form_page(
        request,
        "familieplan/partials/aftale_form.html",
        {"form": form, "familie": familie},
        title=_("Ny aftale"),
        back_url=_stafetlog_url(familie.pk),
        status=400 if form.is_bound else 200,
    )


@login_required
@staff
@require_POST
def aftale_status(request: HttpRequest, pk: int) -> HttpResponse:
    aftale = selectors.agreement_for(request.user, pk)
    _stafetlog_change(request, aftale.familie_id)
    form = AftaleStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vælg en gyldig status for aftalen."))
    else:
        try:
            services.aftale_status_saet(
                acting_user=request.user, aftale=aftale, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Aftalens status er ændret."))
    return redirect("familieplan:stafetlog", pk=aftale.familie_id)


@login_required
@adgang.require_role(Rolle.FAGPERSON)
@never_cache
@require_GET
def mine_stafetlogs(request: HttpRequest) -> HttpResponse:
    """A professional's families: those whose stafetlog the parents let them read."""
    familier = list(selectors.stafetlog_families_for(request.user).order_by("betegnelse", "pk"))
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=[f.pk for f in familier],
    )
    return render(request, "familieplan/mine_stafetlogs.html", {"familier": familier})


# --- The family portal ----------------------------------------------------------------------------


@login_required
@adgang.require_role(Rolle.BORGER)
@never_cache
@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The citizen's entry: their family's portal, or a choice when they belong to two."""
    familier = selectors.portal_families(request.user)
    if len(familier) == 1:
        return _portal_page(request, familier[0].pk, flere_familier=False)
    return render(request, "familieplan/portal.html", {"familier": familier})


@login_required
@adgang.require_role(Rolle.BORGER)
@never_cache
@require_GET
def portal_familie(request: HttpRequest, pk: int) -> HttpResponse:
    return _portal_page(
        request, pk, flere_familier=len(selectors.portal_families(request.user)) > 1
    )


def _portal_page(request: HttpRequest, pk: int, *, flere_familier: bool) -> HttpResponse:
    visning = selectors.portal_view(request.user, pk)
    return render(
        request,
        "familieplan/portal_familie.html",
        {
            "p": visning,
            "familie": visning.familie,
            "flere_familier": flere_familier,
            "dokument": selectors.version_document(request.user, visning.version, kopi="familie"),
        },
    )


# --- PDF ----------------------------------------------------------------------------------------


def _ordered(request: HttpRequest, dokument, back_url: str) -> HttpResponse:
    if request.htmx:
        return render(request, "kerne/dokument_status.html", {"dokument": dokument})
    messages.info(request, _("PDF'en dannes nu. Den kan hentes her på siden, når den er klar."))
    return redirect(back_url)


@login_required
@staff
@require_POST
def version_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Order the staff PDF of an agreed version (the sectors the user sees)."""
    planversion = selectors.version_for(request.user, pk)
    try:
        dokument = services.plan_pdf_bestil(
            acting_user=request.user, version=planversion, familiens_kopi=False
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("familieplan:version", pk=planversion.pk)
    return _ordered(request, dokument, _version_url(planversion.pk))


@login_required
@adgang.require_role(Rolle.BORGER)
@require_POST
def portal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Order the family's copy of the latest agreed plan, from the portal."""
    familie = selectors.portal_family(request.user, pk)
    planversion = services.latest_agreed(familie)
    if planversion is None:
        raise Http404
    dokument = services.plan_pdf_bestil(
        acting_user=request.user, version=planversion, familiens_kopi=True
    )
    return _ordered(request, dokument, reverse("familieplan:portal_familie", args=[familie.pk]))


# --- Meeting minutes in the portal ------------------------------------------------------------


@login_required
@adgang.require_role(Rolle.BORGER)
@never_cache
@require_GET
def portal_moede(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting's minutes for the family, with the confirmation of its agreements."""
    visning = selectors.portal_meeting(request.user, pk)
    return render(
        request,
        "familieplan/portal_moede.html",
        {
            "m": visning,
            "familie": visning.familie,
            "kan_bekraefte": services.representatives_of(visning.familie)
            .filter(bruger=request.user)
            .exists(),
            "dokument": selectors.meeting_document(visning.moede),
        },
    )


@login_required
@adgang.require_role(Rolle.BORGER)
@require_POST
def portal_moede_bekraeft(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's representative confirms the agreements of a meeting (who and when kept)."""
    visning = selectors.portal_meeting(request.user, pk)
    person = services.representatives_of(visning.familie).filter(bruger=request.user).first()
    if person is None:
        raise PermissionDenied
    try:
        services.moede_bekraeft(acting_user=request.user, moede=visning.moede, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tak. Du har bekræftet aftalerne fra mødet."))
    return redirect("familieplan:portal_moede", pk=pk)


@login_required
@adgang.require_role(Rolle.BORGER)
@require_POST
def portal_moede_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    visning = selectors.portal_meeting(request.user, pk)
    dokument = services.referat_pdf_bestil(acting_user=request.user, moede=visning.moede)
    return _ordered(request, dokument, reverse("familieplan:portal_moede", args=[pk]))
