"""App configuration for registrering."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistreringConfig(AppConfig):
    name = "registrering"
    verbose_name = _("Månedlig registrering")

    def ready(self) -> None:
        from kerne.demo import register_national_seeder, register_seeder
        from kerne.models import Rolle
        from kerne.navigation import NavItem, register_family_link, register_nav
        from kerne.opbevaring import register as register_anonymiser
        from registrering import national, opbevaring
        from registrering.demo import seed_registrations

        oversigt = NavItem(_("Registreringer"), "registrering:oversigt")
        projekt = NavItem(_("Risici og milepæle"), "registrering:risici_milepaele")
        indlaes = NavItem(_("Indlæs data"), "registrering:indlaesning_ny")
        for rolle, items in {
            Rolle.PROJEKTLEDER: [oversigt, projekt, indlaes],
            Rolle.KOORDINATOR: [
                NavItem(_("Mine registreringer"), "registrering:opgaver"),
                oversigt,
            ],
            Rolle.SAGSBEHANDLER: [oversigt, indlaes],
            Rolle.AFDELINGSLEDER: [oversigt],
            Rolle.ADMINISTRATIV: [oversigt, projekt, indlaes],
            Rolle.BORGER: [NavItem(_("Min udvikling"), "registrering:min_udvikling")],
        }.items():
            for item in items:
                register_nav(rolle, item)
        register_family_link(NavItem(_("Registreringer"), "registrering:familie"))
        register_seeder(30, seed_registrations)
        register_national_seeder(30, national.seed)
        register_anonymiser(opbevaring.ANONYMISER)
