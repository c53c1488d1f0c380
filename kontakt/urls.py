"""URLs of the kontakt app: the family's thread, the inbox, attachments, absences."""

from django.urls import path

from kontakt import views

app_name = "kontakt"
urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("portal/<int:pk>/", views.portal_traad, name="portal_traad"),
    path("familie/<int:pk>/", views.traad, name="traad"),
    path("indbakke/", views.indbakke, name="indbakke"),
    path("besked/<int:pk>/opfoelgning/", views.besked_opfoelgning, name="besked_opfoelgning"),
    path("besked/<int:pk>/aftale/", views.besked_aftale, name="besked_aftale"),
    path("vedhaeftning/<int:pk>/", views.vedhaeftning, name="vedhaeftning"),
    path("fravaer/", views.fravaer, name="fravaer"),
    path("fravaer/<int:pk>/afslut/", views.fravaer_afslut, name="fravaer_afslut"),
    path("notifikationer/", views.notifikationer_side, name="notifikationer"),
    path("kontaktinfo/", views.kontaktinfo, name="kontaktinfo"),
]
