"""A refusal names the roles that may do the thing, so the user knows whom to ask for what."""

from __future__ import annotations

import pytest

from firpath.domain.account import (
    ROLE_PERMISSIONS,
    Account,
    NotAllowed,
    Permission,
    Role,
    roles_allowed,
)


@pytest.mark.parametrize(
    ("permission", "sentence"),
    [
        (Permission.PLAN, "a SECAS or supplier"),
        (Permission.IMPACT, "a SECAS or SSC"),
        (Permission.SUBMIT, "a SECAS, supplier or manufacturer"),
        (Permission.REVIEW, "a SECAS"),
    ],
)
def test_roles_allowed_reads_as_a_sentence(permission: Permission, sentence: str) -> None:
    assert roles_allowed(permission) == sentence


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_a_refusal_names_the_role_and_the_roles_that_may(
    role: Role, permission: Permission
) -> None:
    account = Account(1, "someone@example.org", role)
    if permission in ROLE_PERMISSIONS[role]:
        account.require(permission, "do it")  # allowed: no error
        return
    with pytest.raises(NotAllowed) as refused:
        account.require(permission, "do it")
    message = str(refused.value)
    assert message.startswith(f"{role.with_article} account may not do it; this needs ")
    allowed = [r for r in Role if permission in ROLE_PERMISSIONS[r]]
    assert allowed and role not in allowed
    for other in allowed:
        assert other.label in message
    assert message.endswith(" account")


def test_roles_are_named_as_people_say_them() -> None:
    assert [r.with_article for r in Role] == [
        "a SECAS",
        "an SSC",
        "a supplier",
        "a manufacturer",
        "a reader",
    ]
