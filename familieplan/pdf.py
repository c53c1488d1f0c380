"""The PDF family plan through the one PDF pipeline (kerne.pdf): two kinds of document.

- "familieplan": a staff copy of an agreed version with the sectors its reader may see; the
  key is "<version id>:<sectors>", so the sectors are fixed when it is ordered and a reader
  may download it only while they see every one of them.
- "familieplan_familie": the family's copy (activities marked visible to the family, every
  sector, no follow-up notes); key "<version id>"; read by the family's portal members and by
  staff who see every sector it holds.
Both are cached by version: an agreed version never changes, so its PDF never goes stale.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.utils.translation import gettext as _

from familieplan import frister, selectors
from familieplan.models import Indsats, Planversion
from kerne import adgang
from kerne.models import Dokument, Familiemedlemskab, Sektor


def _parse(dokument: Dokument) -> tuple[int, list[str] | None]:
    version_id, _sep, sectors = dokument.noegle.partition(":")
    if dokument.kind == selectors.PDF_FAMILY:
        return int(version_id), None
    return int(version_id), [s for s in sectors.split("+") if s in Sektor.values]


def build(dokument: Dokument) -> tuple[str, dict[str, Any]]:
    """Template and context of one document; runs in the Celery task, with no request."""
    version_id, sectors = _parse(dokument)
    version = Planversion.objects.select_related(
        "familie__projekt__kommune", "aftalt_registreret_af"
    ).get(pk=version_id)
    if sectors is None:
        indsatser = list(selectors.family_copy_activities(version))
    else:
        indsatser = list(
            Indsats.objects.filter(version=version, sagsdel__sektor__in=sectors)
            .select_related("sagsdel", "faelles_maal")
            .prefetch_related("personer")
            .order_by("raekkefoelge", "startdato", "pk")
        )
    medlemskaber = list(
        Familiemedlemskab.objects.filter(familie=version.familie, til__isnull=True)
        .select_related("person")
        .order_by("-rolle", "person__foedselsdato", "pk")
    )
    # Activities grouped by person, in the family's order; an activity for two persons is
    # listed under each of them.
    per_person: OrderedDict[int, dict] = OrderedDict(
        (m.person_id, {"person": m.person, "indsatser": []}) for m in medlemskaber
    )
    for indsats in indsatser:
        indsats.skema = frister.schedule(
            start=indsats.startdato, slut=indsats.slutdato, kadence=indsats.kadence
        )
        for person in indsats.personer.all():
            per_person.setdefault(person.pk, {"person": person, "indsatser": []})[
                "indsatser"
            ].append(indsats)
    stafetlog = selectors._stafetlog(version.familie)
    return (
        "familieplan/pdf/familieplan.html",
        {
            "version": version,
            "familie": version.familie,
            "projekt": version.familie.projekt,
            "maal": list(selectors.goals_of(version)),
            "grupper": [g for g in per_person.values() if g["indsatser"]],
            "indsatser": indsatser,
            "aftalt_med": ", ".join(
                p.fulde_navn for p in version.aftalt_med.order_by("fornavn", "pk")
            ),
            "stafetlog": stafetlog,
            "familiens_kopi": sectors is None,
            "sektorer": [Sektor(s).label for s in sectors] if sectors is not None else [],
        },
    )


def may_read(user: Any, dokument: Dokument) -> bool:
    version_id, sectors = _parse(dokument)
    familie = dokument.familie
    if familie is None:
        return False
    if sectors is None:
        if any(f.pk == familie.pk for f in selectors.portal_families(user)):
            return True
        sectors = list(
            Indsats.objects.filter(version_id=version_id, synlig_for_familien=True)
            .values_list("sagsdel__sektor", flat=True)
            .distinct()
        )
    if not adgang.can(user, adgang.VIEW, familie):
        return False
    return set(sectors) <= set(adgang.sectors_for(user, familie))


def title_for(version: Planversion, *, familiens_kopi: bool) -> str:
    if familiens_kopi:
        return _("Familiens plan, version %(nummer)s") % {"nummer": version.nummer}
    return _("Familieplan, version %(nummer)s") % {"nummer": version.nummer}
