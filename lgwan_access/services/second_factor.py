"""The staff's second factor (SYS-5): TOTP enrolment, one-time backup codes, verification, reset.

Devices are django-otp's (public schema, one identity for the whole platform). A staff user has
one TOTP device, created unconfirmed when enrolment starts and confirmed by the first right
code, and one static device holding `BACKUP_CODE_COUNT` one-time codes shown once.
"""
from __future__ import annotations

import base64

import segno
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.errors import AccessDeniedError
from tenants.models import Membership, Municipality, User
from tenants.services.audit import platform_audit_record

BACKUP_CODE_COUNT = 10
DEVICE_NAME = "madoguchi"


def second_factor_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_enrolled_ids(users) -> set[int]:
    """Which of these users have a confirmed second factor: one query for a whole list."""
    return set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))


def totp_enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device enrolment shows (created on first use, same secret on reload)."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first())
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an authenticator app."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, rendered here (no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff", title="TOTP")


def _clean(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


def totp_enrolment_confirm(user: User, device_id: int, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the enrolment device with a code from the app: the device and fresh backup codes, or None."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not device.verify_token(_clean(token)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _backup_codes_issue(user)
        platform_audit_record(actor=user, action="user.second_factor_enrol", subject_user=user)
    return device, codes


def _backup_codes_issue(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def second_factor_verify(user: User, token: str):
    """The device that accepts `token` (a 6-digit TOTP code or a backup code, used up), or None.

    django-otp's throttling applies: after wrong codes each device waits longer before it accepts.
    """
    token = _clean(token)
    if token.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    with transaction.atomic():
        for device in devices.select_for_update():
            if device.verify_token(token):
                return device
    return None


class SecondFactorSharedError(AccessDeniedError):
    """The user's second factor also guards their work for another city: not one city's to reset."""

    default_message = _("This user also works for another city, so their second factor can only be reset by the "
                        "platform's administrators.")


def second_factor_reset(*, user: User, actor: User, municipality: Municipality | None, reason: str = "") -> None:
    """Remove every second-factor device of `user`: they enrol again at their next login. Audited.

    Devices are the user's, platform-wide: a city (`municipality` given) may reset them only for a
    user who works for no other city (SecondFactorSharedError otherwise)."""
    if municipality is not None and Membership.objects.filter(user=user).exclude(municipality=municipality).exists():
        raise SecondFactorSharedError()
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        platform_audit_record(actor=actor, action="user.second_factor_reset", municipality=municipality,
                              subject_user=user, changes={"devices_removed": removed}, reason=reason)
