"""Every write to accounts and passwords goes through here (三员分立): one transaction and
audit entries with the before and after of each call. Passwords and their hashes are never
written to the audit log.

- The system administrator creates and edits accounts. What grants access (a higher role,
  re-activation, a new e-mail address, a new account) becomes an `AccountProposal` that the
  security administrator approves or rejects; what takes access away applies at once
  (`account_rules.needs_approval` says which is which).
- Nobody sets another person's password. A new account's first password and a reset are
  one-time links mailed to the person's own address; only the token's hash is stored.

A refused write raises `ActionError` with a message for the user and writes nothing.
"""

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from org.account_rules import ACCOUNT_FIELDS, split_change
from org.models import (
    AccountProposal,
    LinkPurpose,
    PasswordHistory,
    PasswordLink,
    ProposalState,
    SecurityPolicy,
    Unit,
    User,
)
from org.roles import Capability
from xinbao.core.errors import ActionError


def _require(actor: User, capability: Capability) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def account_values(user: User) -> dict[str, Any]:
    """The account's fields as plain JSON values (a unit by its id): what audit entries and
    proposals carry. Never the password."""
    values: dict[str, Any] = {f: getattr(user, f) for f in ACCOUNT_FIELDS if f != "unit"}
    values["unit"] = user.unit_id
    return values


def _apply(user: User, values: dict[str, Any]) -> None:
    for field, value in values.items():
        if field == "unit":
            user.unit = Unit.objects.get(pk=value) if value is not None else None
        else:
            setattr(user, field, value)


def _label(user: User) -> str:
    return f"user:{user.pk} {user.get_username()}"


# --- accounts and the two-person rule ---------------------------------------------------------


def _propose(
    actor: User, user: User, before: dict[str, Any], after: dict[str, Any], new: bool = False
) -> AccountProposal:
    if AccountProposal.objects.filter(user=user, state=ProposalState.PENDING).exists():
        raise ActionError(
            _(
                "A change of this account is already awaiting the security administrator's "
                "approval. Wait for the decision before proposing another."
            )
        )
    proposal = AccountProposal.objects.create(
        user=user,
        is_new_account=new,
        before=before,
        after=after,
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    record(
        actor,
        "account_change_proposed",
        _label(user),
        {"proposal": proposal.pk, "new_account": new, "before": before, "after": after},
    )
    return proposal


def _not_a_link_account(user: User) -> None:
    if user.is_service:
        raise ActionError(
            _(
                "%(name)s is a federation link's own account: nobody logs in as it. It is kept "
                "with its link (级联 → 链接与密钥)."
            )
            % {"name": user}
        )


def do_create_account(actor: User, values: dict[str, Any]) -> tuple[User, AccountProposal]:
    """A new account, inactive, with no role and no password, and the proposal that gives it
    its role: it can log in only after the security administrator approves, and then sets its
    own first password through the link mailed to it."""
    _require(actor, Capability.MANAGE_ORG)
    wanted = {f: values[f] for f in ACCOUNT_FIELDS if f in values}
    role = str(wanted.pop("role", "") or "")
    wanted.pop("is_active", None)
    if not wanted.get("email"):
        raise ActionError(
            _("Enter the person's own e-mail address: the first password link goes there.")
        )
    with transaction.atomic():
        user = User(role="", is_active=False)
        _apply(user, wanted)
        user.set_unusable_password()
        user.save()
        record(actor, "user_created", _label(user), {"after": account_values(user)})
        proposal = _propose(
            actor,
            user,
            {"role": "", "is_active": False},
            {"role": role, "is_active": True},
            new=True,
        )
    return user, proposal


def do_change_account(
    actor: User, user_id: int, values: dict[str, Any]
) -> tuple[dict[str, Any], AccountProposal | None]:
    """Apply what takes nothing away at once and propose the rest. Returns the fields applied
    (with their new values) and the proposal, if any."""
    _require(actor, Capability.MANAGE_ORG)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        _not_a_link_account(user)
        before = account_values(user)
        wanted = {f: v for f, v in values.items() if f in ACCOUNT_FIELDS}
        now, proposed = split_change(before, wanted)
        if now:
            _apply(user, now)
            user.save()
            record(
                actor,
                "user_changed",
                _label(user),
                {"before": {f: before[f] for f in now}, "after": now},
            )
        proposal = None
        if proposed:
            proposal = _propose(actor, user, {f: before[f] for f in proposed}, proposed)
    return now, proposal


def do_decide_proposal(
    actor: User, proposal_id: int, approve: bool, base_url: str
) -> AccountProposal:
    """The security administrator's decision. Never on a proposal of his own, nor on one that
    changes his own account: each grant needs two different people."""
    _require(actor, Capability.APPROVE_ACCOUNTS)
    with transaction.atomic():
        proposal = (
            AccountProposal.objects.select_for_update()
            .select_related("user")
            .filter(pk=proposal_id)
            .first()
        )
        if proposal is None or proposal.state != ProposalState.PENDING:
            raise ActionError(_("This proposal was already decided."))
        if actor.pk in (proposal.proposed_by_id, proposal.user_id):
            raise ActionError(
                _("You may not decide a proposal you made or one that changes your own account.")
            )
        user = User.objects.select_for_update().get(pk=proposal.user_id)
        current = account_values(user)
        if approve and any(current.get(f) != v for f, v in proposal.before.items()):
            raise ActionError(
                _(
                    "The account changed after this proposal was made. Reject it and ask "
                    "the system administrator to propose again."
                )
            )
        proposal.state = ProposalState.APPROVED if approve else ProposalState.REJECTED
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.save()
        data = {
            "proposal": proposal.pk,
            "proposed_by": proposal.proposed_by.get_username(),
            "before": proposal.before,
            "after": proposal.after,
        }
        if not approve:
            record(actor, "account_change_rejected", _label(user), data)
            return proposal
        _apply(user, proposal.after)
        user.save()
        record(actor, "account_change_approved", _label(user), data)
        if proposal.is_new_account:
            link = _issue_link(user, LinkPurpose.FIRST, actor, base_url)
            record(
                actor,
                "first_password_link_sent",
                _label(user),
                {"expires_at": link.expires_at.isoformat()},
            )
    return proposal


# --- one-time password links --------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_link(user: User, purpose: str, requested_by: User, base_url: str) -> PasswordLink:
    """A new link for `user`, mailed to the address on the account; earlier unused links die."""
    if not user.email:
        raise ActionError(
            _("%(name)s has no e-mail address: enter it first (it needs approval).")
            % {"name": user}
        )
    now = timezone.now()
    PasswordLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    link = PasswordLink.objects.create(
        user=user,
        digest=_digest(token),
        purpose=purpose,
        requested_by=requested_by,
        created_at=now,
        expires_at=now + SecurityPolicy.current().reset_link_lifetime,
    )
    url = base_url.rstrip("/") + reverse("password_set", args=[token])
    expires = timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")
    subject = (
        _("xinbao: set your first password")
        if purpose == LinkPurpose.FIRST
        else _("xinbao: your password was reset")
    )
    body = _(
        "%(name)s,\n\nOpen this link to choose your password for the account %(username)s. "
        "It works once, until %(expires)s:\n\n%(url)s\n\n"
        "If you did not expect this message, tell the security administrator."
    ) % {"name": user, "username": user.get_username(), "expires": expires, "url": url}
    # Sent inside the transaction on purpose: if the mail cannot be handed over, nothing is
    # written and the administrator sees the error.
    send_mail(subject, body, None, [user.email])
    return link


def do_request_password_reset(actor: User, user_id: int, base_url: str) -> PasswordLink:
    """The system administrator's reset: the current password stops working at once (it may
    be why the reset was asked for) and the person sets a new one through the mailed link.
    The administrator never sees the link."""
    _require(actor, Capability.MANAGE_ORG)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        _not_a_link_account(user)
        if not user.is_active:
            raise ActionError(_("%(name)s is deactivated: nothing to reset.") % {"name": user})
        link = _issue_link(user, LinkPurpose.RESET, actor, base_url)
        if user.has_usable_password():
            _remember(user, user.password)
        user.set_unusable_password()
        user.must_change_password = True
        user.save()
        record(
            actor,
            "password_reset_requested",
            _label(user),
            {"expires_at": link.expires_at.isoformat()},
        )
    return link


def usable_link(token: str) -> PasswordLink | None:
    """The link `token` opens, if it is unused, unexpired and its account active."""
    link = (
        PasswordLink.objects.select_related("user")
        .filter(digest=_digest(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return link if link is not None and link.user.is_active else None


def do_set_password_by_link(token: str, password: str) -> User:
    """The person's own new password, set through their link; the link dies with it. The
    password was validated by the caller's form (validators and history)."""
    with transaction.atomic():
        link = usable_link(token)
        if link is None:
            raise ActionError(_("This link is no longer valid. Ask for a new one."))
        link = PasswordLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise ActionError(_("This link is no longer valid. Ask for a new one."))
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        user = User.objects.select_for_update().get(pk=link.user_id)
        _store_password(user, password)
        action = (
            "first_password_set"
            if link.purpose == LinkPurpose.FIRST
            else "password_reset_completed"
        )
        record(user, action, _label(user), {"link_created_at": link.created_at.isoformat()})
    return user


# --- one's own password -------------------------------------------------------------------------


def _remember(user: User, hashed: str) -> None:
    """Keep `hashed` among the last N passwords (N from the policy), dropping older ones."""
    keep = SecurityPolicy.current().password_history
    newest = PasswordHistory.objects.filter(user=user).first()
    if newest is None or newest.password != hashed:
        PasswordHistory.objects.create(user=user, password=hashed, set_at=timezone.now())
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def _store_password(user: User, password: str) -> None:
    user.set_password(password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save()
    _remember(user, user.password)


def do_change_password(user: User, password: str) -> None:
    """A person's change of their own password (validated by the caller's form)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        forced = locked.must_change_password
        _store_password(locked, password)
        user.password = locked.password
        user.must_change_password = False
        user.password_changed_at = locked.password_changed_at
        record(user, "password_changed", _label(user), {"was_required": forced})
