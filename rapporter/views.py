"""Start pages by role. The dashboards fill these in; each route is already guarded by role."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kerne.adgang import require_role
from kerne.models import Rolle


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
start_koordinator = _start_page(
    _("Mine familier"),
    _("Her ser du dine familier og dine opgaver: manglende registreringer og opfølgninger."),
    Rolle.KOORDINATOR,
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
