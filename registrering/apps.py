"""App configuration for registrering."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistreringConfig(AppConfig):
    name = "registrering"
    verbose_name = _("Månedlig registrering")
