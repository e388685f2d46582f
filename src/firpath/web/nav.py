"""The navigation bar: every page, shown to the roles that may open it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from firpath.domain.account import Account, Permission


@dataclass(frozen=True, slots=True)
class NavItem:
    """One link of the navigation bar."""

    href: str
    label: str
    permission: Permission


NAV: Final = (
    NavItem("/paths", "Find a path", Permission.PLAN),
    NavItem("/entries", "Entries", Permission.READ),
    NavItem("/fleet-plans/new", "Fleet plan", Permission.PLAN),
    NavItem("/images/verify", "Check an image", Permission.PLAN),
    NavItem("/submissions", "Submissions", Permission.SUBMIT),
    NavItem("/review", "Review", Permission.REVIEW),
    NavItem("/completeness", "Completeness", Permission.READ),
    NavItem("/impact", "ZigBee impact", Permission.IMPACT),
)


def nav_for(account: Account) -> list[NavItem]:
    """The links `account` may follow."""
    return [item for item in NAV if account.may(item.permission)]


def home_for(account: Account) -> str:
    """Where a signed-in account starts: the path finder if it may plan, else the entries."""
    return nav_for(account)[0].href if nav_for(account) else "/entries"
