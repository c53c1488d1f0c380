"""Kernel pages: the start dispatcher, health, project switch, locked accounts, error pages."""

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kerne import adgang, health, services
from kerne.models import Rolle
from kerne.navigation import START_PAGE


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Send each user to the start page of their highest-priority role."""
    roles = adgang.active_roles(request)
    if not roles:
        return render(request, "kerne/ingen_rolle.html", status=403)
    return redirect(START_PAGE[roles[0]])


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.check()
    healthy = report["database"] == "ok" and report["broker"] != "down"
    return JsonResponse(report, status=200 if healthy else 503)


@login_required
@require_POST
def project_switch(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("projekt", "")
    projekt = next((p for p in adgang.projects_for(request.user) if str(p.pk) == wanted), None)
    if projekt is None:
        messages.error(request, _("Du har ingen rolle i det valgte projekt."))
    else:
        request.session[adgang.ACTIVE_PROJECT_SESSION_KEY] = projekt.pk
    return redirect("start")


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
def locked_accounts(request: HttpRequest) -> HttpResponse:
    lockouts = services.lockouts_for_project(projekt=adgang.active_project(request))
    return render(request, "kerne/laaste_konti.html", {"lockouts": lockouts})


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@require_POST
def unlock_account(request: HttpRequest) -> HttpResponse:
    attempt_id = request.POST.get("attempt", "")
    if not attempt_id.isdigit():
        messages.error(request, _("Vælg en låst konto."))
        return redirect("kerne:laaste_konti")
    try:
        username = services.account_unlock(
            acting_user=request.user,
            projekt=adgang.active_project(request),
            attempt_id=int(attempt_id),
        )
    except AccessAttempt.DoesNotExist:
        messages.error(request, _("Kontoen er ikke længere låst."))
    else:
        messages.success(request, _("Kontoen %(username)s er låst op.") % {"username": username})
    return redirect("kerne:laaste_konti")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be in the database they read.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
