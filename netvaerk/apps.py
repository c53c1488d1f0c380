"""App configuration for netvaerk: meetings with the family, meeting mode, partners and offers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetvaerkConfig(AppConfig):
    name = "netvaerk"
    verbose_name = _("Familiens netværk")

    def ready(self) -> None:
        from kerne import demo as kerne_demo
        from kerne.dashboard import Panel, register_panel
        from kerne.models import Rolle
        from kerne.navigation import NavItem, register_family_link, register_nav
        from netvaerk import demo, panels

        partnere = NavItem(_("Partnere"), "netvaerk:partnere")
        for rolle in (
            Rolle.PROJEKTLEDER,
            Rolle.KOORDINATOR,
            Rolle.SAGSBEHANDLER,
            Rolle.AFDELINGSLEDER,
            Rolle.ADMINISTRATIV,
        ):
            register_nav(rolle, partnere)
        register_nav(Rolle.PROJEKTLEDER, NavItem(_("Partnernes betydning"), "netvaerk:statistik"))
        register_nav(Rolle.FAGPERSON, NavItem(_("Møder"), "netvaerk:mine_moeder"))
        register_family_link(NavItem(_("Netværk og møder"), "netvaerk:familie"))
        kerne_demo.register_seeder(35, demo.seed)
        register_panel(
            Panel(
                key="netvaerk_partnere",
                title=_("Samarbejdspartnere"),
                template="netvaerk/partials/panel_partnere.html",
                context=panels.partners_context,
                roles=(Rolle.PROJEKTLEDER,),
                order=60,
            )
        )
