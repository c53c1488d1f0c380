"""Admin for configuration only: personal data is never edited here, past the access policy."""

from django.contrib import admin

from kerne.models import Forvaltning, Kommune, Medarbejder, Projekt, Projektrolle


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin):
    list_display = ["navn", "kode"]


@admin.register(Projekt)
class ProjektAdmin(admin.ModelAdmin):
    list_display = [
        "navn",
        "kode",
        "kommune",
        "maal_antal_familier",
        "kapacitet_pr_koordinator",
        "opbevaring_maaneder",
    ]
    list_filter = ["kommune"]


@admin.register(Forvaltning)
class ForvaltningAdmin(admin.ModelAdmin):
    list_display = ["navn", "kommune", "sektor"]
    list_filter = ["kommune", "sektor"]


@admin.register(Medarbejder)
class MedarbejderAdmin(admin.ModelAdmin):
    list_display = ["bruger", "kommune", "forvaltning", "titel"]
    list_select_related = ["bruger", "kommune", "forvaltning"]


@admin.register(Projektrolle)
class ProjektrolleAdmin(admin.ModelAdmin):
    list_display = ["bruger", "projekt", "rolle"]
    list_filter = ["projekt", "rolle"]
    list_select_related = ["bruger", "projekt__kommune"]
