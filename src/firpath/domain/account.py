"""Accounts and roles (DESIGN section 8): who may do what on the FIR."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from firpath.domain import values
from firpath.domain.control_chars import find_control
from firpath.domain.errors import FieldInvalid, FirpathError

_EMAIL: Final = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
MIN_PASSWORD: Final = 12  # characters; a passphrase, not a PIN


class Role(StrEnum):
    """What an account is for."""

    SECAS = "secas"  # everything: approve, reject, correct
    SSC = "ssc"  # read everything, impact queries
    SUPPLIER = "supplier"  # read, paths and fleet plans, submit
    MANUFACTURER = "manufacturer"  # read, submit for its own manufacturer ids
    READER = "reader"  # read

    @property
    def label(self) -> str:
        """`SECAS`, `SSC`, `supplier`: the role as a sentence names it."""
        return self.value.upper() if self in (Role.SECAS, Role.SSC) else self.value

    @property
    def with_article(self) -> str:
        """`a SECAS`, `an SSC`, `a supplier`: the role with its article."""
        return f"{'an' if self is Role.SSC else 'a'} {self.label}"

    @classmethod
    def parse(cls, value: str) -> Role:
        """A role by name (case ignored)."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise FieldInvalid(
                "role", value, "must be one of " + ", ".join(r.value for r in cls)
            ) from None


class Permission(StrEnum):
    """One kind of thing an account may do."""

    READ = "read"  # entries, history, completeness, graph, export
    PLAN = "plan"  # paths and fleet plans
    IMPACT = "impact"  # ZigBee impact queries
    SUBMIT = "submit"  # submissions (a manufacturer only for its own manufacturer ids)
    REVIEW = "review"  # approve, reject, see every submission, correct entries


ROLE_PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    Role.SECAS: frozenset(Permission),
    Role.SSC: frozenset({Permission.READ, Permission.IMPACT}),
    Role.SUPPLIER: frozenset({Permission.READ, Permission.PLAN, Permission.SUBMIT}),
    Role.MANUFACTURER: frozenset({Permission.READ, Permission.SUBMIT}),
    Role.READER: frozenset({Permission.READ}),
}


def roles_allowed(permission: Permission) -> str:
    """`a SECAS or supplier`: the roles whose accounts may do `permission`, as a sentence."""
    roles = [role for role in Role if permission in ROLE_PERMISSIONS[role]]
    names = [roles[0].with_article] + [role.label for role in roles[1:]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class NotAllowed(FirpathError):
    """The account may not do this (HTTP 403)."""


class NotSignedIn(FirpathError):
    """No valid credentials were given (HTTP 401)."""


class TooManyAttempts(FirpathError):
    """Failed logins for one account: wait before trying again (HTTP 429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Account:
    """A signed-in user: email, role and (for manufacturers) the manufacturer ids it acts for."""

    user_id: int
    email: str
    role: Role
    manufacturer_ids: frozenset[str] = frozenset()
    disabled: bool = False

    def may(self, permission: Permission) -> bool:
        """Whether the role allows `permission`."""
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission, what: str) -> None:
        """Refuse (NotAllowed) unless the role allows `permission`, naming the roles that may."""
        if not self.may(permission):
            raise NotAllowed(
                f"{self.role.with_article} account may not {what}; "
                f"this needs {roles_allowed(permission)} account"
            )

    def may_submit_for(self, manufacturer_id: str) -> bool:
        """Whether this account may submit entries of `manufacturer_id`."""
        if not self.may(Permission.SUBMIT):
            return False
        if self.role is Role.MANUFACTURER:
            return manufacturer_id in self.manufacturer_ids
        return True


def email_address(value: str) -> str:
    """An email address as accounts are keyed: trimmed, lower case."""
    text = value.strip().lower()
    if len(text) > 254 or _EMAIL.fullmatch(text) is None or find_control(text):
        raise FieldInvalid("email", value, "is not an email address")
    return text


def acting_for(role: Role, manufacturer_ids: Iterable[str]) -> frozenset[str]:
    """The manufacturer ids an account of `role` acts for: a manufacturer needs at least one,
    no other role has any."""
    ids = frozenset(values.manufacturer_id(m) for m in manufacturer_ids)
    if role is Role.MANUFACTURER and not ids:
        raise FieldInvalid(
            "--manufacturer-id", "", "a manufacturer account needs its manufacturer id(s)"
        )
    if role is not Role.MANUFACTURER and ids:
        raise FieldInvalid(
            "--manufacturer-id", ",".join(sorted(ids)), "only manufacturer accounts have these"
        )
    return ids


def check_password(value: str) -> str:
    """A password good enough to protect the FIR (at least MIN_PASSWORD characters)."""
    if len(value) < MIN_PASSWORD:
        raise FieldInvalid(
            "password", "(hidden)", f"must be at least {MIN_PASSWORD} characters long"
        )
    if len(value) > 1024:
        raise FieldInvalid("password", "(hidden)", "must be at most 1024 characters long")
    return value


FREE_ATTEMPTS: Final = 3  # failed logins before each further attempt must wait
MAX_DELAY: Final = 300  # seconds


def login_delay(failed_logins: int) -> int:
    """Seconds an account must wait after its last failed login before the next attempt:
    nothing for the first FREE_ATTEMPTS, then doubling from 1 s up to MAX_DELAY."""
    if failed_logins < FREE_ATTEMPTS:
        return 0
    return int(min(MAX_DELAY, 2 ** (failed_logins - FREE_ATTEMPTS)))
