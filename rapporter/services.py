"""Writes of the reports app: order and build status reports, order and build exports."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne import audit
from kerne import services as kerne_services
from kerne.models import Projekt, Projektrolle, Rolle
from rapporter import pdf, selectors
from rapporter.models import Maanedsrapport, Tilstand, Udtraek
from registrering import rules

logger = logging.getLogger(__name__)


def _check_month(maaned: datetime.date, *, today: datetime.date | None = None) -> datetime.date:
    maaned = rules.month_start(maaned)
    if maaned >= rules.month_start(today or timezone.localdate()):
        raise ValidationError({"maaned": _("Der kan kun dannes rapport for en afsluttet måned.")})
    return maaned


def rapport_bestil(
    *,
    projekt: Projekt,
    maaned: datetime.date,
    udloeser: str,
    acting_user: Any = None,
    ny_revision: bool = False,
    enqueue: bool = True,
) -> tuple[Maanedsrapport, bool]:
    """Order the project's report for a month; returns (report, queued a new build).

    Idempotent: one current report per project and month. A new revision is made only when
    asked (`ny_revision`) and the current one is finished; a report that is queued or being
    built is returned as it is, so two triggers at once give one build. The project's row is
    locked for the decision, and a partial unique constraint backs it up. A caller already in
    a worker passes `enqueue=False` and builds the report itself.
    """
    if acting_user is not None and not selectors.may_order_report(acting_user, projekt):
        raise PermissionDenied
    maaned = _check_month(maaned)
    try:
        with transaction.atomic():
            Projekt.objects.select_for_update().filter(pk=projekt.pk).first()
            current = Maanedsrapport.objects.filter(
                projekt=projekt, maaned=maaned, aktuel=True
            ).first()
            if current is not None:
                if current.tilstand in (Tilstand.VENTENDE, Tilstand.KOERER):
                    return current, False
                if current.tilstand == Tilstand.FEJLET and not ny_revision:
                    # A failed build is tried again in place.
                    current.tilstand, current.fejl = Tilstand.VENTENDE, ""
                    current.save(update_fields=["tilstand", "fejl"])
                    current_id = current.pk
                    if enqueue:
                        transaction.on_commit(lambda: _enqueue_build(current_id))
                    return current, True
                if not ny_revision:
                    return current, False
            revision = 1
            if current is not None:
                revision = current.revision + 1
                current.aktuel = False
                current.save(update_fields=["aktuel"])
            report = Maanedsrapport.objects.create(
                projekt=projekt,
                maaned=maaned,
                revision=revision,
                udloeser=udloeser,
                bestilt_af=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            )
            audit.log(
                user=acting_user,
                handling=audit.Handling.CREATE,
                formaal=audit.Formaal.RAPPORT,
                projekt_id=projekt.pk,
                objekt=report,
                detaljer={"maaned": maaned.isoformat(), "revision": revision, "af": udloeser},
            )
            report_id = report.pk
            if enqueue:
                transaction.on_commit(lambda: _enqueue_build(report_id))
            return report, True
    except IntegrityError:
        # Another process created the current report between our read and our insert.
        return Maanedsrapport.objects.get(projekt=projekt, maaned=maaned, aktuel=True), False


def _enqueue_build(report_id: int) -> None:
    from rapporter import tasks

    tasks.maanedsrapport_byg.delay(report_id)


def rapport_byg(*, report_id: int, opgave: str = "") -> bool:
    """Build one report (called by the task). The claim is one conditional UPDATE, so a
    duplicated task builds nothing twice, and only the same delivery, redelivered after its
    worker died, takes a stale claim over (`kerne.services.claim_build`). Returns whether this
    call built it. Everything the build writes is committed in one transaction, so a killed
    attempt leaves nothing half-written.
    """
    if not kerne_services.claim_build(
        Maanedsrapport.objects.filter(pk=report_id), opgave=opgave, fejl=""
    ):
        return False
    report = Maanedsrapport.objects.select_related("projekt__kommune").get(pk=report_id)
    try:
        data = selectors.report_data(report.projekt, report.maaned)
        with transaction.atomic():
            report.data = data
            report.tilstand = Tilstand.FAERDIG
            report.bygget = timezone.now()
            report.save(update_fields=["data", "tilstand", "bygget"])
            _order_pdf(report)
            recipients = _notify_on_commit(report)
            audit.log(
                user=None,
                handling=audit.Handling.CHANGE,
                formaal=audit.Formaal.RAPPORT,
                projekt_id=report.projekt_id,
                objekt=report,
                detaljer={"bygget": True, "notified": len(recipients)},
            )
    except Exception as error:
        Maanedsrapport.objects.filter(pk=report_id).update(
            tilstand=Tilstand.FEJLET,
            fejl=_("Rapporten kunne ikke dannes (%(fejl)s). Prøv igen.")
            % {"fejl": type(error).__name__},
        )
        logger.exception("Building monthly report %s failed", report_id)
        if isinstance(error, OperationalError):
            raise
        return False
    return True


def _order_pdf(report: Maanedsrapport) -> None:
    """The report's PDF through the one pipeline; keyed by the revision, so built once."""
    orderer = report.bestilt_af or _system_orderer(report.projekt)
    if orderer is None:
        return
    dokument = kerne_services.dokument_bestil(
        acting_user=orderer,
        kind=pdf.KIND,
        key=pdf.key_for(report),
        projekt=report.projekt,
        titel=_("Statusrapport %(maaned)s") % {"maaned": rules.month_label(report.maaned)},
    )
    report.dokument = dokument
    report.save(update_fields=["dokument"])


def _system_orderer(projekt: Projekt):
    """A document needs an orderer: for a scheduled report, the project's first leader."""
    role = (
        Projektrolle.objects.filter(projekt=projekt, rolle=Rolle.PROJEKTLEDER)
        .select_related("bruger")
        .order_by("pk")
        .first()
    )
    return role.bruger if role else None


def _notify_on_commit(report: Maanedsrapport) -> list[str]:
    """Tell the project's leaders the report is ready (a link only: no figures in mail), once
    the build is committed: a build killed before its commit sends nothing, so the redelivered
    build's mail is the only one."""
    recipients = sorted(
        set(
            Projektrolle.objects.filter(
                projekt=report.projekt, rolle=Rolle.PROJEKTLEDER, bruger__is_active=True
            )
            .exclude(bruger__email="")
            .values_list("bruger__email", flat=True)
        )
    )
    if recipients:
        transaction.on_commit(lambda: _send_ready_mail(report, recipients))
    return recipients


def _send_ready_mail(report: Maanedsrapport, recipients: list[str]) -> None:
    send_mail(
        subject=_("Statusrapporten for %(maaned)s er klar")
        % {"maaned": rules.month_label(report.maaned)},
        message=_(
            "Månedens statusrapport for %(projekt)s er dannet. Log ind og find den under "
            "Månedsrapporter: %(link)s"
        )
        % {"projekt": report.projekt.navn, "link": getattr(settings, "NOTIFIKATION_LINK", "")},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )


def reports_due(*, today: datetime.date | None = None) -> list[tuple[int, datetime.date]]:
    """The (project, month) pairs whose report the beat should order today: the day after
    the project's registration deadline, the month whose deadline it was. Missed days are
    caught up for the last month (a report that exists is left alone)."""
    today = today or timezone.localdate()
    month = rules.add_months(rules.month_start(today), -1)
    due = []
    for projekt in Projekt.objects.only("pk", "registreringsfrist_dag"):
        if today > rules.deadline(month, projekt.registreringsfrist_dag):
            due.append((projekt.pk, month))
    existing = set(
        Maanedsrapport.objects.filter(
            projekt_id__in=[pid for pid, _m in due], maaned=month, aktuel=True
        ).values_list("projekt_id", flat=True)
    )
    return [(pid, m) for pid, m in due if pid not in existing]


# --- Evaluator exports ---------------------------------------------------------------------------


def udtraek_bestil(
    *, acting_user: Any, maaned: datetime.date, projekt: Projekt | None = None
) -> Udtraek:
    """Order an export of one month, for one project or all the user may export."""
    allowed = selectors.export_projects(acting_user)
    if projekt is not None:
        if not allowed.filter(pk=projekt.pk).exists():
            raise PermissionDenied
        ids = [projekt.pk]
    else:
        ids = list(allowed.values_list("pk", flat=True))
        if not ids:
            raise PermissionDenied
    maaned = _check_month(maaned)
    with transaction.atomic():
        udtraek = Udtraek.objects.create(
            maaned=maaned, projekt=projekt, projekt_ids=ids, bestilt_af=acting_user
        )
        udtraek_id = udtraek.pk
        transaction.on_commit(lambda: _enqueue_export(udtraek_id))
    return udtraek


def _enqueue_export(udtraek_id: int) -> None:
    from rapporter import tasks

    tasks.udtraek_byg.delay(udtraek_id)


def udtraek_byg(*, udtraek_id: int) -> bool:
    """Write the export's zip to private storage, streamed; audited as one EXPORT row."""
    from rapporter import eksport

    claimed = Udtraek.objects.filter(pk=udtraek_id, tilstand=Tilstand.VENTENDE).update(
        tilstand=Tilstand.KOERER
    )
    if not claimed:
        return False
    udtraek = Udtraek.objects.select_related("bestilt_af").get(pk=udtraek_id)
    try:
        name = f"udtraek/{udtraek.maaned:%Y/%m}/evaluering-{udtraek.maaned:%Y-%m}-{udtraek.pk}.zip"
        storage = udtraek.fil.storage
        path = storage.path(name)
        import os

        os.makedirs(os.path.dirname(path), exist_ok=True)
        summary = eksport.write_zip(path, maaned=udtraek.maaned, projekt_ids=udtraek.projekt_ids)
        with transaction.atomic():
            udtraek.fil.name = name
            udtraek.tilstand = Tilstand.FAERDIG
            udtraek.faerdig = timezone.now()
            udtraek.antal_personer = summary["personer"]
            udtraek.save(update_fields=["fil", "tilstand", "faerdig", "antal_personer"])
            log_export(user=udtraek.bestilt_af, summary=summary, udtraek=udtraek)
    except Exception as error:
        Udtraek.objects.filter(pk=udtraek_id).update(
            tilstand=Tilstand.FEJLET,
            fejl=_("Udtrækket kunne ikke dannes (%(fejl)s).") % {"fejl": type(error).__name__},
        )
        logger.exception("Building export %s failed", udtraek_id)
        if isinstance(error, OperationalError):
            raise
        return False
    return True


def log_export(*, user: Any, summary: dict, udtraek: Udtraek | None = None) -> None:
    """One EXPORT audit row per project in the export (who, when, which month, how many)."""
    for pid in summary["projekt_ids"]:
        audit.log(
            user=user,
            handling=audit.Handling.EXPORT,
            formaal=audit.Formaal.RAPPORT,
            projekt_id=pid,
            objekt=udtraek,
            detaljer={
                "eksport": "evaluator",
                "maaned": summary["maaned"],
                "personer": summary["personer_pr_projekt"].get(pid, 0),
                "kommando": udtraek is None,
            },
        )
