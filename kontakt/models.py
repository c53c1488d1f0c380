"""Tables of the secure messages: one thread per family, its messages and their attachments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieplan.models import Aftale, Opfoelgning
from kerne.models import Familie


def _private_storage():
    # Attachments hold personal data: outside the web root, served only by a checked view.
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Traad(models.Model):
    """The family's one thread with its contact person (and the substitute while away)."""

    familie = models.OneToOneField(
        Familie, on_delete=models.PROTECT, related_name="kontakttraad", verbose_name=_("familie")
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    seneste_besked = models.DateTimeField(_("seneste besked"), null=True, blank=True)
    # When the family's oldest message still without an answer was sent; NULL when answered.
    # Kept by the services so the inbox is one indexed query.
    ubesvaret_siden = models.DateTimeField(_("ubesvaret siden"), null=True, blank=True)

    class Meta:
        verbose_name = _("beskedtråd")
        verbose_name_plural = _("beskedtråde")
        indexes = [models.Index(fields=["ubesvaret_siden"])]

    def __str__(self) -> str:
        return str(self.familie)


class Besked(models.Model):
    """One message; from the family (an adult or a young person 15+) or from staff."""

    traad = models.ForeignKey(
        Traad, on_delete=models.PROTECT, related_name="beskeder", verbose_name=_("tråd")
    )
    # The family again, so the policy and the audit log need no join through the thread.
    familie = models.ForeignKey(Familie, on_delete=models.PROTECT, related_name="+")
    afsender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    fra_familien = models.BooleanField(_("fra familien"))
    # A family's message: the contact person it was routed to (the substitute while away).
    modtager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modtager"),
    )
    tekst = models.TextField(_("besked"), max_length=5000)
    sendt = models.DateTimeField(_("sendt"), default=timezone.now)
    # Read receipt: when the other side (the family, or the contact person) first opened it.
    laest = models.DateTimeField(_("læst"), null=True, blank=True)
    # A family message that began a wait for an answer, and when and by whom it was answered:
    # the response-time figure is measured on these.
    venter_paa_svar = models.BooleanField(_("venter på svar"), default=False)
    besvaret = models.DateTimeField(_("besvaret"), null=True, blank=True)
    besvaret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the message was turned into (one action each, once).
    opfoelgning = models.ForeignKey(
        Opfoelgning, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aftale = models.ForeignKey(
        Aftale, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")
        ordering = ["sendt", "pk"]
        indexes = [
            models.Index(fields=["traad", "sendt"]),
            models.Index(fields=["venter_paa_svar", "sendt"]),
        ]

    def __str__(self) -> str:
        return f"{self.familie} {self.sendt:%Y-%m-%d %H:%M}"


class Vedhaeftning(models.Model):
    """A PDF or image attached to a message; the file lives under PRIVATE_MEDIA_ROOT."""

    besked = models.ForeignKey(
        Besked, on_delete=models.PROTECT, related_name="vedhaeftninger", verbose_name=_("besked")
    )
    familie = models.ForeignKey(Familie, on_delete=models.PROTECT, related_name="+")
    # Stored under a random name: the original name may hold personal data, and is kept here.
    fil = models.FileField(_("fil"), storage=_private_storage, upload_to="kontakt/%Y/%m")
    filnavn = models.CharField(_("filnavn"), max_length=200)
    mimetype = models.CharField(_("filtype"), max_length=50)
    stoerrelse = models.PositiveIntegerField(_("størrelse (bytes)"))

    class Meta:
        verbose_name = _("vedhæftning")
        verbose_name_plural = _("vedhæftninger")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filnavn
