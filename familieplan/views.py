"""Family plan pages; for now the family portal's entry."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kerne.adgang import require_role
from kerne.models import Rolle


@login_required
@require_role(Rolle.BORGER)
def portal(request: HttpRequest) -> HttpResponse:
    return render(request, "familieplan/portal.html")
