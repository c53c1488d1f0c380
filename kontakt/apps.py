"""App configuration for kontakt: secure messages between the family and its contact person."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KontaktConfig(AppConfig):
    name = "kontakt"
    verbose_name = _("Direkte kontakt")

    def ready(self) -> None:
        from kerne import demo as kerne_demo
        from kerne.dashboard import Panel, register_panel
        from kerne.models import Rolle
        from kerne.navigation import NavItem, register_family_link, register_nav
        from kerne.opbevaring import register as register_anonymiser
        from kontakt import demo, opbevaring, panels

        register_nav(Rolle.BORGER, NavItem(_("Beskeder"), "kontakt:portal"))
        register_nav(Rolle.KOORDINATOR, NavItem(_("Indbakke"), "kontakt:indbakke"))
        register_nav(Rolle.PROJEKTLEDER, NavItem(_("Fravær"), "kontakt:fravaer"))
        for rolle in Rolle.values:
            register_nav(rolle, NavItem(_("Notifikationer"), "kontakt:notifikationer"))
        register_family_link(NavItem(_("Beskeder"), "kontakt:traad"))
        register_panel(
            Panel(
                key="kontakt-indbakke",
                title=_("Beskeder, der venter på svar"),
                template="kontakt/panel_indbakke.html",
                context=panels.inbox_context,
                roles=(Rolle.KOORDINATOR,),
                order=20,
            )
        )
        register_panel(
            Panel(
                key="kontakt-svartid",
                title=_("Svartid på familiernes beskeder"),
                template="kontakt/panel_svartid.html",
                context=panels.response_time_context,
                roles=(Rolle.PROJEKTLEDER,),
                order=60,
            )
        )
        kerne_demo.register_seeder(60, demo.seed)
        register_anonymiser(opbevaring.ANONYMISER)
