"""Tables of the family plan: versions, goals, activities, sector plans, follow-ups, stafetlog.

Versioning: every version owns its own rows of goals, activities and sector-plan links. A
draft (kladde) is edited in place; agreeing it with the family freezes its rows for good, and
the next draft starts as a copy. Rows, not a JSON snapshot, so that every frozen activity still
carries its `sagsdel` and the one access policy (kerne.adgang.visible) partitions old versions
exactly as it partitions the draft. `noegle` follows one goal/activity across versions (the
diff and the follow-ups are keyed on it).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kerne.models import Familie, Person, Projekt, Sagsdel


class PlanIndstilling(models.Model):
    """A project's settings for the plan: the weekly hours budgets used by the collision check.

    A table of its own because kerne.Projekt belongs to the kernel; a project without a row
    uses the defaults.
    """

    DEFAULT_VOKSEN = 37
    DEFAULT_BARN = 37

    projekt = models.OneToOneField(
        Projekt, on_delete=models.CASCADE, related_name="planindstilling", verbose_name=_("projekt")
    )
    ugebudget_voksen = models.PositiveSmallIntegerField(
        _("timebudget pr. uge for en voksen"),
        default=DEFAULT_VOKSEN,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    ugebudget_barn = models.PositiveSmallIntegerField(
        _("timebudget pr. uge for et barn"),
        default=DEFAULT_BARN,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )

    class Meta:
        verbose_name = _("planindstilling")
        verbose_name_plural = _("planindstillinger")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ugebudget_voksen__gte=1, ugebudget_voksen__lte=80)
                & models.Q(ugebudget_barn__gte=1, ugebudget_barn__lte=80),
                name="planindstilling_budget_1_80",
                violation_error_message=_("Timebudgettet skal være mellem 1 og 80 timer om ugen."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.projekt)


class Planversion(models.Model):
    """One version of a family's plan: a draft, or a version agreed with the family (frozen)."""

    class Status(models.TextChoices):
        KLADDE = "kladde", _("Kladde")
        AFTALT = "aftalt", _("Aftalt med familien")

    class Form(models.TextChoices):
        MOEDE = "moede", _("På et møde")
        NETVAERKSMOEDE = "netvaerksmoede", _("På et netværksmøde")
        TELEFON = "telefon", _("I telefonen")
        VIDEO = "video", _("På video")
        SKRIFTLIGT = "skriftligt", _("Skriftligt")

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="planversioner", verbose_name=_("familie")
    )
    nummer = models.PositiveIntegerField(_("versionsnummer"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.KLADDE
    )
    # Bumped by every change to the draft: agreeing a draft someone changed meanwhile is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    aendret = models.DateTimeField(_("ændret"), auto_now=True)
    aftalt_dato = models.DateField(_("aftalt den"), null=True, blank=True)
    aftalt_form = models.CharField(
        _("aftalt hvordan"), max_length=20, choices=Form.choices, blank=True
    )
    aftalt_med = models.ManyToManyField(
        Person, related_name="+", blank=True, verbose_name=_("aftalt med")
    )
    aftalt_registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    aftalt_registreret = models.DateTimeField(_("registreret"), null=True, blank=True)

    class Meta:
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        ordering = ["familie", "-nummer"]
        constraints = [
            models.UniqueConstraint(fields=["familie", "nummer"], name="planversion_nummer_unik"),
            models.UniqueConstraint(
                fields=["familie"],
                condition=models.Q(status="kladde"),
                name="planversion_en_kladde",
                violation_error_message=_("Familien har allerede en kladde til planen."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="kladde")
                | models.Q(aftalt_dato__isnull=False, aftalt_registreret__isnull=False),
                name="planversion_aftalt_har_dato",
                violation_error_message=_("En aftalt version skal have en dato for aftalen."),
            ),
        ]
        indexes = [models.Index(fields=["familie", "status", "nummer"])]

    def __str__(self) -> str:
        return f"{self.familie} v{self.nummer}"

    @property
    def er_kladde(self) -> bool:
        return self.status == self.Status.KLADDE


class Statusskift(models.Model):
    """One change of status of a plan version or a stafetlog agreement: who, when, from, to, why."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="+", verbose_name=_("familie")
    )
    objekt_type = models.CharField(_("objekttype"), max_length=20)
    objekt_id = models.BigIntegerField(_("objekt-id"))
    fra = models.CharField(_("fra"), max_length=20)
    til = models.CharField(_("til"), max_length=20)
    bruger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tidspunkt = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    begrundelse = models.CharField(_("begrundelse"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("statusskift")
        verbose_name_plural = _("statusskift")
        ordering = ["tidspunkt", "pk"]
        indexes = [models.Index(fields=["objekt_type", "objekt_id"])]

    def __str__(self) -> str:
        return f"{self.objekt_type} {self.objekt_id}: {self.fra} → {self.til}"


class Maal(models.Model):
    """A family-level goal (fælles mål) in one version of the plan."""

    version = models.ForeignKey(
        Planversion, on_delete=models.PROTECT, related_name="maal", verbose_name=_("version")
    )
    # The family, repeated from the version, so the access policy sees family-level data.
    familie = models.ForeignKey(Familie, on_delete=models.PROTECT, related_name="+")
    noegle = models.UUIDField(_("nøgle"), default=uuid.uuid4, editable=False)
    titel = models.CharField(_("mål"), max_length=300)
    maalopfyldelse = models.TextField(_("sådan ser vi, at målet er nået"), max_length=2000)
    raekkefoelge = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("fælles mål")
        verbose_name_plural = _("fælles mål")
        ordering = ["raekkefoelge", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "noegle"], name="maal_noegle_unik"),
        ]

    def __str__(self) -> str:
        return self.titel


class Art(models.TextChoices):
    """The kind of an activity: two of the same kind at once in two sectors is a collision."""

    FYSISK_TRAENING = "fysisk_traening", _("Fysisk træning")
    KURSUS = "kursus", _("Kursus eller opkvalificering")
    PRAKTIK = "praktik", _("Praktik eller job")
    UDDANNELSE = "uddannelse", _("Uddannelse")
    MENTOR = "mentor", _("Mentor")
    SAMTALEFORLOEB = "samtaleforloeb", _("Samtaleforløb")
    PSYKOLOG = "psykolog", _("Psykolog eller terapi")
    BEHANDLING = "behandling", _("Behandling")
    FAMILIEBEHANDLING = "familiebehandling", _("Familiebehandling")
    FORAELDREKURSUS = "foraeldrekursus", _("Forældrekursus")
    STOETTE_I_HJEMMET = "stoette_i_hjemmet", _("Støtte i hjemmet")
    DAGTILBUD_SKOLE = "dagtilbud_skole", _("Dagtilbud eller skole")
    FRITID = "fritid", _("Fritidsaktivitet")
    ANDET = "andet", _("Andet")


class Kadence(models.TextChoices):
    """How often an activity is followed up (the due dates follow from it: see frister.py)."""

    UGENTLIG = "ugentlig", _("Hver uge")
    HVER_14_DAG = "hver_14_dag", _("Hver 14. dag")
    MAANEDLIG = "maanedlig", _("Hver måned")
    KVARTALSVIS = "kvartalsvis", _("Hvert kvartal")
    HALVAARLIG = "halvaarlig", _("Hvert halve år")


class Indsats(models.Model):
    """An activity of the plan (DOMAIN.md §4): it belongs to one sector, so to one Sagsdel."""

    version = models.ForeignKey(
        Planversion, on_delete=models.PROTECT, related_name="indsatser", verbose_name=_("version")
    )
    sagsdel = models.ForeignKey(
        Sagsdel, on_delete=models.PROTECT, related_name="+", verbose_name=_("sektor")
    )
    noegle = models.UUIDField(_("nøgle"), default=uuid.uuid4, editable=False)
    titel = models.CharField(_("indsats"), max_length=200)
    art = models.CharField(_("art"), max_length=30, choices=Art.choices)
    personer = models.ManyToManyField(Person, related_name="+", verbose_name=_("personer"))
    faelles_maal = models.ForeignKey(
        Maal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indsatser",
        verbose_name=_("fælles mål"),
    )
    maal = models.TextField(_("mål"), max_length=2000)
    maalopfyldelse = models.TextField(_("sådan ser vi, at målet er nået"), max_length=2000)
    tilbud = models.TextField(_("tilbud"), max_length=2000)
    leverandoer = models.CharField(_("leverandør"), max_length=200)
    startdato = models.DateField(_("startdato"))
    slutdato = models.DateField(_("slutdato"))
    timer_pr_uge = models.DecimalField(
        _("timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    lovgrundlag = models.CharField(
        _("lovgrundlag"), max_length=200, blank=True, help_text=_("Fx LAB § 42 eller SEL § 52.")
    )
    kadence = models.CharField(_("opfølgning, hvor ofte"), max_length=20, choices=Kadence.choices)
    opfoelgningsform = models.CharField(_("opfølgning, hvordan"), max_length=300)
    konsekvens_ved_udeblivelse = models.TextField(_("konsekvens ved udeblivelse"), max_length=2000)
    ansvarlig = models.CharField(_("ansvarlig fagperson"), max_length=200)
    synlig_for_familien = models.BooleanField(_("synlig for familien"), default=True)
    raekkefoelge = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        ordering = ["startdato", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "noegle"], name="indsats_noegle_unik"),
            models.CheckConstraint(
                condition=models.Q(slutdato__gte=models.F("startdato")),
                name="indsats_slut_efter_start",
                violation_error_message=_("Slutdatoen skal ligge på eller efter startdatoen."),
            ),
            models.CheckConstraint(
                condition=models.Q(timer_pr_uge__gte=0, timer_pr_uge__lte=60),
                name="indsats_timer_0_60",
                violation_error_message=_("Timer pr. uge skal være mellem 0 og 60."),
            ),
        ]
        indexes = [models.Index(fields=["noegle"])]

    def __str__(self) -> str:
        return self.titel

    @property
    def sektor(self) -> str:
        return self.sagsdel.sektor


class Sektorplan(models.Model):
    """A link to a sector plan the family plan gathers (jobplan, handleplan, ...)."""

    class Type(models.TextChoices):
        JOBPLAN = "jobplan", _("Jobplan (Min plan)")
        BARNETS_PLAN = "barnets_plan", _("Barnets plan")
        UNGEPLAN = "ungeplan", _("Ungeplan")
        HANDLEPLAN = "handleplan", _("Handleplan")
        UDDANNELSESPLAN = "uddannelsesplan", _("Uddannelsesplan")
        BEHANDLINGSPLAN = "behandlingsplan", _("Behandlingsplan")
        ANDEN = "anden", _("Anden plan")

    version = models.ForeignKey(Planversion, on_delete=models.PROTECT, related_name="sektorplaner")
    sagsdel = models.ForeignKey(
        Sagsdel, on_delete=models.PROTECT, related_name="+", verbose_name=_("sektor")
    )
    noegle = models.UUIDField(_("nøgle"), default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    dato = models.DateField(_("dato"))
    ejer = models.CharField(_("ejer"), max_length=200, help_text=_("Fx Jobcenter, Karen Hansen."))
    reference = models.CharField(
        _("reference"), max_length=200, help_text=_("Fx sagsnummer i fagsystemet.")
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("sektorplan")
        verbose_name_plural = _("sektorplaner")
        ordering = ["dato", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "noegle"], name="sektorplan_noegle_unik"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.reference}"


class Opfoelgning(models.Model):
    """A dated follow-up of an activity; recorded against the agreed version's row."""

    class Vurdering(models.TextChoices):
        PAA_SPORET = "paa_sporet", _("På sporet")
        DELVIST = "delvist", _("Delvist på sporet")
        IKKE_PAA_SPORET = "ikke_paa_sporet", _("Ikke på sporet")
        MAAL_NAAET = "maal_naaet", _("Målet er nået")

    indsats = models.ForeignKey(
        Indsats, on_delete=models.PROTECT, related_name="opfoelgninger", verbose_name=_("indsats")
    )
    # The activity's sector (and lineage), repeated so the policy and the history need no join.
    sagsdel = models.ForeignKey(Sagsdel, on_delete=models.PROTECT, related_name="+")
    noegle = models.UUIDField(_("indsatsens nøgle"), db_index=True)
    dato = models.DateField(_("dato"))
    form = models.CharField(_("hvordan"), max_length=200)
    vurdering = models.CharField(_("vurdering"), max_length=20, choices=Vurdering.choices)
    notat = models.TextField(_("notat"), max_length=4000, blank=True)
    registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registreret = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        ordering = ["-dato", "-pk"]

    def __str__(self) -> str:
        return f"{self.indsats} {self.dato}"


class Maalopfoelgning(models.Model):
    """A dated follow-up of a family goal (family-level data)."""

    maal = models.ForeignKey(
        Maal, on_delete=models.PROTECT, related_name="opfoelgninger", verbose_name=_("mål")
    )
    familie = models.ForeignKey(Familie, on_delete=models.PROTECT, related_name="+")
    noegle = models.UUIDField(_("målets nøgle"), db_index=True)
    dato = models.DateField(_("dato"))
    form = models.CharField(_("hvordan"), max_length=200)
    vurdering = models.CharField(
        _("vurdering"), max_length=20, choices=Opfoelgning.Vurdering.choices
    )
    notat = models.TextField(_("notat"), max_length=4000, blank=True)
    registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registreret = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("opfølgning på mål")
        verbose_name_plural = _("opfølgninger på mål")
        ordering = ["-dato", "-pk"]

    def __str__(self) -> str:
        return f"{self.maal} {self.dato}"


class Frist(models.Model):
    """The next follow-up due for one activity of the latest agreed version.

    A row per running activity, kept current by the services (on agreement and on each
    follow-up), so the to-do list and the daily sweep are indexed queries, not a walk over
    every plan.
    """

    indsats = models.OneToOneField(
        Indsats, on_delete=models.PROTECT, related_name="frist", verbose_name=_("indsats")
    )
    sagsdel = models.ForeignKey(Sagsdel, on_delete=models.PROTECT, related_name="+")
    noegle = models.UUIDField(_("indsatsens nøgle"), unique=True)
    forfald = models.DateField(_("forfalder"))

    class Meta:
        verbose_name = _("opfølgningsfrist")
        verbose_name_plural = _("opfølgningsfrister")
        indexes = [models.Index(fields=["forfald"])]

    def __str__(self) -> str:
        return f"{self.indsats} {self.forfald}"


class Paamindelse(models.Model):
    """An in-app reminder of a follow-up due, made by the daily sweep; one per due date."""

    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planpaamindelser"
    )
    familie = models.ForeignKey(Familie, on_delete=models.PROTECT, related_name="+")
    noegle = models.UUIDField(_("indsatsens nøgle"))
    forfald = models.DateField(_("forfalder"))
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    set = models.DateTimeField(_("set"), null=True, blank=True)

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        ordering = ["forfald", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bruger", "noegle", "forfald"], name="paamindelse_en_pr_frist"
            ),
        ]
        indexes = [models.Index(fields=["bruger", "set"])]

    def __str__(self) -> str:
        return f"{self.bruger} {self.forfald}"


# --- Stafetlog (DOMAIN.md §5) -----------------------------------------------------------------


class Aktoer(models.Model):
    """A person around the family: a professional, a network person, the family itself."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="aktoerer", verbose_name=_("familie")
    )
    navn = models.CharField(_("navn"), max_length=200)
    rolle = models.CharField(_("rolle"), max_length=200, help_text=_("Fx mentor, psykolog."))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    kontakt = models.CharField(
        _("sådan kontaktes personen"),
        max_length=300,
        help_text=_("Telefon, e-mail eller tider, hvor personen kan træffes."),
    )
    # A professional with an account here; with the parents' approval (maa_laese) they may
    # read this family's stafetlog, and nothing else of the family.
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stafetlog_aktoerer",
        verbose_name=_("brugerkonto"),
    )
    maa_laese = models.BooleanField(
        _("forældrene har sagt ja til, at personen må læse"), default=False
    )
    laeseadgang_besluttet_af = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besluttet af"),
    )
    er_stafetholder = models.BooleanField(_("stafetholder"), default=False)
    ophoert = models.DateField(_("ophørt"), null=True, blank=True)

    class Meta:
        verbose_name = _("aktør")
        verbose_name_plural = _("aktører")
        ordering = ["-er_stafetholder", "navn", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["familie"],
                condition=models.Q(er_stafetholder=True, ophoert__isnull=True),
                name="aktoer_en_stafetholder",
                violation_error_message=_("Familien har allerede en stafetholder."),
            ),
            models.CheckConstraint(
                condition=models.Q(maa_laese=False)
                | models.Q(laeseadgang_besluttet_af__isnull=False),
                name="aktoer_laeseadgang_besluttet",
                violation_error_message=_("Angiv hvilken forælder, der har givet lov til at læse."),
            ),
        ]
        indexes = [models.Index(fields=["bruger", "maa_laese"])]

    def __str__(self) -> str:
        return f"{self.navn} ({self.rolle})"


class Stafetmoede(models.Model):
    """A meeting with the family (stafetlog-møde, netværksmøde or stormøde): when and where,
    agenda, minutes, participants, decisions; the agreements made at it point here.

    One meeting concept for the stafetlog and the network work (issue 11): the agreements, the
    portal and the stafetlog already hang on this table, so it is generalised in place.
    """

    class Art(models.TextChoices):
        STAFETLOGMOEDE = "stafetlogmoede", _("Stafetlogmøde")
        NETVAERKSMOEDE = "netvaerksmoede", _("Netværksmøde")
        STORMOEDE = "stormoede", _("Stormøde")

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="stafetmoeder", verbose_name=_("familie")
    )
    art = models.CharField(
        _("mødetype"), max_length=20, choices=Art.choices, default=Art.STAFETLOGMOEDE
    )
    tidspunkt = models.DateTimeField(_("tidspunkt"))
    sted = models.CharField(_("sted"), max_length=200)
    dagsorden = models.TextField(
        _("dagsorden"), max_length=4000, blank=True, help_text=_("Ét punkt pr. linje.")
    )
    referat = models.TextField(
        _("referat"),
        max_length=20000,
        blank=True,
        help_text=_("Familien kan læse referatet. Skriv i et sprog, familien forstår."),
    )
    # Never on the meeting screen, in the portal or in the minutes PDF.
    intern_note = models.TextField(
        _("intern note"),
        max_length=4000,
        blank=True,
        help_text=_("Kun for fagpersoner. Vises aldrig for familien eller på mødeskærmen."),
    )
    naeste_moede = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forrige_moede",
        verbose_name=_("næste møde"),
    )
    bekraeftet_af = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aftalerne bekræftet af"),
    )
    bekraeftet = models.DateTimeField(_("bekræftet"), null=True, blank=True)
    bekraeftelse_registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekræftelsen registreret af"),
    )
    # Moves with every change to the meeting, its participants, decisions and agreements: the
    # meeting screen polls with the revision it shows and gets "no change" until it moves.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("møde med familien")
        verbose_name_plural = _("møder med familien")
        ordering = ["-tidspunkt", "pk"]
        indexes = [models.Index(fields=["familie", "tidspunkt"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bekraeftet__isnull=True, bekraeftet_af__isnull=True)
                | models.Q(bekraeftet__isnull=False, bekraeftet_af__isnull=False),
                name="stafetmoede_bekraeftet_hvem_og_hvornaar",
                violation_error_message=_("En bekræftelse skal have både hvem og hvornår."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.familie} {self.tidspunkt:%Y-%m-%d}"

    @property
    def er_bekraeftet(self) -> bool:
        return self.bekraeftet is not None

    @property
    def dagsordenpunkter(self) -> list[str]:
        return [line.strip() for line in self.dagsorden.splitlines() if line.strip()]


class Aftale(models.Model):
    """An agreement of the stafetlog: what, who, by when, status."""

    class Status(models.TextChoices):
        AABEN = "aaben", _("Ikke startet")
        I_GANG = "i_gang", _("I gang")
        UDFOERT = "udfoert", _("Udført")
        OPGIVET = "opgivet", _("Opgivet")

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="aftaler", verbose_name=_("familie")
    )
    moede = models.ForeignKey(
        Stafetmoede,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aftaler",
        verbose_name=_("aftalt på mødet"),
    )
    hvad = models.CharField(_("hvad"), max_length=500)
    hvem = models.CharField(_("hvem"), max_length=200)
    frist = models.DateField(_("senest"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AABEN
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("aftale")
        verbose_name_plural = _("aftaler")
        ordering = ["frist", "pk"]
        indexes = [models.Index(fields=["familie", "status"])]

    def __str__(self) -> str:
        return self.hvad


class Moededeltager(models.Model):
    """Who took part in a meeting: a member of the family or an actor of the stafetlog
    (a professional or a network person)."""

    moede = models.ForeignKey(
        Stafetmoede, on_delete=models.PROTECT, related_name="deltagere", verbose_name=_("møde")
    )
    familie = models.ForeignKey(Familie, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("familiemedlem"),
    )
    aktoer = models.ForeignKey(
        Aktoer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moededeltagelser",
        verbose_name=_("aktør"),
    )

    class Meta:
        verbose_name = _("mødedeltager")
        verbose_name_plural = _("mødedeltagere")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True, aktoer__isnull=False)
                | models.Q(person__isnull=False, aktoer__isnull=True),
                name="moededeltager_person_eller_aktoer",
                violation_error_message=_("En deltager er enten et familiemedlem eller en aktør."),
            ),
            models.UniqueConstraint(
                fields=["moede", "person"],
                condition=models.Q(person__isnull=False),
                name="moededeltager_person_en_gang",
            ),
            models.UniqueConstraint(
                fields=["moede", "aktoer"],
                condition=models.Q(aktoer__isnull=False),
                name="moededeltager_aktoer_en_gang",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.aktoer)


class Beslutning(models.Model):
    """A decision made at a meeting. Made into a stafetlog agreement and/or a plan activity in
    the same step, so nothing is typed twice; the decision keeps the links."""

    moede = models.ForeignKey(
        Stafetmoede, on_delete=models.PROTECT, related_name="beslutninger", verbose_name=_("møde")
    )
    familie = models.ForeignKey(Familie, on_delete=models.PROTECT, related_name="+")
    tekst = models.CharField(_("beslutning"), max_length=1000)
    aftale = models.OneToOneField(
        Aftale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beslutning",
        verbose_name=_("stafetlogaftale"),
    )
    # The activity in the draft it became; `indsats_noegle` follows it into later versions
    # (the draft row itself may be deleted before the plan is agreed).
    indsats = models.ForeignKey(
        Indsats,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indsats i planen"),
    )
    indsats_noegle = models.UUIDField(_("indsatsens nøgle"), null=True, blank=True)
    synlig_for_familien = models.BooleanField(_("synlig for familien"), default=True)
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        ordering = ["oprettet", "pk"]

    def __str__(self) -> str:
        return self.tekst
