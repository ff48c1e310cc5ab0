"""Pure rules about accounts and passwords: which account changes need a second
administrator, and when a password has expired. No database, no request."""

from datetime import datetime, timedelta
from typing import Any

from org.roles import raises

# The account fields a change form of the system administrator may touch. `role` is not set
# through the form directly: the form proposes a new role (`new_role`).
ACCOUNT_FIELDS = ("username", "full_name", "title", "phone", "email", "unit", "role", "is_active")


def needs_approval(field: str, before: Any, after: Any) -> bool:
    """Whether changing `field` from `before` to `after` grants access, and so takes effect
    only when the security administrator approves it (two-person rule).

    Granting: a role that can do anything the old one could not; re-activating an account
    (it gets its role back); a move into a unit (a unit's staff read its drafts and answer for
    it); a new e-mail address (password links go there, so whoever sets it could take the
    account over). Everything else — a lower role, deactivating, leaving a unit, a name or a
    phone — takes away or grants nothing, and applies at once: waiting for a second person to
    lock out someone who has left, or to strip a role, would only keep a door open longer.
    """
    if before == after:
        return False
    if field == "role":
        return raises(str(before or ""), str(after or ""))
    if field == "is_active":
        return bool(after)
    if field == "unit":
        return after is not None
    return field == "email"


def split_change(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields of `after` that differ from `before`, as (apply now, propose)."""
    now: dict[str, Any] = {}
    proposed: dict[str, Any] = {}
    for field, value in after.items():
        if before.get(field) == value:
            continue
        (proposed if needs_approval(field, before.get(field), value) else now)[field] = value
    return now, proposed


def password_expired(
    changed_at: datetime | None, joined_at: datetime, max_age_days: int, now: datetime
) -> bool:
    """Whether a password set at `changed_at` (unknown: when the account was made) is older
    than the policy's maximum age. 0 days means passwords never expire."""
    if max_age_days <= 0:
        return False
    return now - (changed_at or joined_at) > timedelta(days=max_age_days)
