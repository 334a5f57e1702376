"""Tasks of the platform side. They run inside the municipality they concern."""
from __future__ import annotations

from django.db import connection

from config.mail import send_templated_mail
from config.tasking import municipality_task
from tenants.models import Membership
from tenants.selectors import municipality_site_url


@municipality_task(name="tenants.send_staff_welcome", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_staff_welcome(user_id: int) -> None:
    """Tell a municipality's first administrator where the staff console is (never the password)."""
    from booking.models import Place

    municipality = connection.tenant
    membership = (
        Membership.objects.select_related("user")
        .filter(user_id=user_id, municipality=municipality).first()
    )
    if membership is None or not membership.user.email:
        return
    send_templated_mail(
        to=[membership.user.email],
        template="tenants/mail/staff_welcome",
        language=membership.user.preferred_language,
        context={
            "municipality": municipality,
            "user": membership.user,
            "role": membership.get_role_display(),
            "places": list(Place.objects.filter(is_active=True)),
            "site_url": municipality_site_url(municipality),
            "staff_url": municipality_site_url(municipality, "/staff/"),
        },
    )
