"""The demo's authenticators: the demo accounts whose role must use two-step verification get
one, with a secret derived from the user name — published, like the demo password, so anyone
trying the demo can log in. Demo only: `manage.py demo_code` prints a code only for a device
that still holds its demo secret."""

import hashlib
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import SecurityPolicy, User
from org.roles import on_role_list

_SALT = "xinbao-demo-totp:"  # public on purpose: these secrets protect nothing


def demo_key(username: str) -> str:
    """The demo secret of `username` (20 bytes, hex), the same on every demo install."""
    return hashlib.sha1((_SALT + username).encode()).hexdigest()


def seed_authenticators(users: dict[str, User]) -> list[str]:
    """An authenticator with its demo secret for each demo person the policy asks it of."""
    required = SecurityPolicy.current().second_factor_roles
    names = sorted(name for name, user in users.items() if on_role_list(user.role, required))
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=users[name], name="demo", key=demo_key(name), confirmed=True)
            for name in names
        ]
    )
    return names


def current_code(username: str) -> str | None:
    """The code the demo authenticator of `username` shows now — or, if that one was used
    already, the next one (accepted too) — or None when the account has no demo secret."""
    device = TOTPDevice.objects.filter(
        user__username=username, confirmed=True, key=demo_key(username)
    ).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    code: int = totp.token()
    return f"{code:0{device.digits}d}"
