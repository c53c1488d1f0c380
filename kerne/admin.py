"""Admin for configuration only: personal data is never edited here, past the access policy.

Changes to who may do what (roles, deactivation, superuser) are audited like any permission
change made in the application.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from kerne import audit, services
from kerne.models import Forvaltning, Kommune, Medarbejder, Projekt, Projektrolle

User = get_user_model()
AUDITED_USER_FIELDS = ("is_active", "is_staff", "is_superuser")


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
        "kraev_totp",
    ]
    list_filter = ["kommune", "kraev_totp"]


@admin.register(Forvaltning)
class ForvaltningAdmin(admin.ModelAdmin):
    list_display = ["navn", "kommune", "sektor"]
    list_filter = ["kommune", "sektor"]


@admin.register(Medarbejder)
class MedarbejderAdmin(admin.ModelAdmin):
    list_display = ["bruger", "kommune", "forvaltning", "titel"]
    list_select_related = ["bruger", "kommune", "forvaltning"]


def _log_role(request, rolle: Projektrolle, *, tildelt: bool) -> None:
    audit.log(
        user=request.user,
        handling=audit.Handling.PERMISSION_CHANGE,
        formaal=audit.Formaal.SUPPORT,
        projekt_id=rolle.projekt_id,
        detaljer={
            "bruger_id": rolle.bruger_id,
            "rolle": rolle.rolle,
            "tildelt": tildelt,
            "kilde": "admin",
        },
    )


@admin.register(Projektrolle)
class ProjektrolleAdmin(admin.ModelAdmin):
    list_display = ["bruger", "projekt", "rolle"]
    list_filter = ["projekt", "rolle"]
    list_select_related = ["bruger", "projekt__kommune"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            _log_role(request, Projektrolle.objects.get(pk=obj.pk), tildelt=False)
        super().save_model(request, obj, form, change)
        _log_role(request, obj, tildelt=True)

    def delete_model(self, request, obj) -> None:
        _log_role(request, obj, tildelt=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for rolle in queryset:
            _log_role(request, rolle, tildelt=False)
        super().delete_queryset(request, queryset)


admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    def save_model(self, request, obj, form, change) -> None:
        before = (
            User.objects.filter(pk=obj.pk).values(*AUDITED_USER_FIELDS).first() if change else None
        )
        super().save_model(request, obj, form, change)
        services.bruger_rettigheder_aendret(
            acting_user=request.user,
            bruger=obj,
            foer=before or dict.fromkeys(AUDITED_USER_FIELDS, False),
        )
