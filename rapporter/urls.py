"""URLs of the reports app: start pages by role."""

from django.urls import path

from rapporter import views

app_name = "rapporter"
urlpatterns = [
    path("start/projektleder/", views.start_projektleder, name="start_projektleder"),
    path("start/koordinator/", views.start_koordinator, name="start_koordinator"),
    path("start/afdeling/", views.start_afdeling, name="start_afdeling"),
    path("start/administration/", views.start_administration, name="start_administration"),
    path("start/fagperson/", views.start_fagperson, name="start_fagperson"),
    path("start/evaluering/", views.start_evaluator, name="start_evaluator"),
]
