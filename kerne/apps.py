"""App configuration for the shared kernel."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core.management import call_command
from django.db.models.signals import post_migrate
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
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="kerne-cache-tables")


def create_cache_tables(using: str, **kwargs) -> None:
    """After every `migrate`: the database cache's table (settings.CACHES["shared"]), which is
    no model and so has no migration. Deployments, the demo and CI run migrate, never a separate
    createcachetable; an existing table is left alone."""
    call_command("createcachetable", database=using, verbosity=0)


class KerneAdminConfig(admin_apps.AdminConfig):
    """Django's admin on kerne.admin_site: superusers only, after a TOTP code."""

    default = False  # "kerne" itself means KerneConfig
    default_site = "kerne.admin_site.SuperuserOtpAdminSite"
