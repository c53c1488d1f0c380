"""Pure rules of the visitation: the criteria, capacity, waiting time and the assessment deadline.

No database here: every function takes plain values, so it is tested with worked examples.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

# The five criteria of DOMAIN.md §3, as (field name, question). The referral stores each as
# yes/no in <field> and a note in <field>_note.
KRITERIER: list[tuple[str, object]] = [
    (
        "kendt_begge",
        _("Familien er kendt i både jobcentret og familieafdelingen."),
    ),
    (
        "ydelse",
        _("Mindst én voksen modtager kontanthjælp, uddannelseshjælp eller ressourceforløbsydelse."),
    ),
    (
        "genovervejes",
        _("Den nuværende indsats skal genovervejes for at nå de ønskede resultater."),
    ),
    (
        "tvaerfaglig",
        _("Familien vil have gavn af en ny tværfaglig udredning og indsats."),
    ),
    (
        "motivation",
        _(
            "Forældrene viser (en grad af) motivation for at arbejde med forandring i hele "
            "familien."
        ),
    ),
]
KRITERIE_FELTER = [felt for felt, _question in KRITERIER]


def missing_for_submission(
    *,
    svar: dict[str, bool | None],
    begrundelse: str,
    samtykke_givet_af: object | None,
    samtykke_dato: date | None,
    samtykke_form: str,
    today: date,
) -> dict[str, str]:
    """What a referral lacks before it can be submitted: {field: Danish message}.

    Every criterion must be answered (yes or no: the board weighs a "no"); the reason and the
    family's consent to the visitation must be there, and the consent cannot be dated ahead.
    """
    errors: dict[str, str] = {}
    for felt, _question in KRITERIER:
        if svar.get(felt) is None:
            errors[felt] = str(_("Svar ja eller nej til kriteriet."))
    if not begrundelse.strip():
        errors["begrundelse"] = str(_("Skriv begrundelsen for indstillingen."))
    if samtykke_givet_af is None:
        errors["samtykke_givet_af"] = str(
            _("Vælg den voksne i familien, der har givet samtykke til visitationen.")
        )
    if samtykke_dato is None:
        errors["samtykke_dato"] = str(_("Angiv datoen for samtykket."))
    elif samtykke_dato > today:
        errors["samtykke_dato"] = str(_("Samtykkets dato må ikke ligge i fremtiden."))
    if not samtykke_form:
        errors["samtykke_form"] = str(_("Angiv, om samtykket er skriftligt eller mundtligt."))
    return errors


def unmet_criteria(svar: dict[str, bool | None]) -> list[str]:
    """The criteria answered "no" (the board sees them flagged)."""
    return [felt for felt in KRITERIE_FELTER if svar.get(felt) is False]


@dataclass(frozen=True)
class Belastning:
    """One case manager's load against the project's capacity per case manager."""

    aktive: int
    kapacitet: int

    @property
    def ledige(self) -> int:
        return max(self.kapacitet - self.aktive, 0)

    @property
    def over(self) -> int:
        return max(self.aktive - self.kapacitet, 0)

    @property
    def fuld(self) -> bool:
        return self.aktive >= self.kapacitet

    @property
    def procent(self) -> int:
        """Share of the capacity in use, for the bar; 100 and above is full."""
        return round(100 * self.aktive / self.kapacitet) if self.kapacitet else 100


def needs_capacity_confirmation(*, aktive: int, kapacitet: int) -> bool:
    """One more family would take the case manager beyond the capacity."""
    return aktive + 1 > kapacitet


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day where it is shorter (31 Jan + 1)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def assessment_deadline(*, optaget: date, maaneder: int) -> date:
    return add_months(optaget, maaneder)


# A deadline within this many days is "soon".
SOON_DAYS = 14


def deadline_state(*, frist: date, today: date) -> str:
    """'overskredet' (past), 'snart' (within SOON_DAYS, today included) or 'senere'."""
    if frist < today:
        return "overskredet"
    if (frist - today).days <= SOON_DAYS:
        return "snart"
    return "senere"


def waiting_days(*, siden: date, today: date) -> int:
    """Whole days a family has waited since its referral; never negative."""
    return max((today - siden).days, 0)
