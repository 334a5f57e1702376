"""The welcome mail of a city's first staff administrator: where the staff console is (never a password)."""
from __future__ import annotations

from django.db import connection

from booking.selectors.lookups import active_places
from kernel.mail import send_templated_mail
from tenants.selectors import dangerously_membership, municipality_site_url


def staff_welcome_send(*, user_id: int) -> bool:
    """Mail the user of this city (the current schema) its addresses; False if there is nobody to tell."""
    municipality = connection.tenant
    membership = dangerously_membership(user_id, municipality)
    if membership is None or not membership.user.email:
        return False
    send_templated_mail(
        to=[membership.user.email],
        template="platform_console/mail/staff_welcome",
        language=membership.user.preferred_language,
        context={
            "municipality": municipality,
            "user": membership.user,
            "role": membership.get_role_display(),
            "places": active_places(),
            "site_url": municipality_site_url(municipality),
            "staff_url": municipality_site_url(municipality, "/staff/"),
        },
    )
    return True
