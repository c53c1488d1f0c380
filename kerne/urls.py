"""URLs of the shared kernel."""

from django.urls import path

from kerne import views

app_name = "kerne"
urlpatterns = [
    path("dokumenter/<int:pk>/", views.dokument_status, name="dokument_status"),
    path("dokumenter/<int:pk>/hent/", views.dokument_hent, name="dokument_hent"),
    path("projekt/vaelg/", views.project_switch, name="projekt_vaelg"),
    path("konti/laaste/", views.locked_accounts, name="laaste_konti"),
    path("konti/laaste/laas-op/", views.unlock_account, name="laas_op"),
    path("konti/", views.konti, name="konti"),
    path("konti/<int:bruger_id>/totp/nulstil/", views.totp_nulstil, name="totp_nulstil"),
    path(
        "konti/<int:bruger_id>/api-noegle/tilbagekald/",
        views.api_noegle_tilbagekald,
        name="api_noegle_tilbagekald",
    ),
    path("familier/", views.familie_liste, name="familie_liste"),
    path("familier/<int:pk>/", views.familie_detalje, name="familie_detalje"),
    path("familier/<int:pk>/samtykke/ny/", views.samtykke_ny, name="samtykke_ny"),
    path(
        "samtykker/<int:pk>/tilbagekald/",
        views.samtykke_tilbagekald,
        name="samtykke_tilbagekald",
    ),
    path("personer/dubletter/", views.person_dubletter, name="person_dubletter"),
    path("personer/flet/<int:behold>/<int:dublet>/", views.person_flet, name="person_flet"),
    path("personer/<int:pk>/", views.person_detalje, name="person_detalje"),
    path("personer/<int:pk>/cpr/", views.person_cpr, name="person_cpr"),
    path("personer/<int:pk>/indsigt/", views.person_indsigt, name="person_indsigt"),
    path("adgangslog/", views.adgangslog, name="adgangslog"),
    path("adgangslog/csv/", views.adgangslog_csv, name="adgangslog_csv"),
]
