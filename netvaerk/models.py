"""Tables of the family's network: partners and their offers, agreements and mentors, and the
links from plan activities and leisure indicators to them.

Partners belong to a municipality (a catalogue shared by its projects) and are not users.
Links to a family's data live here, not in familieplan or registrering, so those apps never
import netvaerk. A link carries the family's Sagsdel, so the one access policy
(kerne.adgang.visible) partitions it like the data it is about.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kerne.models import Kommune, Person, Sagsdel


class Partner(models.Model):
    """An association, company, volunteer organisation or public provider the project works with."""

    class Art(models.TextChoices):
        FORENING = "forening", _("Forening")
        VIRKSOMHED = "virksomhed", _("Virksomhed")
        FRIVILLIG = "frivillig", _("Frivillig organisation")
        OFFENTLIG = "offentlig", _("Offentlig udbyder")

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    navn = models.CharField(_("navn"), max_length=200)
    art = models.CharField(_("art"), max_length=20, choices=Art.choices)
    kontaktperson = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    telefon = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    adresse = models.CharField(_("adresse"), max_length=200, blank=True)
    beskrivelse = models.TextField(_("beskrivelse"), max_length=2000, blank=True)
    aktiv = models.BooleanField(_("aktiv"), default=True)
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("samarbejdspartner")
        verbose_name_plural = _("samarbejdspartnere")
        ordering = ["navn", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "navn"],
                name="partner_navn_unik_i_kommunen",
                violation_error_message=_("Kommunen har allerede en partner med det navn."),
            ),
        ]
        indexes = [models.Index(fields=["kommune", "aktiv", "navn"])]

    def __str__(self) -> str:
        return self.navn


class Samarbejdsaftale(models.Model):
    """An agreement with a partner, valid from a date (until a date, or open)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="samarbejdsaftaler")
    titel = models.CharField(_("aftale"), max_length=200)
    gyldig_fra = models.DateField(_("gyldig fra"))
    gyldig_til = models.DateField(_("gyldig til"), null=True, blank=True)
    note = models.TextField(_("indhold"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("samarbejdsaftale")
        verbose_name_plural = _("samarbejdsaftaler")
        ordering = ["-gyldig_fra", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gyldig_til__isnull=True)
                | models.Q(gyldig_til__gte=models.F("gyldig_fra")),
                name="samarbejdsaftale_til_efter_fra",
                violation_error_message=_("Aftalen skal slutte på eller efter sin startdato."),
            ),
        ]

    def __str__(self) -> str:
        return self.titel

    def is_valid_on(self, day) -> bool:
        return self.gyldig_fra <= day and (self.gyldig_til is None or day <= self.gyldig_til)


class Tilbud(models.Model):
    """An offer a partner provides: football for 8–12-year-olds, a leisure job for 15+, ..."""

    class Art(models.TextChoices):
        FRITIDSAKTIVITET = "fritidsaktivitet", _("Fritidsaktivitet")
        FRITIDSJOB = "fritidsjob", _("Fritidsjob")
        MENTOR = "mentor", _("Frivillig mentor")
        NETVAERK = "netvaerk", _("Netværk og fællesskab")
        JOB = "job", _("Job, praktik eller løntimer")
        ANDET = "andet", _("Andet")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="tilbud")
    titel = models.CharField(_("tilbud"), max_length=200)
    art = models.CharField(_("art"), max_length=20, choices=Art.choices)
    alder_fra = models.PositiveSmallIntegerField(
        _("fra alder"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    alder_til = models.PositiveSmallIntegerField(
        _("til og med alder"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    beskrivelse = models.TextField(_("beskrivelse"), max_length=2000, blank=True)
    # The cost type a membership fee paid by the municipality is recorded under; its price
    # lives in the investment model's catalogue, never here.
    omkostningstype = models.ForeignKey(
        "investering.Omkostningstype",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontingent bogføres som"),
    )
    aktiv = models.BooleanField(_("aktivt"), default=True)

    class Meta:
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        ordering = ["titel", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(alder_fra__isnull=True)
                | models.Q(alder_til__isnull=True)
                | models.Q(alder_til__gte=models.F("alder_fra")),
                name="tilbud_alder_til_efter_fra",
                violation_error_message=_("Aldersgrænsen 'til' skal være mindst 'fra'."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titel} ({self.partner})"

    @property
    def aldersgruppe(self) -> str:
        if self.alder_fra is not None and self.alder_til is not None:
            return f"{self.alder_fra}–{self.alder_til} år"
        if self.alder_fra is not None:
            return f"{self.alder_fra}+ år"
        if self.alder_til is not None:
            return f"0–{self.alder_til} år"
        return ""


class Mentor(models.Model):
    """A mentor attached to a partner (often a volunteer). Not a user, unless given an account;
    a mentor with an account reads only the stafetlogs they are named in (familieplan.Aktoer)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="mentorer")
    navn = models.CharField(_("navn"), max_length=200)
    kontakt = models.CharField(_("sådan kontaktes mentoren"), max_length=300)
    uddannet = models.BooleanField(_("uddannet mentor"), default=False)
    bruger = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor",
        verbose_name=_("brugerkonto"),
    )
    aktiv = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentorer")
        ordering = ["navn", "pk"]

    def __str__(self) -> str:
        return self.navn


class Indsatspartner(models.Model):
    """A plan activity names a partner (and an offer). Keyed on the activity's `noegle`, so the
    link follows the activity through every version of the plan."""

    sagsdel = models.ForeignKey(
        Sagsdel, on_delete=models.PROTECT, related_name="+", verbose_name=_("sektor")
    )
    noegle = models.UUIDField(_("indsatsens nøgle"), unique=True)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="indsatslinks", verbose_name=_("partner")
    )
    tilbud = models.ForeignKey(
        Tilbud,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indsatslinks",
        verbose_name=_("tilbud"),
    )
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("indsatsens partner")
        verbose_name_plural = _("indsatsers partnere")
        indexes = [models.Index(fields=["partner"])]

    def __str__(self) -> str:
        return f"{self.noegle} → {self.partner}"


class Fritidstilknytning(models.Model):
    """A child's leisure activity or a young person's leisure job (the indicators
    `fritidsaktivitet` and `fritidsjob`), linked to the partner that provides it, for a period.

    It lies in the Sagsdel of its indicator's sector (børn og familie for a leisure activity,
    beskæftigelse for a leisure job), so it is seen by those who see that indicator.
    """

    class Art(models.TextChoices):
        FRITIDSAKTIVITET = "fritidsaktivitet", _("Fritidsaktivitet")
        FRITIDSJOB = "fritidsjob", _("Fritidsjob")

    sagsdel = models.ForeignKey(
        Sagsdel, on_delete=models.PROTECT, related_name="+", verbose_name=_("sektor")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("barn eller ung")
    )
    art = models.CharField(_("art"), max_length=20, choices=Art.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="fritidstilknytninger",
        verbose_name=_("partner"),
    )
    tilbud = models.ForeignKey(
        Tilbud,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fritidstilknytninger",
        verbose_name=_("tilbud"),
    )
    fra = models.DateField(_("fra"))
    til = models.DateField(_("til"), null=True, blank=True)
    # The cost line of a membership fee paid by the municipality (written by investering).
    kontingentlinje = models.OneToOneField(
        "investering.Omkostningslinje",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontingent"),
    )
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("fritidstilknytning")
        verbose_name_plural = _("fritidstilknytninger")
        ordering = ["-fra", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(til__isnull=True) | models.Q(til__gte=models.F("fra")),
                name="fritidstilknytning_til_efter_fra",
                violation_error_message=_("Slutdatoen skal ligge på eller efter startdatoen."),
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "fra"]),
            models.Index(fields=["sagsdel"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.partner}"
