"""Logging in through the login page as a person does: the password, then — for whoever the
security policy asks it of, or who has turned it on — the second step, with the code the
person's authenticator app would show at this moment (the server's pinned or simulated clock)."""

import time
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from org.models import SecurityPolicy, User


def authenticator_code(user: User) -> str | None:
    """The six digits the person's app shows now, or None if their login has no second step.
    A person the policy asks it of gets an authenticator (as if set up before the test)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        if user.role not in SecurityPolicy.current().second_factor_roles:
            return None
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    # A code is accepted once: logging in again within the same 30 seconds, the app's next
    # code (one step ahead is within the tolerance) is the one to type.
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(page: Any, user: User, password: str) -> None:
    code = authenticator_code(user)  # the phone is set up before the login starts
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if code is not None:
        expect(page.get_by_role("heading", name="两步验证", exact=True)).to_be_visible()
        page.get_by_label("验证码").fill(code)
        page.get_by_role("button", name="验证").click()


def expect_logged_in(page: Any, user: User) -> None:
    """The person is in: the top bar names them (on whichever page their role starts)."""
    expect(page.locator("header .who-name")).to_have_text(user.full_name or user.username)
