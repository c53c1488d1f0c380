"""Facts of the visitation that give access, as a grant source for kerne.adgang.

- The board: a member of a meeting with the family's referral as an undecided item sees the
  family (family level only, no sector's data) while they still hold a board role. The
  decision ends it: the decision's status change re-derives the grants.
- The referrer: the author of an open referral sees the family until the board decides; while
  the referral is a draft they may also change the family, so that they can register its
  members. Their lasting access is their department's case (see services._open_department_case).
"""

from __future__ import annotations

from datetime import date

from kerne.adgang import CHANGE, VIEW, Grant
from kerne.models import Familie, Projektrolle, Rolle
from visitation.models import Dagsordenspunkt, Indstilling, Visitationsmoede

BOARD_ROLES = [Rolle.AFDELINGSLEDER, Rolle.PROJEKTLEDER]
REFERRER_ROLES = [Rolle.SAGSBEHANDLER, Rolle.PROJEKTLEDER]


def visitation_grants(familie: Familie, today: date) -> set[Grant]:
    grants: set[Grant] = set()
    board_roles = Projektrolle.objects.filter(projekt_id=familie.projekt_id, rolle__in=BOARD_ROLES)
    members = Visitationsmoede.medlemmer.through.objects.filter(
        visitationsmoede_id__in=Dagsordenspunkt.objects.filter(
            familie=familie, beslutning=""
        ).values("moede_id"),
        user_id__in=board_roles.values("bruger_id"),
    ).values_list("user_id", flat=True)
    grants.update(Grant(user_id, VIEW) for user_id in members)

    referrer_roles = Projektrolle.objects.filter(
        projekt_id=familie.projekt_id, rolle__in=REFERRER_ROLES
    )
    for user_id, indsendt in Indstilling.objects.filter(
        familie=familie, lukket__isnull=True, oprettet_af_id__in=referrer_roles.values("bruger_id")
    ).values_list("oprettet_af_id", "indsendt"):
        grants.add(Grant(user_id, VIEW))
        if indsendt is None:
            grants.add(Grant(user_id, CHANGE))
    return grants
