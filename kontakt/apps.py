"""App configuration for kontakt: secure messages between the family and its contact person."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KontaktConfig(AppConfig):
    name = "kontakt"
    verbose_name = _("Direkte kontakt")
