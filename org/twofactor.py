"""Two-step verification (django-otp): a TOTP authenticator app, and recovery codes for when the
phone is lost.

Who must use it is policy (`SecurityPolicy.second_factor_roles`, the three administrators
always among them); anyone else may turn it on from their own account page, and once on it is
asked for at every login. Every write here is one transaction with its audit entry, like
`org.actions`; the entries name the account, never a code or a secret.
"""

import enum
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Iterable

import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from audit.actions import record
from org.models import SecurityPolicy, User
from org.roles import ADMINISTRATORS, Capability, on_role_list
from xinbao.core.errors import ActionError

RECOVERY_CODES = 10
# The session remembers at login that this login needs a second step; the step is done when
# django-otp has put a verified device in the session (`user.is_verified()`).
PENDING = "xinbao_second_factor"
# The secret shown at enrolment lives in the session until a code confirms it.
ENROLMENT_KEY = "xinbao_totp_enrolment"


class Step(enum.Enum):
    VERIFY = "verify"  # has an authenticator: asks for its code (or a recovery code)
    ENROL = "enrol"  # must have one and has none: sets one up first


# --- rules ----------------------------------------------------------------------------------


def missing_administrators(roles: Iterable[str]) -> list[str]:
    """The administrator roles a proposed list leaves out: 等保 wants all three on it."""
    chosen = set(roles)
    return [role for role in ADMINISTRATORS if role not in chosen]


def is_required(user: User, policy: SecurityPolicy | None = None) -> bool:
    policy = policy or SecurityPolicy.current()
    return on_role_list(user.role, policy.second_factor_roles)


def authenticator(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return device


def second_step(user: User) -> Step | None:
    """What a login of `user` needs after the password, if anything."""
    if authenticator(user) is not None:
        return Step.VERIFY
    if is_required(user):
        return Step.ENROL
    return None


def recovery_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user).count()
    return left


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@receiver(user_logged_in)
def _after_password(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """At every login: does this session still owe the second step?"""
    if request is not None and hasattr(request, "session"):
        request.session[PENDING] = second_step(user) is not None


# --- enrolment ------------------------------------------------------------------------------


def new_secret() -> str:
    key: str = random_hex(20)
    return key


def secret_text(key: str) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    b32 = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def qr_svg(user: User, key: str) -> str:
    """The enrolment QR code as SVG markup, drawn here: the secret never leaves the server for
    a QR service."""
    url = TOTPDevice(user=user, key=key).config_url
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg: str = image.to_string(encoding="unicode")
    return svg


def _code_matches(key: str, code: str) -> int | None:
    """The time step a code from an app holding `key` was made at (±1 step), or None."""
    code = normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key))
    totp.time = timezone.now().timestamp()
    if totp.verify(int(code), tolerance=1):
        step: int = totp.t()
        return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def do_enrol(user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Save the authenticator holding `key` once a code from it checks out, replacing any
    earlier one, with fresh recovery codes (returned to be shown once)."""
    step = _code_matches(key, code)
    if step is None:
        raise ActionError(_("The code does not match. Check the time on the phone and try again."))
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user).delete()[0] > 0
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", key=key, confirmed=True, last_t=step
        )
        codes = _new_recovery_codes(user)
        record(
            user,
            "otp_enrolled",
            user.get_username(),
            {"replaced": replaced, "recovery_codes": len(codes)},
        )
    return device, codes


# --- the second step at login ---------------------------------------------------------------


def _throttled(device: TOTPDevice | StaticDevice) -> bool:
    allowed, _details = device.verify_is_allowed()
    return not allowed


def do_verify(user: User, code: str, ip: str = "") -> TOTPDevice | StaticDevice:
    """The device that accepts `code`: the authenticator for six digits, else a recovery code
    (used up by this). A wrong code is audited and counts towards django-otp's growing wait."""
    code = normalise(code)
    device: TOTPDevice | StaticDevice | None
    if code.isdigit():
        device = authenticator(user)
    else:
        device = StaticDevice.objects.filter(user=user).first()
    if device is not None and _throttled(device):
        raise ActionError(_("Too many wrong codes. Wait a minute, then try again."))
    with transaction.atomic():
        accepted = device is not None and device.verify_token(code)
        if device is None or not accepted:
            record(user, "otp_failed", user.get_username(), {"ip": ip})
        elif isinstance(device, StaticDevice):
            left = recovery_codes_left(user)
            record(user, "otp_recovery_code_used", user.get_username(), {"left": left, "ip": ip})
    if device is None or not accepted:
        raise ActionError(_("The code is not right."))
    return device


# --- the account page and the security administrator -----------------------------------------


def do_renew_recovery_codes(user: User) -> list[str]:
    if authenticator(user) is None:
        raise ActionError(_("Set up an authenticator app first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record(user, "otp_recovery_codes_renewed", user.get_username(), {"count": len(codes)})
    return codes


def _remove_devices(user: User) -> int:
    removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed


def do_turn_off(user: User) -> None:
    if is_required(user):
        raise ActionError(_("Your role must use two-step verification; it cannot be turned off."))
    with transaction.atomic():
        if _remove_devices(user):
            record(user, "otp_disabled", user.get_username(), {})


def do_reset(actor: User, username: str) -> User:
    """The security administrator removes someone's authenticator and recovery codes (a lost
    phone): at the next login they set up a new one. Not one's own: that takes a colleague."""
    if not actor.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied
    person = User.objects.filter(username=username.strip()).first()
    if person is None:
        raise ActionError(_("There is no account %(name)s.") % {"name": username.strip()})
    if person.pk == actor.pk:
        raise ActionError(_("Your own second factor is reset by another security administrator."))
    with transaction.atomic():
        removed = _remove_devices(person)
        record(actor, "otp_reset", person.get_username(), {"devices_removed": removed})
    return person
