"""URLs of the visitation app."""

from django.urls import path

from visitation import views

app_name = "visitation"
urlpatterns = [
    path("", views.oversigt, name="oversigt"),
    path("indstillinger/", views.indstilling_liste, name="indstilling_liste"),
    path("indstillinger/ny/", views.indstilling_ny, name="indstilling_ny"),
    path("indstillinger/<int:pk>/", views.indstilling_detalje, name="indstilling_detalje"),
    path("indstillinger/<int:pk>/rediger/", views.indstilling_rediger, name="indstilling_rediger"),
    path("moeder/", views.moede_liste, name="moede_liste"),
    path("moeder/ny/", views.moede_ny, name="moede_ny"),
    path("moeder/<int:pk>/", views.moede_detalje, name="moede_detalje"),
    path("moeder/<int:pk>/tilfoej/", views.moede_tilfoej, name="moede_tilfoej"),
    path("moeder/<int:pk>/afslut/", views.moede_afslut, name="moede_afslut"),
    path("moeder/<int:pk>/referat/", views.referat, name="referat"),
    path("moeder/<int:pk>/referat/pdf/", views.referat_pdf, name="referat_pdf"),
    path("punkter/<int:pk>/flyt/", views.punkt_flyt, name="punkt_flyt"),
    path("punkter/<int:pk>/fjern/", views.punkt_fjern, name="punkt_fjern"),
    path("punkter/<int:pk>/beslut/", views.punkt_beslut, name="punkt_beslut"),
    path("kapacitet/", views.kapacitet, name="kapacitet"),
    path("frister/", views.frister, name="frister"),
    path("familier/<int:pk>/", views.forloeb, name="forloeb"),
    path("familier/<int:pk>/tildel/", views.tildel, name="tildel"),
    path("familier/<int:pk>/optag/", views.venteliste_optag, name="venteliste_optag"),
    path("familier/<int:pk>/udredning/", views.udredning, name="udredning"),
    path("familier/<int:pk>/udslus/", views.udslus, name="udslus"),
]
