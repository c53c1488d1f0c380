"""App configuration for familieplan: menu items, the PDF kinds and the demo seeder."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilieplanConfig(AppConfig):
    name = "familieplan"
    verbose_name = _("Familieplan")

    def ready(self) -> None:
        from familieplan import demo, moede_pdf, national, opbevaring, pdf, selectors
        from kerne import demo as kerne_demo
        from kerne import pdf as kerne_pdf
        from kerne.models import Rolle
        from kerne.navigation import NavItem, register_family_link, register_nav
        from kerne.opbevaring import register as register_anonymiser

        planer = NavItem(_("Familieplaner"), "familieplan:planer")
        todo = NavItem(_("Opfølgninger"), "familieplan:opfoelgninger")
        for rolle in (Rolle.KOORDINATOR, Rolle.SAGSBEHANDLER):
            register_nav(rolle, planer)
            register_nav(rolle, todo)
        for rolle in (Rolle.PROJEKTLEDER, Rolle.AFDELINGSLEDER, Rolle.ADMINISTRATIV):
            register_nav(rolle, planer)
        register_nav(
            Rolle.PROJEKTLEDER, NavItem(_("Planindstillinger"), "familieplan:indstillinger")
        )
        register_nav(Rolle.FAGPERSON, NavItem(_("Stafetlogs"), "familieplan:mine_stafetlogs"))

        for kind in (selectors.PDF_STAFF, selectors.PDF_FAMILY):
            kerne_pdf.register(kind, build=pdf.build, may_read=pdf.may_read)
        kerne_pdf.register(moede_pdf.KIND, build=moede_pdf.build, may_read=moede_pdf.may_read)
        kerne_demo.register_seeder(25, demo.seed)
        register_anonymiser(opbevaring.ANONYMISER)
        kerne_demo.register_national_seeder(25, national.seed)
        register_family_link(NavItem(_("Familieplan"), "familieplan:plan"))
        register_family_link(NavItem(_("Stafetlog"), "familieplan:stafetlog"))
