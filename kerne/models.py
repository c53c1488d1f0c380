"""Tables of the shared kernel: organisation, roles, families, persons, consent, grants, audit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from kerne import cpr_crypto
from kerne.cpr import normalise


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


# Months a discharged family's personal data is kept (Projekt.opbevaring_maaneder).
OPBEVARING_DEFAULT = 24
OPBEVARING_MIN = 12
OPBEVARING_MAX = 60


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
    # How long a discharged family's personal data is kept before the daily retention task
    # anonymises it (kerne.opbevaring; the bounds are argued in docs/operations.md).
    opbevaring_maaneder = models.PositiveSmallIntegerField(
        _("opbevaring efter udslusning (måneder)"),
        default=OPBEVARING_DEFAULT,
        validators=[
            MinValueValidator(OPBEVARING_MIN, _("Opbevaringen skal være mindst 12 måneder.")),
            MaxValueValidator(OPBEVARING_MAX, _("Opbevaringen må højst være 60 måneder.")),
        ],
        help_text=_(
            "Så mange måneder efter udslusningen anonymiseres familiens personoplysninger (12–60)."
        ),
    )
    # On by default: a new project protects its personal data with a second factor for local
    # accounts unless someone decides otherwise (the demo seeder turns it off for the demo).
    kraev_totp = models.BooleanField(
        _("kræv engangskode (TOTP) ved log ind"),
        default=True,
        help_text=_(
            "Lokale konti med en rolle, der ser personoplysninger i projektet, skal angive en "
            "kode fra en godkendelses-app, når de logger ind."
        ),
    )

    class Meta:
        verbose_name = _("projekt")
        verbose_name_plural = _("projekter")
        ordering = ["kommune__navn", "navn"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registreringsfrist_dag__gte=1, registreringsfrist_dag__lte=28),
                name="projekt_registreringsfrist_dag_1_28",
                violation_error_message=_("Registreringsfristen skal være en dag fra 1 til 28."),
            ),
            models.CheckConstraint(
                condition=models.Q(kapacitet_pr_koordinator__gte=1),
                name="projekt_kapacitet_positiv",
                violation_error_message=_("Kapaciteten skal være mindst 1 familie."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    opbevaring_maaneder__gte=OPBEVARING_MIN, opbevaring_maaneder__lte=OPBEVARING_MAX
                ),
                name="projekt_opbevaring_12_60",
                violation_error_message=_("Opbevaringen skal være mellem 12 og 60 måneder."),
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
    # Blank for a cross-sector team (the project team): it owns no sector's data.
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices, blank=True)

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
    # Shown to the families in the portal with the phone and e-mail (issue 12: availability).
    traeffetid = models.CharField(
        _("træffetid"), max_length=200, blank=True, help_text=_("Fx mandag–torsdag kl. 9–12.")
    )

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


class OidcIdentitet(models.Model):
    """A staff user's identity at an OpenID Connect provider: issuer and subject, never e-mail.

    E-mail addresses are reassigned and differ between providers; (issuer, subject) is the
    one identifier a provider promises never to give to someone else.
    """

    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_identiteter",
        verbose_name=_("bruger"),
    )
    issuer = models.CharField(_("udsteder"), max_length=255)
    subject = models.CharField(_("subjekt"), max_length=255)
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    sidst_brugt = models.DateTimeField(_("sidst brugt"), default=timezone.now)

    class Meta:
        verbose_name = _("OIDC-identitet")
        verbose_name_plural = _("OIDC-identiteter")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identitet_unik"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class Delingsregel(models.Model):
    """The project's sharing policy: may a role see a sector's data, and on what condition."""

    class Regel(models.TextChoices):
        ALWAYS = "always", _("Altid")
        WITH_CONSENT = "with_consent", _("Med samtykke eller hjemmel")
        NEVER = "never", _("Aldrig")

    projekt = models.ForeignKey(
        Projekt, on_delete=models.CASCADE, related_name="delingsregler", verbose_name=_("projekt")
    )
    rolle = models.CharField(_("rolle"), max_length=20, choices=Rolle.choices)
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices)
    regel = models.CharField(_("regel"), max_length=20, choices=Regel.choices)

    class Meta:
        verbose_name = _("delingsregel")
        verbose_name_plural = _("delingsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["projekt", "rolle", "sektor"], name="delingsregel_unik"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.projekt}: {self.get_rolle_display()} / {self.get_sektor_display()}"


class PersonQuerySet(models.QuerySet):
    def with_cpr(self, *numbers: str) -> "PersonQuerySet":
        """Persons holding any of these CPR numbers (with or without the hyphen).

        The one way to find a person by CPR number: it matches the keyed hash, since the
        stored token differs on every write. A malformed number matches nobody.
        """
        digests = [
            found
            for digits in {cpr_crypto.canonical(number) for number in numbers} - {None}
            for found in cpr_crypto.lookup_digests(digits)
        ]
        return self.filter(cpr_hash__in=digests)


class Person(models.Model):
    """A citizen, once per municipality; the same person may belong to two families.

    `cpr` reads as the ten digits (or None) and is set the same way; the database holds only
    the encrypted token and the keyed hash (kerne/cpr_crypto.py). Find by number with
    `Person.objects.with_cpr(...)`.
    """

    class Koen(models.TextChoices):
        KVINDE = "K", _("Kvinde")
        MAND = "M", _("Mand")

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="personer", verbose_name=_("kommune")
    )
    # The CPR number, never shown unmasked without a logged reveal: a Fernet token and the
    # keyed hash, both set through the `cpr` property. NULL, not "", for a person without a
    # known number, so the uniqueness constraint skips them.
    cpr_cipher = models.TextField(  # noqa: DJ001
        _("CPR-nummer, krypteret"), null=True, blank=True, editable=False
    )
    cpr_hash = models.CharField(  # noqa: DJ001
        _("CPR-nummer, nøglet hash"), max_length=64, null=True, blank=True, editable=False
    )
    fornavn = models.CharField(_("fornavn"), max_length=100)
    efternavn = models.CharField(_("efternavn"), max_length=100)
    foedselsdato = models.DateField(_("fødselsdato"), null=True, blank=True)
    koen = models.CharField(_("køn"), max_length=1, choices=Koen.choices, blank=True)
    adresse = models.CharField(_("adresse"), max_length=200, blank=True)
    postnummer = models.CharField(_("postnummer"), max_length=4, blank=True)
    by = models.CharField(_("by"), max_length=100, blank=True)
    # The citizen's own sign-in, for the family portal.
    bruger = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("bruger"),
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["efternavn", "fornavn"]
        constraints = [
            # The hash first: its index also serves lookups by number across municipalities.
            models.UniqueConstraint(
                fields=["cpr_hash", "kommune"],
                condition=models.Q(cpr_hash__isnull=False),
                name="person_cpr_unik_pr_kommune",
            ),
        ]
        indexes = [models.Index(fields=["kommune", "efternavn", "fornavn"])]

    def __str__(self) -> str:
        return self.fulde_navn

    def __getstate__(self) -> dict:
        # A pickled person (cache, session) carries the token, never the opened digits.
        state = super().__getstate__()
        state.pop("_cpr_opened", None)
        return state

    def save(self, **kwargs) -> None:
        # `cpr` is not a column: update_fields=["cpr"] means both columns behind it, so that
        # clearing a number (`person.cpr = None`) can never leave its hash behind.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "cpr" in update_fields:
            kwargs["update_fields"] = [f for f in update_fields if f != "cpr"] + [
                "cpr_cipher",
                "cpr_hash",
            ]
        super().save(**kwargs)

    @property
    def cpr(self) -> str | None:
        token = self.cpr_cipher
        if token is None:
            return None
        # Decrypted once per token: a page reads the number for its mask more than once.
        opened = self.__dict__.get("_cpr_opened")
        if opened is None or opened[0] != token:
            opened = (token, cpr_crypto.decrypt(token))
            self.__dict__["_cpr_opened"] = opened
        return opened[1]

    @cpr.setter
    def cpr(self, value: str | None) -> None:
        if not value:
            self.cpr_cipher = self.cpr_hash = None
            return
        try:
            digits = normalise(value)
        except ValidationError as error:
            raise ValidationError({"cpr": error.messages}) from None
        self.cpr_cipher = cpr_crypto.encrypt(digits)
        self.cpr_hash = cpr_crypto.digest(digits)
        self.__dict__["_cpr_opened"] = (self.cpr_cipher, digits)

    @property
    def fulde_navn(self) -> str:
        return f"{self.fornavn} {self.efternavn}"


class Familie(models.Model):
    class Status(models.TextChoices):
        KLADDE = "kladde", _("Kladde")
        INDSTILLET = "indstillet", _("Indstillet")
        PAA_DAGSORDEN = "paa_dagsorden", _("På dagsorden")
        OPTAGET = "optaget", _("Optaget")
        AFVIST = "afvist", _("Afvist")
        VENTELISTE = "venteliste", _("Venteliste")
        AKTIV = "aktiv", _("Aktiv")
        AFSLUTTET = "afsluttet", _("Afsluttet")

    projekt = models.ForeignKey(
        Projekt, on_delete=models.PROTECT, related_name="familier", verbose_name=_("projekt")
    )
    betegnelse = models.CharField(
        _("betegnelse"), max_length=200, help_text=_("Fx 'Familien Jensen'.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.KLADDE
    )
    koordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="koordinerede_familier",
        verbose_name=_("koordinerende sagsbehandler"),
    )
    personer = models.ManyToManyField(
        Person, through="Familiemedlemskab", related_name="familier", verbose_name=_("personer")
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    # The first day of the family's current stay in the project, kept by the visitation app
    # when it opens a stay. A kernel fact because the baseline window of the investment model
    # and the "at admission" figures of the reports are measured from it.
    optaget = models.DateField(_("optaget"), null=True, blank=True)
    # The day of the discharge while the family is discharged, kept by the visitation app
    # (from the stay it closes); the retention deadline runs from it.
    afsluttet = models.DateField(_("udsluset"), null=True, blank=True)
    # Set by the retention task once the family's personal data is gone: never done twice.
    anonymiseret = models.DateTimeField(_("anonymiseret"), null=True, blank=True)

    class Meta:
        verbose_name = _("familie")
        verbose_name_plural = _("familier")
        ordering = ["betegnelse", "pk"]
        indexes = [
            models.Index(fields=["projekt", "status"]),
            models.Index(fields=["koordinator", "status"]),
            models.Index(fields=["status", "afsluttet"]),
        ]

    def __str__(self) -> str:
        return self.betegnelse


class Familiemedlemskab(models.Model):
    """A person's membership of a family, over time."""

    class Rolle(models.TextChoices):
        VOKSEN = "voksen", _("Voksen")
        BARN = "barn", _("Barn")

    class Relation(models.TextChoices):
        MOR = "mor", _("Mor")
        FAR = "far", _("Far")
        FORAELDER = "foraelder", _("Forælder")
        STEDFORAELDER = "stedforaelder", _("Stedforælder")
        PARTNER = "partner", _("Partner")
        BARN = "barn", _("Barn")
        PLEJEBARN = "plejebarn", _("Plejebarn")
        ANDEN = "anden", _("Anden")

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="medlemskaber", verbose_name=_("familie")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="medlemskaber", verbose_name=_("person")
    )
    rolle = models.CharField(_("rolle"), max_length=10, choices=Rolle.choices)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    foraeldremyndighed = models.BooleanField(_("forældremyndighed"), default=False)
    fra = models.DateField(_("fra"))
    til = models.DateField(_("til"), null=True, blank=True)

    class Meta:
        verbose_name = _("familiemedlemskab")
        verbose_name_plural = _("familiemedlemskaber")
        ordering = ["rolle", "person__foedselsdato"]
        constraints = [
            models.UniqueConstraint(
                fields=["familie", "person"],
                condition=models.Q(til__isnull=True),
                name="familiemedlemskab_et_aktivt",
            ),
            models.CheckConstraint(
                condition=models.Q(til__isnull=True) | models.Q(til__gte=models.F("fra")),
                name="familiemedlemskab_til_efter_fra",
                violation_error_message=_("Slutdatoen skal ligge på eller efter startdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} i {self.familie}"


class Sagsdel(models.Model):
    """One family's data in one sector: the object every sector grant is given on."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="sagsdele", verbose_name=_("familie")
    )
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices)

    class Meta:
        verbose_name = _("sagsdel")
        verbose_name_plural = _("sagsdele")
        constraints = [
            models.UniqueConstraint(fields=["familie", "sektor"], name="sagsdel_unik"),
        ]

    def __str__(self) -> str:
        return f"{self.familie} – {self.get_sektor_display()}"


class Afdelingssag(models.Model):
    """A department's own case on the family: the fact that gives its case worker access."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="afdelingssager", verbose_name=_("familie")
    )
    forvaltning = models.ForeignKey(
        Forvaltning,
        on_delete=models.PROTECT,
        related_name="sager",
        verbose_name=_("forvaltning"),
    )
    sagsbehandler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="afdelingssager",
        verbose_name=_("sagsbehandler"),
    )
    aabnet = models.DateField(_("åbnet"))
    lukket = models.DateField(_("lukket"), null=True, blank=True)

    class Meta:
        verbose_name = _("afdelingssag")
        verbose_name_plural = _("afdelingssager")
        indexes = [models.Index(fields=["familie", "lukket"])]

    def __str__(self) -> str:
        return f"{self.forvaltning}: {self.familie}"


class Samtykke(models.Model):
    """Consent: a person lets these sectors' data go to these departments, for a purpose."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="samtykker", verbose_name=_("familie")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="samtykker", verbose_name=_("givet af")
    )
    sektorer = models.JSONField(_("sektorer"), default=list)
    modtagere = models.ManyToManyField(
        Forvaltning, related_name="modtagne_samtykker", verbose_name=_("modtagere")
    )
    formaal = models.CharField(_("formål"), max_length=500)
    gyldig_fra = models.DateField(_("gyldig fra"))
    gyldig_til = models.DateField(_("gyldig til"), null=True, blank=True)
    registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    registreret = models.DateTimeField(_("registreret"), auto_now_add=True)
    tilbagekaldt = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    tilbagekaldt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tilbagekaldt af"),
    )
    tilbagekaldelse_note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-gyldig_fra", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gyldig_til__isnull=True)
                | models.Q(gyldig_til__gte=models.F("gyldig_fra")),
                name="samtykke_til_efter_fra",
                violation_error_message=_("Slutdatoen skal ligge på eller efter startdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.formaal}"

    def is_valid_on(self, day) -> bool:
        return (
            self.tilbagekaldt is None
            and self.gyldig_fra <= day
            and (self.gyldig_til is None or day <= self.gyldig_til)
        )


class Hjemmel(models.Model):
    """A recorded legal basis letting a sector's data of one family go to a department."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="hjemler", verbose_name=_("familie")
    )
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices)
    modtager = models.ForeignKey(
        Forvaltning, on_delete=models.PROTECT, related_name="+", verbose_name=_("modtager")
    )
    paragraf = models.CharField(_("lovhjemmel"), max_length=200, help_text=_("Fx SEL § 49 b."))
    note = models.TextField(_("note"), blank=True)
    gyldig_fra = models.DateField(_("gyldig fra"))
    gyldig_til = models.DateField(_("gyldig til"), null=True, blank=True)
    registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registreret = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("hjemmel")
        verbose_name_plural = _("hjemler")

    def __str__(self) -> str:
        return f"{self.paragraf} ({self.get_sektor_display()} → {self.modtager})"

    def is_valid_on(self, day) -> bool:
        return self.gyldig_fra <= day and (self.gyldig_til is None or day <= self.gyldig_til)


class EksplicitAdgang(models.Model):
    """A grant given by hand, beyond the rules: who gave it, why, and until when."""

    class Tilladelse(models.TextChoices):
        VIEW = "view", _("Se")
        CHANGE = "change", _("Se og ændre")

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="eksplicitte_adgange"
    )
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eksplicitte_adgange"
    )
    # Blank: the family level only (members, status), no sector's data.
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices, blank=True)
    tilladelse = models.CharField(_("tilladelse"), max_length=10, choices=Tilladelse.choices)
    begrundelse = models.CharField(_("begrundelse"), max_length=500)
    gyldig_til = models.DateField(_("gyldig til"))
    givet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    givet = models.DateTimeField(_("givet"), auto_now_add=True)

    class Meta:
        verbose_name = _("eksplicit adgang")
        verbose_name_plural = _("eksplicitte adgange")

    def __str__(self) -> str:
        return f"{self.bruger} → {self.familie} ({self.get_tilladelse_display()})"


class FamilieUserObjectPermission(UserObjectPermissionBase):
    """Guardian grants on Familie, with a real foreign key so filtering is one indexed join."""

    content_object = models.ForeignKey(Familie, on_delete=models.CASCADE)


class FamilieGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Familie, on_delete=models.CASCADE)


class SagsdelUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Sagsdel, on_delete=models.CASCADE)


class SagsdelGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Sagsdel, on_delete=models.CASCADE)


class Adgangslog(models.Model):
    """The audit log: append-only (no update path here; a trigger refuses it on PostgreSQL).

    Ids, not foreign keys: the log must outlive what it tells about and never be rewritten
    by a cascade. No CPR number in clear text ever goes in here.
    """

    class Handling(models.TextChoices):
        READ = "read", _("Læsning")
        CREATE = "create", _("Oprettelse")
        CHANGE = "change", _("Ændring")
        DELETE = "delete", _("Sletning")
        EXPORT = "export", _("Udtræk")
        PDF = "pdf", _("PDF")
        CPR_REVEAL = "cpr_reveal", _("Visning af CPR-nummer")
        DENIED = "denied", _("Afvist adgang")
        GRANTS = "grants", _("Ændrede adgange")
        SIGN_IN_FAILED = "sign_in_failed", _("Mislykket log ind")
        LOCKED_OUT = "locked_out", _("Konto spærret")
        PERMISSION_CHANGE = "permission_change", _("Ændrede rettigheder")

    class Formaal(models.TextChoices):
        SAGSBEHANDLING = "sagsbehandling", _("Sagsbehandling")
        VISITATION = "visitation", _("Visitation")
        REGISTRERING = "registrering", _("Registrering")
        RAPPORT = "rapport", _("Rapportering")
        SUPPORT = "support", _("Support og drift")
        TILSYN = "tilsyn", _("Tilsyn og databeskyttelse")

    tidspunkt = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    bruger_id = models.BigIntegerField(_("bruger-id"), null=True, blank=True)
    brugernavn = models.CharField(_("brugernavn"), max_length=150, blank=True)
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices)
    formaal = models.CharField(_("formål"), max_length=20, choices=Formaal.choices)
    projekt_id = models.BigIntegerField(_("projekt-id"), null=True, blank=True)
    familie_id = models.BigIntegerField(_("familie-id"), null=True, blank=True)
    person_id = models.BigIntegerField(_("person-id"), null=True, blank=True)
    sektor = models.CharField(_("sektor"), max_length=20, choices=Sektor.choices, blank=True)
    objekt_type = models.CharField(_("objekttype"), max_length=60, blank=True)
    objekt_id = models.CharField(_("objekt-id"), max_length=60, blank=True)
    ip = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    request_id = models.CharField(_("request-id"), max_length=64, blank=True)
    detaljer = models.JSONField(_("detaljer"), default=dict, blank=True)

    class Meta:
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")
        ordering = ["-tidspunkt", "-pk"]
        indexes = [
            models.Index(fields=["familie_id", "tidspunkt"]),
            models.Index(fields=["person_id", "tidspunkt"]),
            models.Index(fields=["bruger_id", "tidspunkt"]),
            models.Index(fields=["projekt_id", "tidspunkt"]),
        ]

    def __str__(self) -> str:
        return f"{self.tidspunkt:%Y-%m-%d %H:%M} {self.brugernavn} {self.handling}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Adgangslog rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Adgangslog rows are append-only.")


def _private_storage():
    # Generated documents live outside the web root and are served only by a view that checks
    # permission and writes the audit row.
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Dokument(models.Model):
    """A generated PDF: built once per (kind, key) by a Celery task, with visible progress."""

    class Tilstand(models.TextChoices):
        VENTENDE = "ventende", _("I kø")
        KOERER = "koerer", _("Dannes")
        FAERDIG = "faerdig", _("Klar")
        FEJLET = "fejlet", _("Fejlet")

    kind = models.CharField(_("art"), max_length=50)
    noegle = models.CharField(_("nøgle"), max_length=200)
    titel = models.CharField(_("titel"), max_length=200)
    projekt = models.ForeignKey(
        Projekt, on_delete=models.PROTECT, related_name="dokumenter", verbose_name=_("projekt")
    )
    familie = models.ForeignKey(
        Familie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dokumenter",
        verbose_name=_("familie"),
    )
    tilstand = models.CharField(
        _("tilstand"), max_length=10, choices=Tilstand.choices, default=Tilstand.VENTENDE
    )
    fremdrift = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    fil = models.FileField(
        _("fil"), storage=_private_storage, upload_to="dokumenter/%Y/%m", blank=True
    )
    fejl = models.CharField(_("fejl"), max_length=500, blank=True)
    # The task delivery that claimed the build: only that delivery, redelivered after its
    # worker died, may take over a document left "being built" (kerne.services.dokument_byg).
    opgave = models.CharField(_("opgave"), max_length=64, blank=True, editable=False)
    bestilt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    bestilt = models.DateTimeField(_("bestilt"), auto_now_add=True)
    faerdig = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        constraints = [
            models.UniqueConstraint(fields=["kind", "noegle"], name="dokument_unik_pr_noegle"),
            models.CheckConstraint(
                condition=models.Q(fremdrift__lte=100), name="dokument_fremdrift_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.titel


class Fravaer(models.Model):
    """A staff member's absence in a project and who stands in for them meanwhile.

    A kernel fact, not a kontakt table: it routes messages (kontakt), gives the substitute the
    absent case manager's grants (the access policy) and is shown in the family portal
    (familieplan), and those apps may not import one another.
    """

    projekt = models.ForeignKey(
        Projekt, on_delete=models.PROTECT, related_name="fravaer", verbose_name=_("projekt")
    )
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fravaer",
        verbose_name=_("fraværende"),
    )
    stedfortraeder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="stedfortraedninger",
        verbose_name=_("stedfortræder"),
    )
    fra = models.DateField(_("fra"))
    til = models.DateField(_("til og med"))
    registreret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registreret = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("fravær")
        verbose_name_plural = _("fravær")
        ordering = ["-fra", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(til__gte=models.F("fra")),
                name="fravaer_til_efter_fra",
                violation_error_message=_("Slutdatoen skal ligge på eller efter startdatoen."),
            ),
            models.CheckConstraint(
                condition=~models.Q(stedfortraeder=models.F("bruger")),
                name="fravaer_stedfortraeder_ikke_selv",
                violation_error_message=_("Stedfortræderen skal være en anden end den fraværende."),
            ),
        ]
        indexes = [models.Index(fields=["projekt", "bruger", "til"])]

    def __str__(self) -> str:
        return f"{self.bruger} {self.fra}–{self.til}"


class Notifikation(models.Model):
    """An in-app notification; e-mail and SMS copies are sent from it (kerne.notifikationer).

    It holds no text: the words come from its kind, so no personal data can slip into one.
    """

    class Art(models.TextChoices):
        NY_BESKED = "ny_besked", _("Ny besked")
        PLAN_AFTALT = "plan_aftalt", _("Plan aftalt")
        MOEDE_PAAMINDELSE = "moede_paamindelse", _("Påmindelse om møde")
        DOKUMENT_KLAR = "dokument_klar", _("Dokument klar")

    modtager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifikationer",
        verbose_name=_("modtager"),
    )
    art = models.CharField(_("art"), max_length=30, choices=Art.choices)
    # Contentless, so it goes with the family when the family's data is deleted.
    familie = models.ForeignKey(
        Familie, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Makes notify() idempotent: one notification per recipient, kind and event.
    noegle = models.CharField(_("nøgle"), max_length=100)
    oprettet = models.DateTimeField(_("oprettet"), default=timezone.now)
    set = models.DateTimeField(_("set"), null=True, blank=True)
    email_sendt = models.DateTimeField(_("e-mail sendt"), null=True, blank=True)
    sms_sendt = models.DateTimeField(_("sms sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikation")
        verbose_name_plural = _("notifikationer")
        ordering = ["-oprettet", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["modtager", "art", "noegle"], name="notifikation_en_pr_haendelse"
            ),
        ]
        indexes = [models.Index(fields=["modtager", "set"])]

    def __str__(self) -> str:
        return f"{self.modtager} {self.art} {self.oprettet:%Y-%m-%d}"


class Notifikationsvalg(models.Model):
    """How a user wants copies of their notifications: e-mail (default) and SMS (opt-in)."""

    bruger = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifikationsvalg",
        verbose_name=_("bruger"),
    )
    email = models.BooleanField(_("send en e-mail"), default=True)
    sms = models.BooleanField(_("send en sms"), default=False)
    mobil = models.CharField(
        _("mobilnummer"),
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(
                r"^(\+45)?[0-9]{8}$", _("Mobilnummeret skal være 8 cifre, evt. med +45 foran.")
            )
        ],
    )

    class Meta:
        verbose_name = _("notifikationsvalg")
        verbose_name_plural = _("notifikationsvalg")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sms=False) | ~models.Q(mobil=""),
                name="notifikationsvalg_sms_kraever_mobil",
                violation_error_message=_("Skriv et mobilnummer for at få sms."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.bruger)
