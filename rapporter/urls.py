"""URLs of the reports app: start pages by role, dashboard, reports, exports, national view."""

from django.urls import path

from rapporter import views

app_name = "rapporter"
urlpatterns = [
    path("start/projektleder/", views.start_projektleder, name="start_projektleder"),
    path("start/projektleder/oekonomi/", views.oekonomi, name="oekonomi"),
    path("start/koordinator/", views.start_koordinator, name="start_koordinator"),
    path("start/afdeling/", views.start_afdeling, name="start_afdeling"),
    path("start/administration/", views.start_administration, name="start_administration"),
    path("start/fagperson/", views.start_fagperson, name="start_fagperson"),
    path("start/evaluering/", views.start_evaluator, name="start_evaluator"),
    path("maanedsrapporter/", views.rapporter, name="rapporter"),
    path("maanedsrapporter/bestil/", views.rapport_bestil, name="rapport_bestil"),
    path("maanedsrapporter/<int:pk>/", views.rapport, name="rapport"),
    path("maanedsrapporter/<int:pk>/data.csv", views.rapport_csv, name="rapport_csv"),
    path("maanedsrapporter/<int:pk>/data.xlsx", views.rapport_xlsx, name="rapport_xlsx"),
    path("udtraek/bestil/", views.udtraek_bestil, name="udtraek_bestil"),
    path("udtraek/", views.udtraek_liste, name="udtraek_liste"),
    path("udtraek/<int:pk>/hent/", views.udtraek_hent, name="udtraek_hent"),
    path("landsoverblik/", views.landsoverblik, name="landsoverblik"),
]
