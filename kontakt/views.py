"""Pages of the secure messages: the family's thread in the portal, the case manager's thread,
inbox and conversions, attachments, absences, notifications and one's own contact details.

Thin: parse, call a selector or a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from familieplan import selectors as plan_selectors
from kerne import adgang, audit, kontaktperson, notifikationer
from kerne.forms import add_service_errors
from kerne.models import Rolle
from kerne.views import STAFF_ROLES
from kontakt import selectors, services
from kontakt.forms import (
    AftaleFraBeskedForm,
    BeskedForm,
    FravaerForm,
    KontaktinfoForm,
    NotifikationsvalgForm,
    OpfoelgningFraBeskedForm,
)

MESSAGES_PER_PAGE = 30
INBOX_PER_PAGE = 25
NOTIFICATIONS_PER_PAGE = 25
STAFF = tuple(r for r in STAFF_ROLES if r != Rolle.FAGPERSON)
# Who answers: the case manager, or a project leader standing in as substitute.
ANSWERING = (Rolle.KOORDINATOR, Rolle.PROJEKTLEDER)

staff = adgang.require_role(*STAFF)
citizen = adgang.require_role(Rolle.BORGER)


def _messages_page(request: HttpRequest, familie):
    rows = selectors.messages_of(familie)
    paginator = Paginator(rows, MESSAGES_PER_PAGE)
    # Newest page first, like any conversation; older pages through the pagination.
    page = paginator.get_page(request.GET.get("side") or paginator.num_pages)
    return page, list(paginator.get_elided_page_range(page.number))


def _send(request: HttpRequest, familie, form: BeskedForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.besked_send(
            acting_user=request.user,
            familie=familie,
            tekst=form.cleaned_data["tekst"],
            filer=form.cleaned_data["vedhaeftninger"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, _("Beskeden er sendt."))
    return True


# --- The family (portal) ------------------------------------------------------------------------


@login_required
@citizen
@never_cache
@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The citizen's entry: their family's thread, or a choice when they belong to two."""
    familier = plan_selectors.portal_families(request.user)
    if len(familier) == 1:
        return redirect("kontakt:portal_traad", pk=familier[0].pk)
    return render(request, "kontakt/portal.html", {"familier": familier})


@login_required
@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def portal_traad(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.portal_family(request.user, pk)
    form = BeskedForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if _send(request, familie, form):
            return redirect("kontakt:portal_traad", pk=familie.pk)
        status = 400
    else:
        services.traad_laest(acting_user=request.user, familie=familie)
    selectors.log_thread_read(request.user, familie, portal=True)
    page, page_range = _messages_page(request, familie)
    return render(
        request,
        "kontakt/portal_traad.html",
        {
            "familie": familie,
            "page_obj": page,
            "page_range": page_range,
            "form": form,
            "kp": kontaktperson.kontaktperson_for(familie),
            "fra_familien_side": True,
        },
        status=status,
    )


# --- Staff --------------------------------------------------------------------------------------


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def traad(request: HttpRequest, pk: int) -> HttpResponse:
    """A family's thread for staff; the contact person (or substitute) answers here."""
    familie = selectors.staff_family(request.user, pk)
    may_answer = services.may_answer(request.user, familie)
    form = BeskedForm(request.POST or None, request.FILES or None) if may_answer else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if _send(request, familie, form):
            return redirect("kontakt:traad", pk=familie.pk)
        status = 400
    else:
        services.traad_laest(acting_user=request.user, familie=familie)
    selectors.log_thread_read(request.user, familie, portal=False)
    page, page_range = _messages_page(request, familie)
    return render(
        request,
        "kontakt/traad.html",
        {
            "familie": familie,
            "page_obj": page,
            "page_range": page_range,
            "form": form,
            "may_answer": may_answer,
            "kp": kontaktperson.kontaktperson_for(familie),
            "fra_familien_side": False,
        },
        status=status,
    )


@login_required
@adgang.require_role(*ANSWERING)
@never_cache
@require_GET
def indbakke(request: HttpRequest) -> HttpResponse:
    """Threads waiting for an answer in the user's families, the longest wait first."""
    page = Paginator(selectors.inbox(request.user), INBOX_PER_PAGE).get_page(
        request.GET.get("side")
    )
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=[t.familie_id for t in page.object_list],
    )
    return render(
        request,
        "kontakt/indbakke.html",
        {
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number)),
            "now": timezone.now(),
        },
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def besked_opfoelgning(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a message into a follow-up of one of the family's activities."""
    besked = selectors.message_for(request.user, pk)
    indsatser = selectors.activities_for_followup(request.user, besked.familie)
    form = OpfoelgningFraBeskedForm(request.POST or None, indsatser=indsatser)
    if request.method == "POST" and form.is_valid():
        try:
            services.besked_til_opfoelgning(
                acting_user=request.user,
                besked=besked,
                indsats=form.cleaned_data["indsats"],
                vurdering=form.cleaned_data["vurdering"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Beskeden er registreret som en opfølgning."))
            return redirect("kontakt:traad", pk=besked.familie_id)
    return render(
        request,
        "kontakt/besked_handling.html",
        {
            "besked": besked,
            "form": form,
            "title": _("Gør beskeden til en opfølgning"),
            "action": reverse("kontakt:besked_opfoelgning", args=[besked.pk]),
            "ingen_indsatser": not indsatser.exists(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def besked_aftale(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a message into an agreement of the family's stafetlog."""
    besked = selectors.message_for(request.user, pk)
    form = AftaleFraBeskedForm(request.POST or None, initial={"hvad": besked.tekst[:500]})
    if request.method == "POST" and form.is_valid():
        try:
            services.besked_til_aftale(acting_user=request.user, besked=besked, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Beskeden er gjort til en aftale i stafetloggen."))
            return redirect("kontakt:traad", pk=besked.familie_id)
    return render(
        request,
        "kontakt/besked_handling.html",
        {
            "besked": besked,
            "form": form,
            "title": _("Gør beskeden til en aftale i stafetloggen"),
            "action": reverse("kontakt:besked_aftale", args=[besked.pk]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_GET
def vedhaeftning(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, for the family or staff who may read the thread; else 404."""
    fil = selectors.attachment_for(request.user, pk)
    audit.log(
        user=request.user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=fil.familie,
        objekt=fil,
    )
    response = FileResponse(
        fil.fil.open("rb"), content_type=fil.mimetype, as_attachment=True, filename=fil.filnavn
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Absences (project leader) ------------------------------------------------------------------


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def fravaer(request: HttpRequest) -> HttpResponse:
    projekt = adgang.active_project(request)
    form = FravaerForm(request.POST or None, projekt=projekt)
    if request.method == "POST" and form.is_valid():
        try:
            services.fravaer_registrer(
                acting_user=request.user, projekt=projekt, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Fraværet er registreret."))
            return redirect("kontakt:fravaer")
    page = Paginator(selectors.absences(projekt), INBOX_PER_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "kontakt/fravaer.html",
        {
            "form": form,
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number)),
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def fravaer_afslut(request: HttpRequest, pk: int) -> HttpResponse:
    """End an absence now, after a confirmation."""
    projekt = adgang.active_project(request)
    fravaer_obj = selectors.absence_for(projekt, pk)
    if request.method == "POST":
        services.fravaer_afslut(acting_user=request.user, fravaer=fravaer_obj)
        messages.success(request, _("Fraværet er afsluttet."))
        return redirect("kontakt:fravaer")
    return render(request, "kontakt/fravaer_afslut.html", {"fravaer": fravaer_obj})


# --- Everyone: notifications and one's own details -------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def notifikationer_side(request: HttpRequest) -> HttpResponse:
    """The user's own notifications (marked seen when shown) and how copies are sent."""
    valg = selectors.notification_choice_of(request.user)
    initial = (
        {"email": valg.email, "sms": valg.sms, "mobil": valg.mobil}
        if valg
        else {"email": True, "sms": False, "mobil": ""}
    )
    form = NotifikationsvalgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notifikationsvalg_gem(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Dine valg er gemt."))
            return redirect("kontakt:notifikationer")
    rows = selectors.notifications_of(request.user)
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("side"))
    items = [
        {"n": n, "tekst": notifikationer.tekst(n.art), "ny": n.set is None}
        for n in page.object_list
    ]
    if request.method == "GET":
        notifikationer.mark_seen(acting_user=request.user)
    return render(
        request,
        "kontakt/notifikationer.html",
        {
            "form": form,
            "items": items,
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number)),
            "er_medarbejder": selectors.staff_profile_of(request.user) is not None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def kontaktinfo(request: HttpRequest) -> HttpResponse:
    """A staff member's own phone and hours, as the families see them."""
    medarbejder = selectors.staff_profile_of(request.user)
    if medarbejder is None:
        raise PermissionDenied
    form = KontaktinfoForm(
        request.POST or None,
        initial={"telefon": medarbejder.telefon, "traeffetid": medarbejder.traeffetid},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.kontaktinfo_gem(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Dine kontaktoplysninger er gemt."))
            return redirect("kontakt:kontaktinfo")
    return render(request, "kontakt/kontaktinfo.html", {"form": form, "email": request.user.email})
