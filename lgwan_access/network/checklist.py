"""What the go-live checklist (tenants.checklist) asks of the staff surface."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.access import dangerously_city_staff_admin_ids


def staff_admin_second_factor(municipality) -> bool:
    """A staff_admin of the city has enrolled a second factor (a confirmed TOTP device)."""
    admins = dangerously_city_staff_admin_ids(municipality)
    return TOTPDevice.objects.filter(confirmed=True, user_id__in=admins).exists()


CHECKS = [
    dict(key="staff_admin_2fa", order=10, label=_("First staff administrator enrolled with a second factor"),
         hint=_("The staff administrator signs in to the staff console and enrols an authenticator app."),
         check=staff_admin_second_factor),
]
