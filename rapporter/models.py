"""Tables of the reports app: monthly status reports (with revisions) and evaluator exports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kerne.models import Dokument, Projekt

# A report is built like a document: the same states, so one claim
# (kerne.services.claim_build) serves both.
Tilstand = Dokument.Tilstand


class Maanedsrapport(models.Model):
    """One revision of a project's status report for one month.

    One current revision per (project, month), enforced by a partial unique constraint; a
    rebuild adds a new revision and keeps the old ones readable. The figures are frozen in
    `data` at build time, so a report shows what was known when it was built.
    """

    class Udloeser(models.TextChoices):
        BEAT = "beat", _("Automatisk efter registreringsfristen")
        BESTILT = "bestilt", _("Bestilt")
        KOMMANDO = "kommando", _("Kommandolinje")

    projekt = models.ForeignKey(
        Projekt,
        on_delete=models.PROTECT,
        related_name="maanedsrapporter",
        verbose_name=_("projekt"),
    )
    maaned = models.DateField(_("måned"), help_text=_("Månedens første dag."))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    aktuel = models.BooleanField(_("aktuel"), default=True)
    tilstand = models.CharField(
        _("tilstand"), max_length=10, choices=Tilstand.choices, default=Tilstand.VENTENDE
    )
    udloeser = models.CharField(_("udløst af"), max_length=10, choices=Udloeser.choices)
    bestilt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    bestilt = models.DateTimeField(_("bestilt"), auto_now_add=True)
    bygget = models.DateTimeField(_("dannet"), null=True, blank=True)
    # Aggregated figures only (counts, shares, means, sums): never a name, CPR number or text
    # about a family, so the report can go to the evaluator.
    data = models.JSONField(_("tal"), default=dict, blank=True)
    fejl = models.CharField(_("fejl"), max_length=500, blank=True)
    # The task delivery that claimed the build: the same delivery coming back after its
    # worker died (acks_late redelivers it) may take over its own half-done claim.
    opgave = models.CharField(_("opgave"), max_length=64, blank=True, editable=False)
    dokument = models.ForeignKey(
        Dokument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("PDF"),
    )

    class Meta:
        verbose_name = _("månedsrapport")
        verbose_name_plural = _("månedsrapporter")
        ordering = ["-maaned", "projekt_id", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["projekt", "maaned", "revision"], name="maanedsrapport_revision_unik"
            ),
            models.UniqueConstraint(
                fields=["projekt", "maaned"],
                condition=models.Q(aktuel=True),
                name="maanedsrapport_en_aktuel",
            ),
            models.CheckConstraint(
                condition=models.Q(maaned__day=1),
                name="maanedsrapport_maaned_foerste_dag",
                violation_error_message=_("Måneden angives ved sin første dag."),
            ),
        ]
        indexes = [models.Index(fields=["maaned", "aktuel"])]
        permissions = [
            ("se_landsoverblik", _("Se landsoverblikket over alle projekter")),
        ]

    def __str__(self) -> str:
        return f"{self.projekt.kode} {self.maaned:%Y-%m} rev. {self.revision}"


def _private_storage():
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Udtraek(models.Model):
    """One evaluator export: pseudonymised data of one month, one project or all, as a zip."""

    maaned = models.DateField(_("måned"))
    # Blank: every project the orderer may export.
    projekt = models.ForeignKey(
        Projekt,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("projekt"),
    )
    projekt_ids = models.JSONField(_("projekter"), default=list)
    tilstand = models.CharField(
        _("tilstand"), max_length=10, choices=Tilstand.choices, default=Tilstand.VENTENDE
    )
    fil = models.FileField(
        _("fil"), storage=_private_storage, upload_to="udtraek/%Y/%m", blank=True
    )
    fejl = models.CharField(_("fejl"), max_length=500, blank=True)
    antal_personer = models.PositiveIntegerField(_("antal personer"), default=0)
    bestilt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    bestilt = models.DateTimeField(_("bestilt"), auto_now_add=True)
    faerdig = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        verbose_name = _("udtræk")
        verbose_name_plural = _("udtræk")
        ordering = ["-bestilt", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(maaned__day=1),
                name="udtraek_maaned_foerste_dag",
                violation_error_message=_("Måneden angives ved sin første dag."),
            ),
        ]
        indexes = [models.Index(fields=["bestilt_af", "bestilt"])]

    def __str__(self) -> str:
        return f"{self.maaned:%Y-%m} ({self.pk})"
