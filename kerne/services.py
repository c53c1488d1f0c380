"""Writes of the shared kernel: one business action per function, in one transaction."""

import logging

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from kerne.models import Projekt

User = get_user_model()
logger = logging.getLogger(__name__)


def lockouts_for_project(*, projekt: Projekt | None) -> QuerySet[AccessAttempt]:
    """Locked usernames of the project's own users: a project leader unlocks only their own."""
    if projekt is None:
        return AccessAttempt.objects.none()
    usernames = User.objects.filter(projektroller__projekt=projekt).values("username")
    return AccessAttempt.objects.filter(username__in=usernames).order_by("-attempt_time")


@transaction.atomic
def account_unlock(*, acting_user: AbstractBaseUser, projekt: Projekt, attempt_id: int) -> str:
    """Remove the failed attempts that lock a user of the project; returns the username."""
    attempt = lockouts_for_project(projekt=projekt).select_for_update().get(pk=attempt_id)
    username = attempt.username
    AccessAttempt.objects.filter(username=username).delete()
    logger.info("Account %s unlocked by user id %s", username, acting_user.pk)
    return username
