"""URLs of the shared kernel."""

from django.urls import path

from kerne import views

app_name = "kerne"
urlpatterns = [
    path("projekt/vaelg/", views.project_switch, name="projekt_vaelg"),
    path("konti/laaste/", views.locked_accounts, name="laaste_konti"),
    path("konti/laaste/laas-op/", views.unlock_account, name="laas_op"),
]
