"""The app's URLs plus the load benchmark's baseline: a minimal signed-in page.

It runs the same middleware (session saved on every request, CSP, axes), the base layout with
its navigation and context processors, and nothing of any domain app: what every page pays
before its own work. The key pages' figures are read against it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

PAGE = engines["django"].from_string(
    "{% extends 'base.html' %}{% block title %}Baseline{% endblock title %}"
    "{% block content %}<h1>Baseline</h1><p>{{ user.get_username }}</p>{% endblock content %}"
)


@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.render({}, request))


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *app_urlpatterns]
