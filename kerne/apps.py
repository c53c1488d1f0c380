"""App configuration for the shared kernel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KerneConfig(AppConfig):
    name = "kerne"
    verbose_name = _("Fælles kerne")

    def ready(self) -> None:
        from kerne import adgang, kontaktperson

        adgang.register_grant_source(kontaktperson.substitute_grants)
