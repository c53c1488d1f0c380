"""Retention: which discharged families are due for anonymisation, and what each app blanks.

A family discharged (status `afsluttet`, `Familie.afsluttet` the date) longer ago than its
project's `opbevaring_maaneder` loses its personal data: kerne.services.familie_anonymiser
runs the kernel's own part (designation, persons, consent texts, cached documents) and then
every app's registered `Anonymiser`, in one transaction per family. Apps register from their
AppConfig.ready(), like the panels of kerne.dashboard and the seeders of kerne.demo, so the
kernel imports no domain app. Ids, codes, dates, numbers and scores stay: the registrations,
questionnaire scores, cost lines and the evaluator's pseudonyms (keyed hashes of ids) still
add up to the same reports.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, Model, Q, QuerySet, Value, When

# What a blanked free-text field holds afterwards. Non-empty so that the check constraints
# requiring a reason (a rejection, "Andet", an assignment over capacity) still hold, and a
# reader sees that text was there; an empty field stays empty.
PLACEHOLDER = "[anonymiseret]"


@dataclass(frozen=True)
class Felter:
    """One model's free-text fields and how the family's rows are found.

    `familie` is the lookup from the model to the family (e.g. "version__familie").
    `felter`: replaced by PLACEHOLDER where not empty. `filer`: the stored file deleted and
    the field emptied. `ikke_personlige`: text fields kept on purpose (codes, legal
    paragraphs, questionnaire answers by item number); each is named here so that a new
    free-text field nobody thought about fails tests/kerne/test_opbevaring.py.
    """

    model: type[Model]
    familie: str
    felter: tuple[str, ...] = ()
    filer: tuple[str, ...] = ()
    ikke_personlige: tuple[str, ...] = ()
    # Handled by code rather than a field update (the person's identity, the designation,
    # documents deleted whole); the tests check those by content.
    saerskilt: tuple[str, ...] = ()


@dataclass(frozen=True)
class Anonymiser:
    """One app's part: its field declarations and, for what a field update cannot do, a hook
    called with the family inside the family's transaction (it must be idempotent)."""

    key: str
    felter: tuple[Felter, ...] = ()
    ekstra: Callable[[Any], None] | None = None
    order: int = 100


ANONYMISERS: list[Anonymiser] = []


def register(anonymiser: Anonymiser) -> None:
    """Add an app's anonymiser once (ready() may run more than once in tests)."""
    if all(existing.key != anonymiser.key for existing in ANONYMISERS):
        ANONYMISERS.append(anonymiser)


def anonymisers() -> list[Anonymiser]:
    return sorted(ANONYMISERS, key=lambda a: (a.order, a.key))


# --- When a family is due (pure) ---------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff(today: datetime.date, months: int) -> datetime.date:
    """A family discharged before this day has been discharged longer than `months` months.

    Discharged on 2026-01-15 with 24 months: kept through 2028-01-15, anonymised from
    2028-01-16 (the first day on which 2026-01-15 < cutoff).
    """
    return months_before(today, months)


def is_due(
    *, status: str, afsluttet: datetime.date | None, months: int, today: datetime.date
) -> bool:
    return status == "afsluttet" and afsluttet is not None and afsluttet < cutoff(today, months)


# --- Reads -------------------------------------------------------------------------------------


def due_families(today: datetime.date) -> QuerySet:
    """Discharged families past their project's retention and not yet anonymised, oldest first.

    One query whatever the number of families: one condition per project (each has its own
    setting), served by the (status, afsluttet) index.
    """
    from kerne.models import Familie, Projekt

    condition = Q(pk__in=[])
    for projekt_id, months in Projekt.objects.values_list("pk", "opbevaring_maaneder"):
        condition |= Q(projekt_id=projekt_id, afsluttet__lt=cutoff(today, months))
    return (
        Familie.objects.filter(condition)
        .filter(status=Familie.Status.AFSLUTTET, anonymiseret__isnull=True)
        .order_by("afsluttet", "pk")
    )


def family_is_settled(familie: Any, today: datetime.date) -> bool:
    """Anonymised already, or due now: its records no longer need a person's identity."""
    return familie.anonymiseret is not None or is_due(
        status=familie.status,
        afsluttet=familie.afsluttet,
        months=familie.projekt.opbevaring_maaneder,
        today=today,
    )


# --- Writes used by the anonymisers (called inside the family's transaction) -----------------


def blank(felter: Felter, familie: Any) -> int:
    """Replace the declared fields of the family's rows by PLACEHOLDER and delete their files."""
    if not (felter.felter or felter.filer):
        return 0
    rows = felter.model._default_manager.filter(**{felter.familie: familie.pk})
    changed = 0
    if felter.filer:
        for row in rows:
            for name in felter.filer:
                stored = getattr(row, name)
                if stored:
                    stored.storage.delete(stored.name)
        changed += rows.update(**dict.fromkeys(felter.filer, ""))
    if felter.felter:
        changed += rows.update(
            **{
                name: Case(
                    When(Q(**{name: ""}) | Q(**{f"{name}__isnull": True}), then=F(name)),
                    default=Value(PLACEHOLDER),
                    output_field=felter.model._meta.get_field(name),
                )
                for name in felter.felter
            }
        )
    return changed


def delete_documents(documents: QuerySet) -> int:
    """Delete generated PDFs (file and row): they are caches, rebuilt from anonymised data
    if anyone orders them again."""
    count = 0
    for dokument in documents:
        if dokument.fil:
            dokument.fil.storage.delete(dokument.fil.name)
        count += 1
    documents.delete()
    return count


# --- The kernel's own part ---------------------------------------------------------------------


def _delete_family_documents(familie: Any) -> None:
    from kerne.models import Dokument

    delete_documents(Dokument.objects.filter(familie=familie))


def kernel_part() -> Anonymiser:
    """The kernel's tables. Persons and the designation are done by familie_anonymiser itself
    (a person is kept while another family still needs them)."""
    from kerne.models import (
        Dokument,
        EksplicitAdgang,
        Familie,
        Hjemmel,
        Notifikation,
        Person,
        Samtykke,
    )

    return Anonymiser(
        key="kerne",
        order=0,
        felter=(
            Felter(Familie, "pk", saerskilt=("betegnelse",)),
            Felter(
                Person,
                "familier",
                # person.cpr = None clears both CPR columns (the token and the keyed hash).
                saerskilt=(
                    "cpr_cipher",
                    "cpr_hash",
                    "fornavn",
                    "efternavn",
                    "adresse",
                    "postnummer",
                    "by",
                ),
            ),
            Felter(
                Samtykke,
                "familie",
                felter=("formaal", "tilbagekaldelse_note"),
                ikke_personlige=("sektorer",),  # sector codes
            ),
            Felter(Hjemmel, "familie", felter=("note",), ikke_personlige=("paragraf",)),
            Felter(EksplicitAdgang, "familie", felter=("begrundelse",)),
            # Contentless by design: a link with ids and an idempotency key.
            Felter(Notifikation, "familie", ikke_personlige=("url", "noegle")),
            Felter(
                Dokument, "familie", saerskilt=("kind", "noegle", "titel", "fil", "fejl", "opgave")
            ),
        ),
        ekstra=_delete_family_documents,
    )
