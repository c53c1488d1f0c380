"""URLs of the investering app."""

from django.urls import path

from investering import views

app_name = "investering"
urlpatterns = [
    path("prisliste/", views.prisliste, name="prisliste"),
    path("prisliste/ny/", views.omkostningstype_ny, name="omkostningstype_ny"),
    path(
        "prisliste/<int:pk>/rediger/",
        views.omkostningstype_rediger,
        name="omkostningstype_rediger",
    ),
    path("prisliste/<int:pk>/pris/ny/", views.pris_ny, name="pris_ny"),
    path("priser/<int:pk>/ret/", views.pris_ret, name="pris_ret"),
    path("familier/<int:pk>/", views.familie_oekonomi, name="familie_oekonomi"),
    path("familier/<int:pk>/grundlag/", views.familie_grundlag, name="familie_grundlag"),
    path("familier/<int:pk>/linjer/ny/", views.linje_ny, name="linje_ny"),
    path("linjer/<int:pk>/rediger/", views.linje_rediger, name="linje_rediger"),
    path("linjer/<int:pk>/slet/", views.linje_slet, name="linje_slet"),
    path("business-case/", views.business_case, name="business_case"),
    path("business-case/rente/", views.rente_gem, name="rente_gem"),
    path("business-case/grundlag/", views.grundlag, name="grundlag"),
    path("investeringer/", views.investeringer, name="investeringer"),
    path("investeringer/ny/", views.investering_ny, name="investering_ny"),
    path("investeringer/<int:pk>/rediger/", views.investering_rediger, name="investering_rediger"),
    path("investeringer/<int:pk>/slet/", views.investering_slet, name="investering_slet"),
    path("import/", views.importer, name="importer"),
]
