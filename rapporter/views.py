"""Start pages by role. The dashboards fill these in; each route is guarded by role."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kerne import adgang, audit, selectors
from kerne.adgang import require_role
from kerne.models import Familie, Rolle


def _start_page(title: str, intro: str, *roller: str):
    @login_required
    @require_role(*roller)
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "rapporter/start.html", {"title": title, "intro": intro})

    return view


start_projektleder = _start_page(
    _("Projektets overblik"),
    _("Her samles aktive familier, kapacitet, registreringer, økonomi, risici og milepæle."),
    Rolle.PROJEKTLEDER,
)


@login_required
@require_role(Rolle.KOORDINATOR)
def start_koordinator(request: HttpRequest) -> HttpResponse:
    """The case manager's families; the to-dos join them as the dashboards are built."""
    familier = selectors.family_list(
        request.user, projekt=adgang.active_project(request), koordinator_id=request.user.pk
    ).exclude(status=Familie.Status.AFSLUTTET)
    page = Paginator(familier, 25).get_page(request.GET.get("side"))
    audit.log_reads(
        user=request.user,
        familie_ids=[familie.pk for familie in page.object_list],
        formaal=audit.Formaal.SAGSBEHANDLING,
    )
    return render(
        request,
        "rapporter/start_koordinator.html",
        {
            "title": _("Mine familier"),
            "familier": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number)),
        },
    )


start_afdeling = _start_page(
    _("Min afdeling"),
    _("Her ser du afdelingens indstillinger og de familier, afdelingen har sager på."),
    Rolle.SAGSBEHANDLER,
    Rolle.AFDELINGSLEDER,
)
start_administration = _start_page(
    _("Administration"),
    _("Her arbejder du med datakvalitet, omkostningsdata, investeringsmodel og logning."),
    Rolle.ADMINISTRATIV,
    Rolle.DATABESKYTTELSE,
)
start_fagperson = _start_page(
    _("Mine familier"),
    _("Her ser du stafetloggen for de familier, du er nævnt i."),
    Rolle.FAGPERSON,
)
start_evaluator = _start_page(
    _("Evaluering"),
    _("Her finder du de pseudonymiserede månedlige udtræk og statusrapporter."),
    Rolle.EVALUATOR,
)
