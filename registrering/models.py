"""Tables of the monthly registration: indicator definitions, registrations and their values,
reopened months, questionnaires, project risks and milestones, CSV imports and reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kerne.models import Familie, Familiemedlemskab, Kommune, Person, Projekt, Sagsdel, Sektor
from registrering import rules


class Indikator(models.Model):
    """One indicator's definition: data, so a municipality adds one without a code change."""

    class Type(models.TextChoices):
        SKALA = rules.Type.SKALA, _("Skala 0–4 (funktionsniveau)")
        HELTAL = rules.Type.HELTAL, _("Helt tal")
        DECIMAL = rules.Type.DECIMAL, _("Tal")
        JA_NEJ = rules.Type.JA_NEJ, _("Ja/nej")
        VALG = rules.Type.VALG, _("Valg mellem faste svar")

    # Blank: a national indicator every municipality registers; else that municipality's own.
    kommune = models.ForeignKey(
        Kommune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kommune"),
    )
    kode = models.SlugField(_("kode"), max_length=50)
    navn = models.CharField(_("navn"), max_length=100)
    hjaelpetekst = models.CharField(_("hjælpetekst"), max_length=300, blank=True)
    gaelder_for = models.CharField(
        _("gælder for"), max_length=10, choices=Familiemedlemskab.Rolle.choices
    )
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    min_vaerdi = models.DecimalField(
        _("mindste værdi"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    max_vaerdi = models.DecimalField(
        _("største værdi"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    min_alder = models.PositiveSmallIntegerField(_("fra alder"), null=True, blank=True)
    max_alder = models.PositiveSmallIntegerField(_("til og med alder"), null=True, blank=True)
    sektor = models.CharField(
        _("sektor"),
        max_length=20,
        choices=Sektor.choices,
        help_text=_("Sektoren afgør, hvem der må se værdierne."),
    )
    raekkefoelge = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    paakraevet = models.BooleanField(
        _("påkrævet"), default=True, help_text=_("Tæller med, når en måned er komplet.")
    )
    valg = models.JSONField(
        _("svarmuligheder"),
        default=list,
        blank=True,
        help_text=_('Kun for typen "valg": en liste af [kode, tekst].'),
    )
    forudsaetning = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forudsætning"),
        help_text=_("Registreres kun, når denne ja/nej-indikator er besvaret med ja."),
    )
    aktiv = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["gaelder_for", "raekkefoelge", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gaelder_for", "kode"],
                condition=models.Q(kommune__isnull=True),
                name="indikator_kode_unik_national",
                violation_error_message=_("Der findes allerede en indikator med den kode."),
            ),
            models.UniqueConstraint(
                fields=["kommune", "gaelder_for", "kode"],
                condition=models.Q(kommune__isnull=False),
                name="indikator_kode_unik_i_kommune",
                violation_error_message=_("Kommunen har allerede en indikator med den kode."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_vaerdi__isnull=True)
                | models.Q(max_vaerdi__isnull=True)
                | models.Q(min_vaerdi__lte=models.F("max_vaerdi")),
                name="indikator_min_under_max",
                violation_error_message=_("Mindste værdi skal være mindre end største værdi."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_alder__isnull=True)
                | models.Q(max_alder__isnull=True)
                | models.Q(min_alder__lte=models.F("max_alder")),
                name="indikator_min_alder_under_max",
                violation_error_message=_("Fra-alderen skal være lavere end til-alderen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.navn} ({self.get_gaelder_for_display().lower()})"

    @property
    def subjektiv(self) -> bool:
        return self.type == self.Type.SKALA

    def as_def(self) -> rules.IndikatorDef:
        return rules.IndikatorDef(
            pk=self.pk,
            kode=self.kode,
            navn=self.navn,
            gaelder_for=self.gaelder_for,
            type=self.type,
            sektor=self.sektor,
            min_vaerdi=self.min_vaerdi,
            max_vaerdi=self.max_vaerdi,
            min_alder=self.min_alder,
            max_alder=self.max_alder,
            paakraevet=self.paakraevet,
            valg=tuple((str(code), str(label)) for code, label in self.valg),
            forudsaetning=self.forudsaetning.kode if self.forudsaetning_id else "",
        )


class Registrering(models.Model):
    """One person's registration for one calendar month. The values hang below it by sector.

    Family-level data: that a month is registered and complete is what the completeness
    overviews read, without touching any sector's values.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="registreringer", verbose_name=_("person")
    )
    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="registreringer", verbose_name=_("familie")
    )
    maaned = models.DateField(_("måned"), help_text=_("Månedens første dag."))
    komplet = models.BooleanField(_("komplet"), default=False)
    # Codes of the required indicators still without a value, at the last save.
    mangler = models.JSONField(_("mangler"), default=list, blank=True)
    registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    registreret = models.DateTimeField(_("registreret"), auto_now_add=True)
    aendret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ændret af"),
    )
    aendret = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("registrering")
        verbose_name_plural = _("registreringer")
        ordering = ["-maaned", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "maaned"],
                name="registrering_en_pr_person_pr_maaned",
                violation_error_message=_("Personen er allerede registreret for denne måned."),
            ),
            models.CheckConstraint(
                condition=models.Q(maaned__day=1),
                name="registrering_maaned_foerste_dag",
                violation_error_message=_("Måneden angives ved sin første dag."),
            ),
        ]
        indexes = [
            models.Index(fields=["familie", "maaned"]),
            models.Index(fields=["maaned", "komplet"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.maaned:%Y-%m}"


class Vaerdi(models.Model):
    """One indicator's value in one registration, in the Sagsdel of the indicator's sector."""

    registrering = models.ForeignKey(
        Registrering,
        on_delete=models.PROTECT,
        related_name="vaerdier",
        verbose_name=_("registrering"),
    )
    sagsdel = models.ForeignKey(
        Sagsdel, on_delete=models.PROTECT, related_name="+", verbose_name=_("sagsdel")
    )
    indikator = models.ForeignKey(
        Indikator, on_delete=models.PROTECT, related_name="vaerdier", verbose_name=_("indikator")
    )
    tal = models.DecimalField(_("tal"), max_digits=7, decimal_places=2, null=True, blank=True)
    tekst = models.CharField(_("svar"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("værdi")
        verbose_name_plural = _("værdier")
        constraints = [
            models.UniqueConstraint(
                fields=["registrering", "indikator"],
                name="vaerdi_en_pr_indikator",
                violation_error_message=_("Indikatoren har allerede en værdi i registreringen."),
            ),
            models.CheckConstraint(
                condition=models.Q(tal__isnull=False) | ~models.Q(tekst=""),
                name="vaerdi_ikke_tom",
                violation_error_message=_("En værdi skal have et indhold."),
            ),
        ]
        indexes = [models.Index(fields=["indikator", "sagsdel"])]

    def __str__(self) -> str:
        return f"{self.indikator.kode}={self.tal if self.tal is not None else self.tekst}"


class Maanedsaabning(models.Model):
    """The project leader reopened a locked month for one family, until a date, with a reason."""

    familie = models.ForeignKey(
        Familie,
        on_delete=models.PROTECT,
        related_name="maanedsaabninger",
        verbose_name=_("familie"),
    )
    maaned = models.DateField(_("måned"))
    aaben_til = models.DateField(_("åben til og med"))
    begrundelse = models.CharField(_("begrundelse"), max_length=500)
    aabnet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("genåbnet af"),
    )
    aabnet = models.DateTimeField(_("genåbnet"), auto_now_add=True)

    class Meta:
        verbose_name = _("genåbnet måned")
        verbose_name_plural = _("genåbnede måneder")
        ordering = ["-aabnet"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(maaned__day=1),
                name="maanedsaabning_maaned_foerste_dag",
                violation_error_message=_("Måneden angives ved sin første dag."),
            ),
        ]
        indexes = [models.Index(fields=["familie", "maaned"])]

    def __str__(self) -> str:
        return f"{self.familie} {self.maaned:%Y-%m}"


class Spoergeskema(models.Model):
    """One answered questionnaire (SDQ or WHO-5), stored by item number."""

    class Type(models.TextChoices):
        SDQ = "sdq", _("SDQ")
        WHO5 = "who5", _("WHO-5")

    class Maalepunkt(models.TextChoices):
        START = "start", _("Start")
        MIDTVEJS = "midtvejs", _("Midtvejs")
        SLUT = "slut", _("Slut")
        ANDET = "andet", _("Andet")

    # The sector a questionnaire's answers belong to (who may see them).
    SEKTOR = {Type.SDQ: Sektor.BOERN_FAMILIE, Type.WHO5: Sektor.SUNDHED}

    sagsdel = models.ForeignKey(
        Sagsdel, on_delete=models.PROTECT, related_name="+", verbose_name=_("sagsdel")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="spoergeskemaer", verbose_name=_("person")
    )
    type = models.CharField(_("spørgeskema"), max_length=10, choices=Type.choices)
    version = models.CharField(_("version"), max_length=20)
    maalepunkt = models.CharField(_("målepunkt"), max_length=10, choices=Maalepunkt.choices)
    dato = models.DateField(_("dato"))
    svar = models.JSONField(_("svar"), default=dict, blank=True)
    # The headline score, kept for reports that aggregate in the database: the SDQ's total
    # difficulties or the WHO-5 percentage; NULL when missing by the scoring rules.
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registreret = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("spørgeskema")
        verbose_name_plural = _("spørgeskemaer")
        ordering = ["person", "type", "dato", "pk"]
        indexes = [models.Index(fields=["person", "type", "dato"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.person} {self.dato}"


class SdqItemtekst(models.Model):
    """An SDQ item's text, loaded by a municipality holding a licence (the texts are
    copyrighted; without them the pages show item numbers and neutral labels)."""

    kommune = models.ForeignKey(
        Kommune, on_delete=models.CASCADE, related_name="+", verbose_name=_("kommune")
    )
    version = models.CharField(_("version"), max_length=20)
    punkt = models.CharField(_("punkt"), max_length=30)
    tekst = models.CharField(_("tekst"), max_length=300)

    class Meta:
        verbose_name = _("SDQ-tekst")
        verbose_name_plural = _("SDQ-tekster")
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "version", "punkt"], name="sdqitemtekst_unik"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.punkt}"


# --- Project risks and milestones -------------------------------------------------------------


class Risiko(models.Model):
    class Status(models.TextChoices):
        AABEN = "aaben", _("Åben")
        UNDER_HAANDTERING = "under_haandtering", _("Under håndtering")
        LUKKET = "lukket", _("Lukket")

    # The declared workflow: which status may follow which.
    TRANSITIONS = {
        Status.AABEN: {Status.UNDER_HAANDTERING, Status.LUKKET},
        Status.UNDER_HAANDTERING: {Status.AABEN, Status.LUKKET},
        Status.LUKKET: {Status.AABEN},
    }

    projekt = models.ForeignKey(
        Projekt, on_delete=models.PROTECT, related_name="risici", verbose_name=_("projekt")
    )
    beskrivelse = models.CharField(_("beskrivelse"), max_length=300)
    sandsynlighed = models.PositiveSmallIntegerField(
        _("sandsynlighed (1–5)"), help_text=_("1 = meget usandsynlig, 5 = næsten sikker.")
    )
    konsekvens = models.PositiveSmallIntegerField(
        _("konsekvens (1–5)"), help_text=_("1 = ubetydelig, 5 = meget alvorlig.")
    )
    afhjaelpning = models.TextField(_("afhjælpning"), blank=True)
    ejer = models.CharField(_("ejer"), max_length=150)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AABEN
    )
    # The month the latest assessment is about.
    maaned = models.DateField(_("vurderet for måned"))
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("risiko")
        verbose_name_plural = _("risici")
        ordering = ["status", "-sandsynlighed", "-konsekvens", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sandsynlighed__gte=1, sandsynlighed__lte=5),
                name="risiko_sandsynlighed_1_5",
                violation_error_message=_("Sandsynligheden skal være fra 1 til 5."),
            ),
            models.CheckConstraint(
                condition=models.Q(konsekvens__gte=1, konsekvens__lte=5),
                name="risiko_konsekvens_1_5",
                violation_error_message=_("Konsekvensen skal være fra 1 til 5."),
            ),
        ]
        indexes = [models.Index(fields=["projekt", "status"])]

    def __str__(self) -> str:
        return self.beskrivelse

    @property
    def score(self) -> int:
        return self.sandsynlighed * self.konsekvens


class RisikoAendring(models.Model):
    """A risk's history: one row per assessment or status change (who, when, from, to, why)."""

    risiko = models.ForeignKey(
        Risiko, on_delete=models.PROTECT, related_name="historik", verbose_name=_("risiko")
    )
    maaned = models.DateField(_("måned"))
    fra_status = models.CharField(
        _("fra status"), max_length=20, choices=Risiko.Status.choices, blank=True
    )
    til_status = models.CharField(_("til status"), max_length=20, choices=Risiko.Status.choices)
    sandsynlighed = models.PositiveSmallIntegerField(_("sandsynlighed"))
    konsekvens = models.PositiveSmallIntegerField(_("konsekvens"))
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)
    aendret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tidspunkt = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("ændring af risiko")
        verbose_name_plural = _("ændringer af risici")
        ordering = ["-tidspunkt", "-pk"]

    def __str__(self) -> str:
        return f"{self.risiko_id} {self.tidspunkt:%Y-%m-%d}"


class Milepael(models.Model):
    class Status(models.TextChoices):
        PLANLAGT = "planlagt", _("Planlagt")
        I_GANG = "i_gang", _("I gang")
        FORSINKET = "forsinket", _("Forsinket")
        NAAET = "naaet", _("Nået")
        AFLYST = "aflyst", _("Aflyst")

    TRANSITIONS = {
        Status.PLANLAGT: {Status.I_GANG, Status.FORSINKET, Status.NAAET, Status.AFLYST},
        Status.I_GANG: {Status.FORSINKET, Status.NAAET, Status.AFLYST},
        Status.FORSINKET: {Status.I_GANG, Status.NAAET, Status.AFLYST},
        Status.NAAET: set(),
        Status.AFLYST: {Status.PLANLAGT},
    }

    projekt = models.ForeignKey(
        Projekt, on_delete=models.PROTECT, related_name="milepaele", verbose_name=_("projekt")
    )
    titel = models.CharField(_("titel"), max_length=200)
    frist = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANLAGT
    )
    note = models.TextField(_("note"), blank=True)
    maaned = models.DateField(_("vurderet for måned"))
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        ordering = ["frist", "pk"]
        indexes = [models.Index(fields=["projekt", "frist"])]

    def __str__(self) -> str:
        return self.titel


class MilepaelAendring(models.Model):
    milepael = models.ForeignKey(
        Milepael, on_delete=models.PROTECT, related_name="historik", verbose_name=_("milepæl")
    )
    maaned = models.DateField(_("måned"))
    fra_status = models.CharField(
        _("fra status"), max_length=20, choices=Milepael.Status.choices, blank=True
    )
    til_status = models.CharField(_("til status"), max_length=20, choices=Milepael.Status.choices)
    frist = models.DateField(_("frist"))
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)
    aendret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tidspunkt = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("ændring af milepæl")
        verbose_name_plural = _("ændringer af milepæle")
        ordering = ["-tidspunkt", "-pk"]

    def __str__(self) -> str:
        return f"{self.milepael_id} {self.tidspunkt:%Y-%m-%d}"


# --- CSV import and reminders -----------------------------------------------------------------


class Indlaesning(models.Model):
    """A CSV import of objective indicators: previewed (dry run), then committed all at once.

    The checked rows hold person ids, never CPR numbers; only the one who uploaded it sees it.
    """

    class Status(models.TextChoices):
        FORHAANDSVIST = "forhaandsvist", _("Afventer godkendelse")
        GENNEMFOERT = "gennemfoert", _("Gennemført")

    projekt = models.ForeignKey(
        Projekt, on_delete=models.PROTECT, related_name="+", verbose_name=_("projekt")
    )
    filnavn = models.CharField(_("filnavn"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FORHAANDSVIST
    )
    antal_linjer = models.PositiveIntegerField(_("antal linjer"), default=0)
    # [{"linje", "person", "familie", "maaned", "kode", "vaerdi"}] for the rows that passed.
    raekker = models.JSONField(_("godkendte linjer"), default=list, blank=True)
    # [{"linje", "felt", "besked"}]: the messages name no CPR number.
    fejl = models.JSONField(_("fejl"), default=list, blank=True)
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    gennemfoert = models.DateTimeField(_("gennemført"), null=True, blank=True)

    class Meta:
        verbose_name = _("indlæsning")
        verbose_name_plural = _("indlæsninger")
        ordering = ["-oprettet", "-pk"]

    def __str__(self) -> str:
        return self.filnavn


class Paamindelse(models.Model):
    """A reminder sent: one per case manager, month and day, so a redelivered task sends none."""

    bruger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    projekt = models.ForeignKey(Projekt, on_delete=models.CASCADE, related_name="+")
    maaned = models.DateField(_("måned"))
    dato = models.DateField(_("sendt"))
    antal_mangler = models.PositiveIntegerField(_("antal mangler"))

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        constraints = [
            models.UniqueConstraint(
                fields=["bruger", "projekt", "maaned", "dato"], name="paamindelse_en_pr_dag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bruger_id} {self.maaned:%Y-%m} {self.dato}"
