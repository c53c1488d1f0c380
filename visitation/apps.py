"""App configuration for visitation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitationConfig(AppConfig):
    name = "visitation"
    verbose_name = _("Visitation")

    def ready(self) -> None:
        from kerne import adgang
        from kerne.demo import register_national_seeder, register_seeder
        from kerne.models import Rolle
        from kerne.navigation import NavItem, register_family_link, register_nav
        from kerne.opbevaring import register as register_anonymiser
        from visitation import demo, grants, national, opbevaring, pdf

        adgang.register_grant_source(grants.visitation_grants)
        register_seeder(20, demo.seed_visitation)
        register_national_seeder(20, national.seed)
        pdf.register()
        register_anonymiser(opbevaring.ANONYMISER)

        oversigt = NavItem(_("Visitation"), "visitation:oversigt")
        moeder = NavItem(_("Visitationsmøder"), "visitation:moede_liste")
        indstillinger = NavItem(_("Indstillinger"), "visitation:indstilling_liste")
        frister = NavItem(_("Udredningsfrister"), "visitation:frister")
        register_nav(Rolle.PROJEKTLEDER, oversigt)
        register_nav(Rolle.PROJEKTLEDER, moeder)
        register_nav(Rolle.PROJEKTLEDER, NavItem(_("Kapacitet"), "visitation:kapacitet"))
        register_nav(Rolle.PROJEKTLEDER, frister)
        register_nav(Rolle.AFDELINGSLEDER, oversigt)
        register_nav(Rolle.AFDELINGSLEDER, moeder)
        register_nav(Rolle.SAGSBEHANDLER, indstillinger)
        register_nav(Rolle.PROJEKTLEDER, indstillinger)
        register_nav(Rolle.KOORDINATOR, frister)
        register_family_link(NavItem(_("Forløb og status"), "visitation:forloeb"))
