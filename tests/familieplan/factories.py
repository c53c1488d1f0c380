"""Factories for the family plan's tests: a plan with activities, agreed or not."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from familieplan import services
from familieplan.models import Art, Indsats, Kadence, Planversion
from kerne import adgang
from kerne.models import Delingsregel, Familie, Sektor

TODAY = timezone.localdate()


def integrated(projekt, *roller: str) -> None:
    """The project's case managers (or the roles given) see every sector (integrated authority)."""
    for rolle in roller or ("koordinator",):
        for sektor in Sektor.values:
            Delingsregel.objects.update_or_create(
                projekt=projekt,
                rolle=rolle,
                sektor=sektor,
                defaults={"regel": Delingsregel.Regel.ALWAYS},
            )
    for familie in Familie.objects.filter(projekt=projekt):
        adgang.sync_family_grants(familie, reason="test")


def activity_data(familie, **overrides) -> services.IndsatsData:
    person = overrides.pop("personer", None) or [familie.medlemskaber.order_by("pk").first().person]
    data = {
        "sektor": Sektor.BESKAEFTIGELSE,
        "titel": "Virksomhedspraktik",
        "art": Art.PRAKTIK,
        "personer": person,
        "maal": "Komme i arbejde",
        "maalopfyldelse": "Fast job 15 timer om ugen",
        "tilbud": "Praktik i butik",
        "leverandoer": "Netto",
        "startdato": TODAY - datetime.timedelta(days=30),
        "slutdato": TODAY + datetime.timedelta(days=150),
        "timer_pr_uge": Decimal(20),
        "kadence": Kadence.MAANEDLIG,
        "opfoelgningsform": "Samtale",
        "konsekvens_ved_udeblivelse": "Sanktion",
        "ansvarlig": "Jonas Jobcenter",
        "lovgrundlag": "LAB § 42",
    }
    data.update(overrides)
    return services.IndsatsData(**data)


def draft_with(koordinator, familie, *activities: dict) -> Planversion:
    """A first draft with the activities given (each a dict of overrides)."""
    version = services.plan_opret(acting_user=koordinator, familie=familie)
    for overrides in activities:
        services.indsats_gem(
            acting_user=koordinator, version=version, data=activity_data(familie, **overrides)
        )
    version.refresh_from_db()
    return version


def agree(koordinator, version: Planversion, *, day=None) -> Planversion:
    version.refresh_from_db()
    familie = version.familie
    return services.version_aftal(
        acting_user=koordinator,
        version=version,
        revision=version.revision,
        aftalt_dato=day or TODAY,
        aftalt_form=Planversion.Form.MOEDE,
        aftalt_med=[familie.medlemskaber.filter(rolle="voksen").first().person],
    )


def bulk_activities(version: Planversion, count: int, **overrides) -> list[Indsats]:
    """Many activities straight into a version (for query-count tests)."""
    familie = version.familie
    sagsdele = adgang.ensure_sagsdele(familie)
    person = familie.medlemskaber.order_by("pk").first().person
    made = []
    for index in range(count):
        data = activity_data(familie, titel=f"Indsats {index}", **overrides)
        fields = {k: v for k, v in vars(data).items() if k not in {"sektor", "personer", "_extra"}}
        indsats = Indsats.objects.create(version=version, sagsdel=sagsdele[data.sektor], **fields)
        indsats.personer.set([person])
        made.append(indsats)
    return made
