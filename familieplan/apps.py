"""App configuration for familieplan."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilieplanConfig(AppConfig):
    name = "familieplan"
    verbose_name = _("Familieplan")
