"""URLs of the family plan app: plans and versions, follow-ups, stafetlog, the family portal."""

from django.urls import path

from familieplan import views

app_name = "familieplan"
urlpatterns = [
    path("", views.planer, name="planer"),
    path("familie/<int:pk>/", views.plan, name="plan"),
    path("familie/<int:pk>/opret/", views.plan_opret, name="plan_opret"),
    path("familie/<int:pk>/ny-kladde/", views.kladde_opret, name="kladde_opret"),
    path("version/<int:pk>/", views.version, name="version"),
    path("version/<int:pk>/aftal/", views.version_aftal, name="version_aftal"),
    path("version/<int:pk>/forskel/<int:andet>/", views.version_forskel, name="version_forskel"),
    path("version/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("version/<int:pk>/maal/ny/", views.maal_ny, name="maal_ny"),
    path("version/<int:pk>/indsats/ny/", views.indsats_ny, name="indsats_ny"),
    path("version/<int:pk>/kollisioner/", views.kollisioner, name="kollisioner"),
    path("version/<int:pk>/sektorplan/ny/", views.sektorplan_ny, name="sektorplan_ny"),
    path("maal/<int:pk>/", views.maal_opfoelgning, name="maal_opfoelgning"),
    path("maal/<int:pk>/ret/", views.maal_ret, name="maal_ret"),
    path("maal/<int:pk>/slet/", views.maal_slet, name="maal_slet"),
    path("indsats/<int:pk>/", views.indsats, name="indsats"),
    path("indsats/<int:pk>/ret/", views.indsats_ret, name="indsats_ret"),
    path("indsats/<int:pk>/slet/", views.indsats_slet, name="indsats_slet"),
    path("indsats/<int:pk>/opfoelgning/", views.indsats_opfoelgning, name="indsats_opfoelgning"),
    path("sektorplan/<int:pk>/ret/", views.sektorplan_ret, name="sektorplan_ret"),
    path("sektorplan/<int:pk>/slet/", views.sektorplan_slet, name="sektorplan_slet"),
    path("opfoelgninger/", views.opfoelgninger, name="opfoelgninger"),
    path("indstillinger/", views.indstillinger, name="indstillinger"),
    path("familie/<int:pk>/stafetlog/", views.stafetlog, name="stafetlog"),
    path("familie/<int:pk>/stafetlog/aktoer/ny/", views.aktoer_ny, name="aktoer_ny"),
    path("familie/<int:pk>/stafetlog/moede/ny/", views.moede_ny, name="moede_ny"),
    path("familie/<int:pk>/stafetlog/aftale/ny/", views.aftale_ny, name="aftale_ny"),
    path("aktoer/<int:pk>/ret/", views.aktoer_ret, name="aktoer_ret"),
    path("aktoer/<int:pk>/ophoer/", views.aktoer_ophoer, name="aktoer_ophoer"),
    path("aftale/<int:pk>/status/", views.aftale_status, name="aftale_status"),
    path("stafetlogs/", views.mine_stafetlogs, name="mine_stafetlogs"),
    path("portal/", views.portal, name="portal"),
    path("portal/<int:pk>/", views.portal_familie, name="portal_familie"),
    path("portal/<int:pk>/pdf/", views.portal_pdf, name="portal_pdf"),
    path("portal/moede/<int:pk>/", views.portal_moede, name="portal_moede"),
    path(
        "portal/moede/<int:pk>/bekraeft/",
        views.portal_moede_bekraeft,
        name="portal_moede_bekraeft",
    ),
    path("portal/moede/<int:pk>/pdf/", views.portal_moede_pdf, name="portal_moede_pdf"),
]
