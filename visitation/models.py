"""Tables of the visitation: referrals, board meetings, agenda items, status history, stays."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kerne.models import Familie, Forvaltning, Person, Projekt


class Indstilling(models.Model):
    """A referral of a family to the visitation board (DOMAIN.md §3).

    A draft until it is submitted (`indsendt`); open until the board admits or rejects the
    family (`lukket`). A family on the waiting list keeps its referral open.
    """

    class SamtykkeForm(models.TextChoices):
        SKRIFTLIGT = "skriftligt", _("Skriftligt")
        MUNDTLIGT = "mundtligt", _("Mundtligt (noteret)")

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="indstillinger", verbose_name=_("familie")
    )
    forvaltning = models.ForeignKey(
        Forvaltning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indstillinger",
        verbose_name=_("indstillende afdeling"),
    )
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="indstillinger",
        verbose_name=_("indstillet af"),
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    indsendt = models.DateTimeField(_("indsendt"), null=True, blank=True)
    lukket = models.DateTimeField(_("afgjort"), null=True, blank=True)
    begrundelse = models.TextField(_("begrundelse for indstillingen"), blank=True)
    # The five criteria of DOMAIN.md §3: yes/no (None while the draft leaves it open) and a note.
    kendt_begge = models.BooleanField(
        _("kendt i jobcenter og familieafdeling"), null=True, blank=True
    )
    kendt_begge_note = models.TextField(_("note"), blank=True)
    ydelse = models.BooleanField(
        _("voksen på kontanthjælp, uddannelseshjælp eller ressourceforløbsydelse"),
        null=True,
        blank=True,
    )
    ydelse_note = models.TextField(_("note"), blank=True)
    genovervejes = models.BooleanField(
        _("den nuværende indsats skal genovervejes"), null=True, blank=True
    )
    genovervejes_note = models.TextField(_("note"), blank=True)
    tvaerfaglig = models.BooleanField(
        _("familien vil have gavn af en ny tværfaglig udredning og indsats"),
        null=True,
        blank=True,
    )
    tvaerfaglig_note = models.TextField(_("note"), blank=True)
    motivation = models.BooleanField(
        _("forældrene viser motivation for at arbejde med forandring"), null=True, blank=True
    )
    motivation_note = models.TextField(_("note"), blank=True)
    # The family's consent to be referred and discussed by the board.
    samtykke_givet_af = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samtykke givet af"),
    )
    samtykke_dato = models.DateField(_("samtykke givet den"), null=True, blank=True)
    samtykke_form = models.CharField(
        _("samtykkets form"), max_length=20, choices=SamtykkeForm.choices, blank=True
    )

    class Meta:
        verbose_name = _("indstilling")
        verbose_name_plural = _("indstillinger")
        ordering = ["-oprettet", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["familie"],
                condition=Q(lukket__isnull=True),
                name="indstilling_en_aaben_pr_familie",
                violation_error_message=_("Familien har allerede en åben indstilling."),
            ),
            models.CheckConstraint(
                condition=Q(lukket__isnull=True) | Q(indsendt__isnull=False),
                name="indstilling_afgjort_kun_efter_indsendelse",
                violation_error_message=_("En indstilling kan først afgøres, når den er indsendt."),
            ),
        ]
        indexes = [
            models.Index(fields=["indsendt"]),
            models.Index(fields=["oprettet_af", "lukket"]),
        ]

    def __str__(self) -> str:
        return f"{_('Indstilling')} {self.pk}: {self.familie}"

    @property
    def er_kladde(self) -> bool:
        return self.indsendt is None


class Visitationsmoede(models.Model):
    """A meeting of the visitation board; its agenda is its items."""

    projekt = models.ForeignKey(
        Projekt,
        on_delete=models.PROTECT,
        related_name="visitationsmoeder",
        verbose_name=_("projekt"),
    )
    dato = models.DateField(_("dato"))
    tidspunkt = models.TimeField(_("tidspunkt"), null=True, blank=True)
    sted = models.CharField(_("sted"), max_length=200)
    medlemmer = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="visitationsmoeder", verbose_name=_("medlemmer")
    )
    referat = models.TextField(_("referat"), blank=True)
    afsluttet = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    afsluttet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afsluttet af"),
    )
    # Bumped by every change to the agenda or a decision: a new version means a new PDF.
    version = models.PositiveIntegerField(_("version"), default=1)
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("visitationsmøde")
        verbose_name_plural = _("visitationsmøder")
        ordering = ["-dato", "-pk"]
        indexes = [models.Index(fields=["projekt", "dato"])]

    def __str__(self) -> str:
        return f"{_('Visitationsmøde')} {self.dato:%d.%m.%Y}"


class Dagsordenspunkt(models.Model):
    """One referral on one meeting's agenda, and the board's decision on it."""

    class Beslutning(models.TextChoices):
        OPTAG = "optag", _("Optages")
        AFVIS = "afvis", _("Afvises")
        VENTELISTE = "venteliste", _("Venteliste")

    moede = models.ForeignKey(
        Visitationsmoede, on_delete=models.PROTECT, related_name="punkter", verbose_name=_("møde")
    )
    indstilling = models.ForeignKey(
        Indstilling, on_delete=models.PROTECT, related_name="punkter", verbose_name=_("indstilling")
    )
    # The family, again, so that the access policy filters items at family level.
    familie = models.ForeignKey(
        Familie,
        on_delete=models.PROTECT,
        related_name="dagsordenspunkter",
        verbose_name=_("familie"),
    )
    raekkefoelge = models.PositiveIntegerField(_("rækkefølge"), default=0)
    # The family's status before it went on the agenda: taking it off restores that.
    forrige_status = models.CharField(
        _("status før dagsordenen"), max_length=20, choices=Familie.Status.choices
    )
    beslutning = models.CharField(
        _("beslutning"), max_length=20, choices=Beslutning.choices, blank=True
    )
    begrundelse = models.TextField(_("begrundelse"), blank=True)
    besluttet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besluttet af"),
    )
    besluttet = models.DateTimeField(_("besluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        ordering = ["moede", "raekkefoelge", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indstilling"],
                condition=Q(beslutning=""),
                name="dagsordenspunkt_et_uafgjort_pr_indstilling",
                violation_error_message=_("Indstillingen er allerede på en dagsorden."),
            ),
            models.CheckConstraint(
                condition=~Q(beslutning="afvis") | ~Q(begrundelse=""),
                name="dagsordenspunkt_afvisning_kraever_begrundelse",
                violation_error_message=_("En afvisning skal have en begrundelse."),
            ),
            models.CheckConstraint(
                condition=Q(beslutning="", besluttet__isnull=True, besluttet_af__isnull=True)
                | (~Q(beslutning="") & Q(besluttet__isnull=False, besluttet_af__isnull=False)),
                name="dagsordenspunkt_beslutning_hvem_hvornaar",
                violation_error_message=_("En beslutning skal have hvem og hvornår."),
            ),
        ]
        indexes = [models.Index(fields=["familie", "beslutning"])]

    def __str__(self) -> str:
        return f"{self.moede}: {self.familie}"


class Statusskift(models.Model):
    """One change of a family's status: who, when, from, to, why. Never changed afterwards."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="statusskift", verbose_name=_("familie")
    )
    fra = models.CharField(_("fra"), max_length=20, choices=Familie.Status.choices, blank=True)
    til = models.CharField(_("til"), max_length=20, choices=Familie.Status.choices)
    tidspunkt = models.DateTimeField(_("tidspunkt"))
    udfoert_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udført af"),
    )
    begrundelse = models.TextField(_("begrundelse"), blank=True)

    class Meta:
        verbose_name = _("statusskift")
        verbose_name_plural = _("statusskift")
        ordering = ["tidspunkt", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(fra=models.F("til")),
                name="statusskift_fra_forskellig_fra_til",
                violation_error_message=_("Et statusskift skal skifte til en anden status."),
            ),
        ]
        indexes = [models.Index(fields=["familie", "tidspunkt"])]

    def __str__(self) -> str:
        return f"{self.familie}: {self.fra or '–'} → {self.til}"


class Forloeb(models.Model):
    """A family's stay in the project, from admission to discharge (udslusning)."""

    class Aarsag(models.TextChoices):
        MAAL_NAAET = "maal_naaet", _("Målene er nået")
        FLYTTET = "flyttet", _("Familien er flyttet")
        OENSKER_IKKE = "oensker_ikke", _("Familien ønsker ikke at fortsætte")
        ALMINDELIG_SAG = "almindelig_sag", _("Overgået til almindelig sagsbehandling")
        ANDET = "andet", _("Andet")

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="forloeb", verbose_name=_("familie")
    )
    optaget = models.DateField(_("optaget"))
    # Fixed at admission from the project's setting then: a later change of the setting does
    # not move a deadline the family and case manager already work towards.
    udredningsfrist = models.DateField(_("frist for udredning"))
    udredning_afsluttet = models.DateField(_("udredning afsluttet"), null=True, blank=True)
    afsluttet = models.DateField(_("udsluset"), null=True, blank=True)
    aarsag = models.CharField(_("årsag"), max_length=20, choices=Aarsag.choices, blank=True)
    aarsag_tekst = models.CharField(_("anden årsag"), max_length=300, blank=True)
    overdragelsesnote = models.TextField(_("overdragelsesnote"), blank=True)
    afsluttet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udsluset af"),
    )
    registreret = models.DateTimeField(_("registreret"), null=True, blank=True)

    class Meta:
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        ordering = ["-optaget", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["familie"],
                condition=Q(afsluttet__isnull=True),
                name="forloeb_et_aabent_pr_familie",
                violation_error_message=_("Familien har allerede et åbent forløb."),
            ),
            models.CheckConstraint(
                condition=Q(afsluttet__isnull=True) | Q(afsluttet__gte=models.F("optaget")),
                name="forloeb_udslusning_efter_optagelse",
                violation_error_message=_(
                    "Udslusningsdatoen skal ligge på eller efter optagelsesdatoen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(afsluttet__isnull=True) | ~Q(aarsag=""),
                name="forloeb_udslusning_kraever_aarsag",
                violation_error_message=_("Vælg en årsag til udslusningen."),
            ),
            models.CheckConstraint(
                condition=~Q(aarsag="andet") | ~Q(aarsag_tekst=""),
                name="forloeb_anden_aarsag_kraever_tekst",
                violation_error_message=_("Beskriv årsagen, når du vælger »Andet«."),
            ),
        ]
        indexes = [
            models.Index(fields=["afsluttet", "udredning_afsluttet", "udredningsfrist"]),
        ]

    def __str__(self) -> str:
        return f"{self.familie}: {self.optaget:%d.%m.%Y}"


class Tildeling(models.Model):
    """One assignment of a case manager to a family, with the capacity it was made against."""

    familie = models.ForeignKey(
        Familie, on_delete=models.PROTECT, related_name="tildelinger", verbose_name=_("familie")
    )
    koordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("koordinerende sagsbehandler"),
    )
    tildelt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tidspunkt = models.DateTimeField(_("tidspunkt"))
    aktive_foer = models.PositiveIntegerField(_("aktive familier før tildelingen"))
    kapacitet = models.PositiveSmallIntegerField(_("kapacitet"))
    # Flagged: the project leader confirmed an assignment beyond the case manager's capacity.
    over_kapacitet = models.BooleanField(_("over kapacitet"), default=False)
    begrundelse = models.TextField(_("begrundelse"), blank=True)

    class Meta:
        verbose_name = _("tildeling")
        verbose_name_plural = _("tildelinger")
        ordering = ["-tidspunkt", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(over_kapacitet=False) | ~Q(begrundelse=""),
                name="tildeling_over_kapacitet_kraever_begrundelse",
                violation_error_message=_(
                    "En tildeling ud over kapaciteten skal have en begrundelse."
                ),
            ),
        ]
        indexes = [models.Index(fields=["familie", "tidspunkt"])]

    def __str__(self) -> str:
        return f"{self.familie} → {self.koordinator}"
