"""Tables of the shared kernel: organisation, staff and their roles per project."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sektor(models.TextChoices):
    """The unit of data sharing (DOMAIN.md §2)."""

    BESKAEFTIGELSE = "beskaeftigelse", _("Beskæftigelse")
    BOERN_FAMILIE = "boern_familie", _("Børn og familie")
    VOKSEN_SOCIAL = "voksen_social", _("Voksen/social")
    SUNDHED = "sundhed", _("Sundhed")
    SKOLE_DAGTILBUD = "skole_dagtilbud", _("Skole og dagtilbud")


class Rolle(models.TextChoices):
    """A user's role in one project (DOMAIN.md §2)."""

    PROJEKTLEDER = "projektleder", _("Projektleder")
    KOORDINATOR = "koordinator", _("Koordinerende sagsbehandler")
    SAGSBEHANDLER = "sagsbehandler", _("Sagsbehandler i afdeling")
    AFDELINGSLEDER = "afdelingsleder", _("Afdelingsleder")
    ADMINISTRATIV = "administrativ", _("Administrativ medarbejder")
    FAGPERSON = "fagperson", _("Fagperson")
    DATABESKYTTELSE = "databeskyttelse", _("Databeskyttelse")
    EVALUATOR = "evaluator", _("Evaluator")
    BORGER = "borger", _("Borger")


class Kommune(models.Model):
    navn = models.CharField(_("navn"), max_length=100, unique=True)
    kode = models.CharField(
        _("kommunekode"), max_length=3, unique=True, help_text=_("Tre cifre, fx 101.")
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["navn"]

    def __str__(self) -> str:
        return self.navn


class Projekt(models.Model):
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="projekter", verbose_name=_("kommune")
    )
    navn = models.CharField(_("navn"), max_length=200)
    kode = models.SlugField(_("projektkode"), max_length=40, unique=True)
    maal_antal_familier = models.PositiveIntegerField(_("mål for antal familier"), default=30)
    kapacitet_pr_koordinator = models.PositiveSmallIntegerField(
        _("familier pr. koordinerende sagsbehandler"), default=8
    )
    registreringsfrist_dag = models.PositiveSmallIntegerField(
        _("registreringsfrist (dag i næste måned)"), default=10
    )
    udredningsfrist_maaneder = models.PositiveSmallIntegerField(
        _("frist for udredning (måneder efter optagelse)"), default=3
    )

    class Meta:
        verbose_name = _("projekt")
        verbose_name_plural = _("projekter")
        ordering = ["kommune__navn", "navn"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registreringsfrist_dag__gte=1, registreringsfrist_dag__lte=28),
                name="projekt_registreringsfrist_dag_1_28",
            ),
            models.CheckConstraint(
                condition=models.Q(kapacitet_pr_koordinator__gte=1),
                name="projekt_kapacitet_positiv",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.navn} ({self.kommune})"


class Forvaltning(models.Model):
    """A department (forvaltning/afdeling) of a municipality; its sector is what it may own."""

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="forvaltninger", verbose_name=_("kommune")
    )
    navn = models.CharField(_("navn"), max_length=200)
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices)

    class Meta:
        verbose_name = _("forvaltning")
        verbose_name_plural = _("forvaltninger")
        ordering = ["kommune__navn", "navn"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "navn"], name="forvaltning_navn_unik"),
        ]

    def __str__(self) -> str:
        return self.navn


class Medarbejder(models.Model):
    """Staff profile on Django's user: where they work and how to reach them."""

    bruger = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="medarbejder",
        verbose_name=_("bruger"),
    )
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="medarbejdere", verbose_name=_("kommune")
    )
    forvaltning = models.ForeignKey(
        Forvaltning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="medarbejdere",
        verbose_name=_("forvaltning"),
    )
    titel = models.CharField(_("titel"), max_length=100, blank=True)
    telefon = models.CharField(_("telefon"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")

    def __str__(self) -> str:
        return self.bruger.get_full_name() or self.bruger.get_username()


class Projektrolle(models.Model):
    """One role a user holds in one project; a user may hold several."""

    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="projektroller",
        verbose_name=_("bruger"),
    )
    projekt = models.ForeignKey(
        Projekt, on_delete=models.CASCADE, related_name="roller", verbose_name=_("projekt")
    )
    rolle = models.CharField(_("rolle"), max_length=20, choices=Rolle.choices)

    class Meta:
        verbose_name = _("projektrolle")
        verbose_name_plural = _("projektroller")
        constraints = [
            models.UniqueConstraint(
                fields=["bruger", "projekt", "rolle"], name="projektrolle_unik"
            ),
        ]
        indexes = [models.Index(fields=["projekt", "rolle"])]

    def __str__(self) -> str:
        return f"{self.bruger} – {self.get_rolle_display()} – {self.projekt}"
