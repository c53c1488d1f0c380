"""App configuration for investering."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvesteringConfig(AppConfig):
    name = "investering"
    verbose_name = _("Investeringsmodel")

    def ready(self) -> None:
        from investering import national, opbevaring
        from investering.demo import seed_investering
        from kerne.demo import register_national_seeder, register_seeder
        from kerne.models import Rolle
        from kerne.navigation import NavItem, register_family_link, register_nav
        from kerne.opbevaring import register as register_anonymiser

        for rolle in (Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV):
            register_nav(rolle, NavItem(_("Business case"), "investering:business_case"))
            register_nav(rolle, NavItem(_("Prisliste"), "investering:prisliste"))
        register_nav(Rolle.ADMINISTRATIV, NavItem(_("Investering"), "investering:investeringer"))
        register_seeder(40, seed_investering)
        register_anonymiser(opbevaring.ANONYMISER)
        register_national_seeder(40, national.seed)
        register_family_link(NavItem(_("Økonomi"), "investering:familie_oekonomi"))
