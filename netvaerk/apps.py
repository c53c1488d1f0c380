"""App configuration for netvaerk: meetings with the family, meeting mode, partners and offers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetvaerkConfig(AppConfig):
    name = "netvaerk"
    verbose_name = _("Familiens netværk")
