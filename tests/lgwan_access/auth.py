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
