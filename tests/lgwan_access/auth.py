"""Logging a test client in as staff, second factor included (for tests in any package)."""
from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def staff_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device (created if missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verified_login(client: Client, user) -> Client:
    """`client.force_login(user)` plus a session that passed the second factor (as after a TOTP code)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = staff_device(user).persistent_id
    session.save()
    return client


def staff_totp_code(user) -> str:
    """The code the user's authenticator app would show now (for browser tests typing it on the verify page).

    A code is accepted once per 30-second step: a second login within the same step needs the next one.
    """
    from django_otp.oath import totp

    device = staff_device(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def browser_staff_login(page, base: str, username: str, password: str, device_key: bytes, next_path: str) -> None:
    """Log in through the real pages in a browser: password, then the code the TOTP device shows now.

    `device_key` is `staff_device(user).bin_key`, read where the test may use the database (the
    browser may run in a thread that may not).
    """
    from django_otp.oath import totp

    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base}/staff/second-factor/**")
    page.locator("input[name=token]").fill(f"{totp(device_key):06d}")
    page.get_by_role("button", name="確認").click()
    page.wait_for_url(f"{base}{next_path}")
