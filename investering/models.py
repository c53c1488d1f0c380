"""Tables of the investment model: price catalogue, cost lines, project investment, settings.

Prices are never copied into a cost line: every figure is computed from the catalogue when it
is shown, so a corrected price corrects every figure it touches (DOMAIN.md §7).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kerne.models import Forvaltning, Kommune, Person, Projekt, Sagsdel, Sektor


class Enhed(models.TextChoices):
    """The unit a cost type is priced in."""

    MAANED = "maaned", _("pr. måned")
    DAG = "dag", _("pr. dag")
    AAR = "aar", _("pr. år")
    TIME = "time", _("pr. time")
    SESSION = "session", _("pr. session")
    FORLOEB = "forloeb", _("pr. forløb")


# A rate runs over time: the quantity is how many at once (1 benefit, 2 placements), and the
# amount follows the days of the period. A count is a number of hours, sessions or courses in
# the whole period, spread evenly over its days, so a period needs an end.
RATE_UNITS = frozenset({Enhed.MAANED, Enhed.DAG, Enhed.AAR})
COUNT_UNITS = frozenset({Enhed.TIME, Enhed.SESSION, Enhed.FORLOEB})


class Omkostningstype(models.Model):
    """A kind of cost in one municipality's price catalogue, paid by one department."""

    kommune = models.ForeignKey(
        Kommune,
        on_delete=models.PROTECT,
        related_name="omkostningstyper",
        verbose_name=_("kommune"),
    )
    navn = models.CharField(_("navn"), max_length=100)
    enhed = models.CharField(_("enhed"), max_length=10, choices=Enhed.choices)
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices)
    forvaltning = models.ForeignKey(
        Forvaltning,
        on_delete=models.PROTECT,
        related_name="omkostningstyper",
        verbose_name=_("betalende forvaltning"),
    )
    eksempel = models.BooleanField(
        _("eksempelpriser"),
        default=False,
        help_text=_("Priserne er eksempler, ikke kommunens egne takster."),
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("omkostningstype")
        verbose_name_plural = _("omkostningstyper")
        ordering = ["navn", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "navn"],
                name="omkostningstype_navn_unik",
                violation_error_message=_("Kommunen har allerede en omkostningstype med det navn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.navn} ({self.get_enhed_display()})"


class Pris(models.Model):
    """A unit price, valid from a date until the next price of the same type."""

    omkostningstype = models.ForeignKey(
        Omkostningstype,
        on_delete=models.PROTECT,
        related_name="priser",
        verbose_name=_("omkostningstype"),
    )
    gyldig_fra = models.DateField(_("gyldig fra"))
    beloeb = models.DecimalField(
        _("enhedspris (kr.)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("pris")
        verbose_name_plural = _("priser")
        ordering = ["omkostningstype", "gyldig_fra"]
        constraints = [
            models.UniqueConstraint(
                fields=["omkostningstype", "gyldig_fra"],
                name="pris_en_pr_dato",
                violation_error_message=_(
                    "Omkostningstypen har allerede en pris, der gælder fra den dato."
                ),
            ),
            models.CheckConstraint(
                condition=Q(beloeb__gte=0),
                name="pris_ikke_negativ",
                violation_error_message=_("Enhedsprisen må ikke være negativ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.omkostningstype.navn}: {self.beloeb} fra {self.gyldig_fra}"


class Omkostningslinje(models.Model):
    """A cost the municipality has for a family member (or the whole family) in a period.

    Personal data of its sector: it belongs to the family's Sagsdel of the cost type's sector.
    """

    class Kilde(models.TextChoices):
        MANUEL = "manuel", _("Indtastet")
        IMPORT = "import", _("Importeret")
        DEMO = "demo", _("Demodata")

    sagsdel = models.ForeignKey(
        Sagsdel,
        on_delete=models.PROTECT,
        related_name="omkostningslinjer",
        verbose_name=_("sagsdel"),
    )
    # Blank: a cost of the whole family (e.g. familiebehandling).
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="omkostningslinjer",
        verbose_name=_("person"),
    )
    omkostningstype = models.ForeignKey(
        Omkostningstype,
        on_delete=models.PROTECT,
        related_name="linjer",
        verbose_name=_("omkostningstype"),
    )
    antal = models.DecimalField(
        _("antal"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "For priser pr. måned, dag eller år: hvor mange ad gangen (fx 1 ydelse). "
            "For priser pr. time, session eller forløb: antallet i hele perioden."
        ),
    )
    fra = models.DateField(_("fra"))
    til = models.DateField(
        _("til"), null=True, blank=True, help_text=_("Tom: løber stadig (kun for løbende priser).")
    )
    pris_override = models.DecimalField(
        _("afvigende enhedspris (kr.)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Udfyld kun, hvis prislistens pris ikke gælder for denne linje."),
    )
    override_begrundelse = models.CharField(
        _("begrundelse for afvigende pris"), max_length=300, blank=True
    )
    kilde = models.CharField(_("kilde"), max_length=10, choices=Kilde.choices, default=Kilde.MANUEL)
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    aendret = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("omkostningslinje")
        verbose_name_plural = _("omkostningslinjer")
        ordering = ["-fra", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(til__isnull=True) | Q(til__gte=models.F("fra")),
                name="omkostningslinje_til_efter_fra",
                violation_error_message=_("Slutdatoen skal ligge på eller efter startdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(antal__gt=0),
                name="omkostningslinje_antal_positivt",
                violation_error_message=_("Antal skal være større end 0."),
            ),
            models.CheckConstraint(
                condition=Q(pris_override__isnull=True)
                | (Q(pris_override__gte=0) & ~Q(override_begrundelse="")),
                name="omkostningslinje_override_begrundet",
                violation_error_message=_(
                    "En afvigende pris skal være 0 eller mere og have en begrundelse."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["sagsdel", "fra"]),
            models.Index(fields=["omkostningstype", "fra"]),
        ]

    def __str__(self) -> str:
        return f"{self.omkostningstype.navn} {self.fra}–{self.til or ''}"


class Investeringslinje(models.Model):
    """What the project itself costs: staff and other costs in a period (not personal data)."""

    class Kategori(models.TextChoices):
        PERSONALE = "personale", _("Personale")
        ANDET = "andet", _("Andre udgifter")

    class Enhed(models.TextChoices):
        MAANED = "maaned", _("pr. måned")
        I_ALT = "i_alt", _("i alt for perioden")

    projekt = models.ForeignKey(
        Projekt,
        on_delete=models.PROTECT,
        related_name="investeringslinjer",
        verbose_name=_("projekt"),
    )
    kategori = models.CharField(_("kategori"), max_length=10, choices=Kategori.choices)
    beskrivelse = models.CharField(_("beskrivelse"), max_length=200)
    forvaltning = models.ForeignKey(
        Forvaltning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("betalende forvaltning"),
    )
    beloeb = models.DecimalField(
        _("beløb (kr.)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    enhed = models.CharField(_("enhed"), max_length=10, choices=Enhed.choices, default=Enhed.MAANED)
    fra = models.DateField(_("fra"))
    til = models.DateField(_("til"), null=True, blank=True)
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("investeringslinje")
        verbose_name_plural = _("investeringslinjer")
        ordering = ["-fra", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(til__isnull=True) | Q(til__gte=models.F("fra")),
                name="investeringslinje_til_efter_fra",
                violation_error_message=_("Slutdatoen skal ligge på eller efter startdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(beloeb__gte=0),
                name="investeringslinje_beloeb_ikke_negativt",
                violation_error_message=_("Beløbet må ikke være negativt."),
            ),
            models.CheckConstraint(
                condition=~Q(enhed="i_alt") | Q(til__isnull=False),
                name="investeringslinje_i_alt_har_slut",
                violation_error_message=_("Et beløb i alt for perioden kræver en slutdato."),
            ),
        ]
        indexes = [models.Index(fields=["projekt", "fra"])]

    def __str__(self) -> str:
        return self.beskrivelse


class Projektoekonomi(models.Model):
    """The project's settings for the business case."""

    projekt = models.OneToOneField(
        Projekt, on_delete=models.CASCADE, related_name="oekonomi", verbose_name=_("projekt")
    )
    diskonteringsrente = models.DecimalField(
        _("diskonteringsrente (% pr. år)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("projektøkonomi")
        verbose_name_plural = _("projektøkonomi")
        constraints = [
            models.CheckConstraint(
                condition=Q(diskonteringsrente__gte=0, diskonteringsrente__lte=100),
                name="projektoekonomi_rente_0_100",
                violation_error_message=_("Diskonteringsrenten skal være fra 0 til 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.projekt)
