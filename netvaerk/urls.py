"""URLs of the netvaerk app: partners and offers, a family's network and meetings, the screen."""

from django.urls import path

from netvaerk import views

app_name = "netvaerk"
urlpatterns = [
    path("", views.partnere, name="partnere"),
    path("partner/ny/", views.partner_ny, name="partner_ny"),
    path("partner/<int:pk>/", views.partner, name="partner"),
    path("partner/<int:pk>/ret/", views.partner_ret, name="partner_ret"),
    path("partner/<int:pk>/tilbud/ny/", views.tilbud_ny, name="tilbud_ny"),
    path("tilbud/<int:pk>/ret/", views.tilbud_ret, name="tilbud_ret"),
    path("partner/<int:pk>/aftale/ny/", views.samarbejdsaftale_ny, name="samarbejdsaftale_ny"),
    path("partner/<int:pk>/mentor/ny/", views.mentor_ny, name="mentor_ny"),
    path("statistik/", views.statistik_side, name="statistik"),
    path("mine-moeder/", views.mine_moeder, name="mine_moeder"),
    path("familie/<int:pk>/", views.familie, name="familie"),
    path("familie/<int:pk>/moede/ny/", views.moede_ny, name="moede_ny"),
    path("familie/<int:pk>/fritid/ny/", views.fritid_ny, name="fritid_ny"),
    path("familie/<int:pk>/mentor/", views.mentor_tilknyt, name="mentor_tilknyt"),
    path("fritid/<int:pk>/afslut/", views.fritid_afslut, name="fritid_afslut"),
    path("fritid/<int:pk>/kontingent/", views.kontingent, name="kontingent"),
    path("indsats/<int:pk>/partner/", views.indsats_partner, name="indsats_partner"),
    path("moede/<int:pk>/", views.moede, name="moede"),
    path("moede/<int:pk>/ret/", views.moede_ret, name="moede_ret"),
    path("moede/<int:pk>/deltagere/", views.moede_deltagere, name="moede_deltagere"),
    path("moede/<int:pk>/beslutning/", views.beslutning_ny, name="beslutning_ny"),
    path("moede/<int:pk>/naeste/", views.naeste_moede, name="naeste_moede"),
    path("moede/<int:pk>/bekraeft/", views.moede_bekraeft, name="moede_bekraeft"),
    path("moede/<int:pk>/pdf/", views.moede_pdf, name="moede_pdf"),
    path("moede/<int:pk>/skaerm/", views.moedetilstand, name="moedetilstand"),
    path(
        "moede/<int:pk>/skaerm/indhold/",
        views.moedetilstand_indhold,
        name="moedetilstand_indhold",
    ),
    path("moede/<int:pk>/skaerm/aftale/", views.moedetilstand_aftale, name="moedetilstand_aftale"),
]
