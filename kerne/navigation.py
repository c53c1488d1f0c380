"""Each role's start page and navigation: one table, read by the start view and the layout."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kerne.models import Rolle


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


START_PAGE = {
    Rolle.PROJEKTLEDER: "rapporter:start_projektleder",
    Rolle.KOORDINATOR: "rapporter:start_koordinator",
    Rolle.SAGSBEHANDLER: "rapporter:start_afdeling",
    Rolle.AFDELINGSLEDER: "rapporter:start_afdeling",
    Rolle.ADMINISTRATIV: "rapporter:start_administration",
    Rolle.DATABESKYTTELSE: "rapporter:start_administration",
    Rolle.FAGPERSON: "rapporter:start_fagperson",
    Rolle.EVALUATOR: "rapporter:start_evaluator",
    Rolle.BORGER: "familieplan:portal",
}

FAMILIER = NavItem(_("Familier"), "kerne:familie_liste")
ADGANGSLOG = NavItem(_("Adgangslog"), "kerne:adgangslog")

NAVIGATION: dict[str, list[NavItem]] = {
    Rolle.PROJEKTLEDER: [
        NavItem(_("Overblik"), "rapporter:start_projektleder"),
        FAMILIER,
        ADGANGSLOG,
        NavItem(_("Låste konti"), "kerne:laaste_konti"),
        NavItem(_("Konti"), "kerne:konti"),
        NavItem(_("Dubletter"), "kerne:person_dubletter"),
    ],
    Rolle.KOORDINATOR: [NavItem(_("Mine familier"), "rapporter:start_koordinator"), FAMILIER],
    Rolle.SAGSBEHANDLER: [NavItem(_("Min afdeling"), "rapporter:start_afdeling"), FAMILIER],
    Rolle.AFDELINGSLEDER: [NavItem(_("Min afdeling"), "rapporter:start_afdeling"), FAMILIER],
    Rolle.ADMINISTRATIV: [
        NavItem(_("Administration"), "rapporter:start_administration"),
        FAMILIER,
    ],
    Rolle.DATABESKYTTELSE: [
        NavItem(_("Administration"), "rapporter:start_administration"),
        ADGANGSLOG,
    ],
    Rolle.FAGPERSON: [NavItem(_("Mine familier"), "rapporter:start_fagperson")],
    Rolle.EVALUATOR: [NavItem(_("Evaluering"), "rapporter:start_evaluator")],
    Rolle.BORGER: [NavItem(_("Min families plan"), "familieplan:portal")],
}


def register_nav(rolle: str, item: NavItem) -> None:
    """Domain apps add their menu items here from AppConfig.ready(); kerne imports none of them."""
    items = NAVIGATION.setdefault(rolle, [])
    if all(existing.url_name != item.url_name for existing in items):
        items.append(item)


def navigation_for(roles: list[str]) -> list[NavItem]:
    """The menu for a user holding these roles, without repeats, in role priority order."""
    seen: set[str] = set()
    items = []
    for rolle in roles:
        for item in NAVIGATION.get(rolle, []):
            if item.url_name not in seen:
                seen.add(item.url_name)
                items.append(item)
    return items


# Pages of the domain apps about one family (timeline, plan, registrations, economy), linked
# from the kernel's family overview. Each URL takes the family's pk as `pk`.
FAMILY_LINKS: list[NavItem] = []


def register_family_link(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in FAMILY_LINKS):
        FAMILY_LINKS.append(item)
