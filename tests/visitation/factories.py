"""Test set-up for the visitation: a project with its departments, board and case managers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kerne.models import Medarbejder, Projekt, Rolle, Sektor
from tests.factories import ForvaltningFactory, user_with_role
from visitation import regler, services

TODAY = timezone.localdate()


@dataclass
class Org:
    projekt: Projekt
    jobcenter: Any
    familieafdeling: Any
    projektleder: Any
    sagsbehandler: Any  # job centre case worker, the referrer
    leder_familie: Any  # department leader, board member
    leder_job: Any
    koordinator: Any
    koordinator2: Any


def make_org(projekt: Projekt, **names: str) -> Org:
    """The demo's cast, for tests: each user named as in the demo unless told otherwise."""
    jobcenter = ForvaltningFactory(
        kommune=projekt.kommune, navn="Jobcenter", sektor=Sektor.BESKAEFTIGELSE
    )
    familieafdeling = ForvaltningFactory(
        kommune=projekt.kommune, navn="Familiesektionen", sektor=Sektor.BOERN_FAMILIE
    )

    def user(rolle, username, first, last, forvaltning=None):
        made = user_with_role(
            rolle, projekt, username=names.get(username, username), first_name=first, last_name=last
        )
        if forvaltning is not None:
            Medarbejder.objects.filter(bruger=made).update(forvaltning=forvaltning)
            made.refresh_from_db()
        return made

    return Org(
        projekt=projekt,
        jobcenter=jobcenter,
        familieafdeling=familieafdeling,
        projektleder=user(Rolle.PROJEKTLEDER, "projektleder", "Pia", "Projektleder"),
        sagsbehandler=user(Rolle.SAGSBEHANDLER, "jobcenter", "Jonas", "Jobcenter", jobcenter),
        leder_familie=user(Rolle.AFDELINGSLEDER, "leder.familie", "Lone", "Leder", familieafdeling),
        leder_job=user(Rolle.AFDELINGSLEDER, "leder.jobstart", "Lars", "Leder", jobcenter),
        koordinator=user(Rolle.KOORDINATOR, "koordinator1", "Karen", "Koordinator"),
        koordinator2=user(Rolle.KOORDINATOR, "koordinator2", "Kasper", "Koordinator"),
    )


ALL_YES = dict.fromkeys(regler.KRITERIE_FELTER, True)


def person_rows(surname: str = "Holm", *, start: int = 0) -> list[services.PersonData]:
    """A mother and a child with fictitious valid CPR numbers."""
    return [
        services.PersonData(
            cpr=f"{12 + start:02d}0385-{4000 + start:04d}"[:11],
            fornavn="Hanne",
            efternavn=surname,
            rolle="voksen",
            relation="mor",
            foraeldremyndighed=True,
        ),
        services.PersonData(
            cpr=f"{12 + start:02d}0415-{4002 + start:04d}"[:11],
            fornavn="Hugo",
            efternavn=surname,
            rolle="barn",
            relation="barn",
        ),
    ]


def draft(org: Org, *, betegnelse: str = "Familien Holm", by=None, start: int = 0):
    """A draft referral of a new family by the job centre's case worker."""
    return services.indstilling_opret_ny_familie(
        acting_user=by or org.sagsbehandler,
        projekt=org.projekt,
        betegnelse=betegnelse,
        personer=person_rows(betegnelse.split()[-1], start=start),
        data=services.IndstillingData(begrundelse="Mange sager", kriterier=ALL_YES),
    )


def complete(org: Org, indstilling, *, by=None):
    """Add the family's consent to a draft."""
    mother = indstilling.familie.medlemskaber.get(rolle="voksen").person
    return services.indstilling_opdater(
        acting_user=by or org.sagsbehandler,
        indstilling=indstilling,
        data=services.IndstillingData(
            begrundelse=indstilling.begrundelse or "Mange sager",
            kriterier=ALL_YES,
            samtykke_givet_af=mother,
            samtykke_dato=TODAY,
            samtykke_form="skriftligt",
        ),
    )


def submitted(org: Org, *, betegnelse: str = "Familien Holm", start: int = 0):
    indstilling = draft(org, betegnelse=betegnelse, start=start)
    complete(org, indstilling)
    return services.indstilling_indsend(acting_user=org.sagsbehandler, indstilling=indstilling)


def meeting(org: Org, *, dato: datetime.date | None = None, members=None):
    return services.moede_opret(
        acting_user=org.projektleder,
        projekt=org.projekt,
        dato=dato or TODAY,
        sted="Rådhuset, mødelokale 2",
        medlemmer=members or [org.projektleder, org.leder_familie, org.leder_job],
    )
