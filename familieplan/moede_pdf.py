"""The minutes of a meeting with the family as a PDF, through the one PDF pipeline (kerne.pdf).

Kind "moedereferat", key "<meeting id>:<revision>": the family's version of the minutes (no
internal note, no decision hidden from the family), so the family and everyone who reads the
stafetlog may download the same file. A changed meeting moves its revision and so gets a new
document; a confirmed meeting never changes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from familieplan import selectors
from familieplan.models import Stafetmoede
from kerne.models import Dokument

KIND = "moedereferat"


def _meeting_id(dokument: Dokument) -> int:
    return int(dokument.noegle.partition(":")[0])


def build(dokument: Dokument) -> tuple[str, dict[str, Any]]:
    moede = Stafetmoede.objects.select_related(
        "familie__projekt__kommune", "naeste_moede", "bekraeftet_af"
    ).get(pk=_meeting_id(dokument))
    visning = selectors.meeting_content(moede, for_familien=True)
    return (
        "familieplan/pdf/moedereferat.html",
        {"m": visning, "moede": moede, "familie": moede.familie, "projekt": moede.familie.projekt},
    )


def _reads(user: Any, familie_id: int) -> bool:
    if any(f.pk == familie_id for f in selectors.portal_families(user)):
        return True
    from kerne import adgang

    return (
        adgang.families_for(user).filter(pk=familie_id).exists()
        or selectors.stafetlog_families_for(user).filter(pk=familie_id).exists()
    )


def may_read(user: Any, dokument: Dokument) -> bool:
    return dokument.familie_id is not None and _reads(user, dokument.familie_id)


def may_order(user: Any, moede: Stafetmoede) -> bool:
    return _reads(user, moede.familie_id)


def title_for(moede: Stafetmoede) -> str:
    return _("Referat af %(art)s %(dato)s") % {
        "art": moede.get_art_display().lower(),
        "dato": moede.tidspunkt.strftime("%d.%m.%Y"),
    }
