"""App configuration for the shared kernel."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class KerneConfig(AppConfig):
    name = "kerne"
    verbose_name = _("Fælles kerne")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from kerne import adgang, auth_events, checks, kontaktperson, middleware, opbevaring

        checks.register()
        adgang.register_grant_source(kontaktperson.substitute_grants)
        opbevaring.register(opbevaring.kernel_part())
        user_logged_in.connect(middleware.stamp_sign_in, dispatch_uid="kerne-stamp-sign-in")
        user_login_failed.connect(auth_events.sign_in_failed, dispatch_uid="kerne-audit-failed")
        user_locked_out.connect(auth_events.locked_out, dispatch_uid="kerne-audit-locked-out")


class KerneAdminConfig(admin_apps.AdminConfig):
    """Django's admin on kerne.admin_site: superusers only, after a TOTP code."""

    default = False  # "kerne" itself means KerneConfig
    default_site = "kerne.admin_site.SuperuserOtpAdminSite"
