"""App configuration for rapporter: the report PDF kind, menu items and demo reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapporterConfig(AppConfig):
    name = "rapporter"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        from kerne import demo as kerne_demo
        from kerne.models import Rolle
        from kerne.navigation import NavItem, register_nav
        from rapporter import checks, demo, pdf

        pdf.register()
        checks.register()
        rapporter = NavItem(_("Månedsrapporter"), "rapporter:rapporter")
        register_nav(Rolle.PROJEKTLEDER, rapporter)
        register_nav(Rolle.EVALUATOR, rapporter)
        register_nav(Rolle.EVALUATOR, NavItem(_("Landsoverblik"), "rapporter:landsoverblik"))
        kerne_demo.register_seeder(90, demo.seed)
