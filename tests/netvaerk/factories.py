"""Factories for the network's tests: meetings through the services, partners and offers."""

from __future__ import annotations

import datetime

from django.utils import timezone

from familieplan import services as plan_services
from netvaerk.models import Partner, Tilbud

NOW = timezone.now()


def meeting(koordinator, familie, *, days: int = 0, **fields):
    """A meeting of the family `days` from now (negative: held), through the service."""
    return plan_services.moede_gem(
        acting_user=koordinator,
        familie=familie,
        tidspunkt=fields.pop("tidspunkt", NOW + datetime.timedelta(days=days)),
        sted=fields.pop("sted", "Rådhuset, mødelokale 2"),
        art=fields.pop("art", "netvaerksmoede"),
        dagsorden=fields.pop("dagsorden", "Velkommen\nSkolen\nFritid"),
    )


def partner(projekt, navn: str = "IF Boldklubben", **fields) -> Partner:
    return Partner.objects.create(
        kommune=projekt.kommune, navn=navn, art=fields.pop("art", "forening"), **fields
    )


def offer(partner_obj: Partner, titel: str = "Fodbold 8-12 år", **fields) -> Tilbud:
    return Tilbud.objects.create(
        partner=partner_obj, titel=titel, art=fields.pop("art", "fritidsaktivitet"), **fields
    )
