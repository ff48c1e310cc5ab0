"""Writes on the federation's links and policy, by the system administrator: each in a
transaction with its audit row. A secret never enters the audit log or any log; it is returned
once to be shown once."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record, save_change
from federation import signing
from federation.models import (
    Direction,
    FederationPolicy,
    Link,
    OutboundMessage,
    OutboundStatus,
)
from org.models import Unit, User, hub_unit
from org.roles import LINK_FILER_ROLE, LINK_RECORDER_ROLE, LINK_SIGNER_ROLE, Capability
from xinbao.core.errors import ActionError

MIN_SECRET = 32


@dataclass(frozen=True)
class LinkSpec:
    direction: str
    name: str
    base_url: str
    office_code: str
    unit: Unit | None = None
    secret: str = ""  # blank: generate one


def _check_admin(actor: User) -> None:
    if not actor.can(Capability.MANAGE_ORG):
        raise ActionError(_("Only the system administrator keeps federation links."))


def _checked_secret(secret: str) -> str:
    secret = secret.strip()
    if not secret:
        return signing.new_secret()
    if len(secret) < MIN_SECRET or len(secret) > 200 or not secret.isascii():
        raise ActionError(
            _("A shared secret has at least %(n)s ASCII characters.") % {"n": MIN_SECRET}
        )
    return secret


def _service_user(link_code: str, unit: Unit, role: str, suffix: str) -> User:
    user = User(
        username=f"federation-{link_code}-{suffix}"[:150],
        full_name=str(_("Federation: %(unit)s") % {"unit": unit.name})[:50],
        unit=unit,
        role=role,
        is_service=True,
    )
    user.set_unusable_password()
    user.save()
    return user


def do_create_link(actor: User, spec: LinkSpec) -> tuple[Link, str]:
    """A new link; returns it with its secret, to be shown once."""
    _check_admin(actor)
    if spec.direction not in Direction.values:
        raise ActionError(_("Choose a direction."))
    if not spec.name.strip() or not spec.office_code.strip():
        raise ActionError(_("The name and the office's code are required."))
    if spec.direction == Direction.DOWN and spec.unit is None:
        raise ActionError(_("Choose the unit that represents the lower office."))
    secret = _checked_secret(spec.secret)
    with transaction.atomic():
        if Link.objects.filter(direction=spec.direction, office_code=spec.office_code).exists():
            raise ActionError(_("A link for this office already exists."))
        if spec.direction == Direction.UP and Link.objects.filter(direction=Direction.UP).exists():
            raise ActionError(_("This office has one upper office; edit its link instead."))
        if (
            spec.direction == Direction.DOWN
            and Link.objects.filter(direction=Direction.DOWN, unit=spec.unit).exists()
        ):
            raise ActionError(_("This unit already has a link."))
        link = Link(
            direction=spec.direction,
            name=spec.name.strip(),
            base_url=spec.base_url.strip(),
            office_code=spec.office_code.strip(),
            unit=spec.unit if spec.direction == Direction.DOWN else None,
            secret=secret,
        )
        if spec.direction == Direction.DOWN and spec.unit is not None:
            link.filer = _service_user(link.office_code, spec.unit, LINK_FILER_ROLE, "filer")
            link.signer = _service_user(link.office_code, spec.unit, LINK_SIGNER_ROLE, "signer")
        hub = hub_unit()
        if spec.direction == Direction.UP and hub is not None:
            link.signer = _service_user(link.office_code, hub, LINK_RECORDER_ROLE, "recorder")
        link.save()
        record(
            actor,
            "federation_link_created",
            f"link:{link.pk}",
            {
                "direction": link.direction,
                "office": link.office_code,
                "url": link.base_url,
                "unit": spec.unit.code if spec.unit else None,
            },
        )
    return link, secret


def do_rotate_secret(
    actor: User, link_id: int, secret: str = "", now: datetime | None = None
) -> tuple[Link, str]:
    """A new current secret; the old one stays accepted inbound for the policy's grace period,
    so the other side can take the new one without a moment of refused messages."""
    _check_admin(actor)
    now = now or timezone.now()
    new = _checked_secret(secret)
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link_id)
        if new == link.secret:
            raise ActionError(_("The new secret must differ from the current one."))
        grace = timedelta(hours=FederationPolicy.current().rotation_grace_hours)
        link.previous_secret, link.secret = link.secret, new
        link.previous_valid_until = now + grace
        link.rotated_at = now
        link.save()
        record(
            actor,
            "federation_secret_rotated",
            f"link:{link.pk}",
            {"office": link.office_code, "previous_until": link.previous_valid_until.isoformat()},
        )
    return link, new


def do_edit_link(actor: User, link_id: int, base_url: str, is_active: bool) -> Link:
    _check_admin(actor)
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link_id)
        save_change(
            actor,
            "federation_link_changed",
            link,
            {"base_url": base_url.strip(), "is_active": is_active},
            target=f"link:{link.pk}",
        )
    return link


POLICY_FIELDS = (
    "replay_window_seconds",
    "retry_base_seconds",
    "retry_max_seconds",
    "timeout_seconds",
    "rotation_grace_hours",
)


def do_save_policy(actor: User, values: dict[str, Any]) -> bool:
    _check_admin(actor)
    with transaction.atomic():
        policy = FederationPolicy.locked()
        return save_change(
            actor,
            "federation_policy_changed",
            policy,
            {k: values[k] for k in POLICY_FIELDS},
            target="federation-policy",
        )


def may_resend(user: User) -> bool:
    """The section chief (and above) or the system administrator decides that a refused
    message goes again, once its cause is fixed."""
    return user.can(Capability.RESEND_REFUSED) or user.can(Capability.MANAGE_ORG)


def do_resend(actor: User, message_id: int, now: datetime | None = None) -> OutboundMessage:
    """Send a refused message again (the same body and idempotency key: the receiver never
    filed it), after its cause was fixed. The refusal stays in the audit log."""
    if not may_resend(actor):
        raise ActionError(_("Only the section chief or the system administrator sends it again."))
    now = now or timezone.now()
    with transaction.atomic():
        msg = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if msg is None or msg.status != OutboundStatus.REFUSED:
            raise ActionError(_("Only a refused message can be sent again."))
        record(
            actor,
            "federation_message_resent",
            f"outbound:{msg.pk}",
            {
                "message": msg.key,
                "kind": msg.kind,
                "subject": msg.subject,
                "refusal": msg.refusal_code,
                "error": msg.last_error,
                "attempts": msg.attempts,
            },
        )
        msg.status = OutboundStatus.QUEUED
        msg.attempts = 0
        msg.next_attempt_at = now
        msg.refusal_code = ""
        msg.refused_at = None
        msg.last_error = ""
        msg.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "refusal_code",
                "refused_at",
                "last_error",
            ]
        )
    return msg
