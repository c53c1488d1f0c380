"""Admin for the registration's configuration only: indicator definitions and licensed SDQ
texts. Registrations, values and questionnaires are personal data: never edited here."""

from django.contrib import admin

from registrering.models import Indikator, SdqItemtekst


@admin.register(Indikator)
class IndikatorAdmin(admin.ModelAdmin):
    list_display = ["navn", "kode", "gaelder_for", "type", "sektor", "kommune", "aktiv"]
    list_filter = ["gaelder_for", "type", "sektor", "kommune", "aktiv"]
    list_select_related = ["kommune"]
    ordering = ["gaelder_for", "raekkefoelge"]
    # A definition that has values is kept; it is retired by unticking "aktiv".
    actions = None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SdqItemtekst)
class SdqItemtekstAdmin(admin.ModelAdmin):
    list_display = ["kommune", "version", "punkt"]
    list_filter = ["kommune", "version"]
