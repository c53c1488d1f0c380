"""Celery tasks of the family plan: thin and idempotent."""

import datetime
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from familieplan import services
from familieplan.models import Stafetmoede
from kerne import notifikationer
from kerne.models import Familie

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def opfoelgninger_paamind() -> int:
    """Daily: an in-app reminder per follow-up due or overdue, and one e-mail per person.

    The e-mail tells only how many (no names or case facts) and links to the to-do list;
    running twice on a day makes no second reminder and sends no second e-mail.
    """
    created = services.paamindelser_opret()
    users = get_user_model().objects.filter(pk__in=created).exclude(email="")
    for user in users:
        count = created[user.pk]
        try:
            send_mail(
                subject=_("Opfølgninger i familieplanerne"),
                message=ngettext(
                    "Du har %(count)d opfølgning, der forfalder. Se den på %(path)s",
                    "Du har %(count)d opfølgninger, der forfalder. Se dem på %(path)s",
                    count,
                )
                % {"count": count, "path": reverse("familieplan:opfoelgninger")},
                from_email=None,
                recipient_list=[user.email],
            )
        except OSError:
            # The in-app reminders are already saved; a mail server hiccup costs only the mail.
            logger.warning("Reminder e-mail to user %s failed", user.pk)
    # Tomorrow's stafetlog meetings: a reminder to the family (idempotent per meeting and time).
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for moede_id, familie_id, tidspunkt in Stafetmoede.objects.filter(
        tidspunkt__date=tomorrow, familie__status=Familie.Status.AKTIV
    ).values_list("pk", "familie_id", "tidspunkt"):
        notifikationer.moede_paamind(
            familie=familie_id,
            noegle=f"stafetmoede:{moede_id}:{tidspunkt:%Y%m%d%H%M}",
            url=reverse("familieplan:portal_familie", args=[familie_id]),
        )
    return sum(created.values())
