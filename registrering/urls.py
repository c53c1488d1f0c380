"""URLs of the registrering app."""

from django.urls import path

from registrering import views

app_name = "registrering"
MONTH = "familier/<int:pk>/<int:aar>/<int:md>/"
urlpatterns = [
    path("", views.oversigt, name="oversigt"),
    path("opgaver/", views.opgaver, name="opgaver"),
    path("familier/<int:pk>/", views.familie, name="familie"),
    path(MONTH, views.familie_maaned, name="familie_maaned"),
    path(f"{MONTH}felt/", views.felt, name="felt"),
    path(f"{MONTH}genaabn/", views.genaabn, name="genaabn"),
    path(
        "familier/<int:pk>/spoergeskema/<slug:skematype>/ny/",
        views.spoergeskema_ny,
        name="spoergeskema_ny",
    ),
    path("spoergeskemaer/<int:pk>/", views.spoergeskema, name="spoergeskema"),
    path("projekt/", views.risici_milepaele, name="risici_milepaele"),
    path("projekt/risici/ny/", views.risiko_rediger, name="risiko_ny"),
    path("projekt/risici/<int:pk>/", views.risiko_rediger, name="risiko_rediger"),
    path("projekt/milepaele/ny/", views.milepael_rediger, name="milepael_ny"),
    path("projekt/milepaele/<int:pk>/", views.milepael_rediger, name="milepael_rediger"),
    path("indlaesning/", views.indlaesning_ny, name="indlaesning_ny"),
    path("indlaesning/<int:pk>/", views.indlaesning_vis, name="indlaesning_vis"),
    path("min-udvikling/", views.min_udvikling, name="min_udvikling"),
]
