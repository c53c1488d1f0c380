"""App configuration for the shared kernel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KerneConfig(AppConfig):
    name = "kerne"
    verbose_name = _("Fælles kerne")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kerne import adgang, checks, kontaktperson, middleware

        checks.register()
        adgang.register_grant_source(kontaktperson.substitute_grants)
        user_logged_in.connect(middleware.stamp_sign_in, dispatch_uid="kerne-stamp-sign-in")
