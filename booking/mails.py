"""The mails a citizen receives about a booking, in the language the booking was made in."""
from __future__ import annotations

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from booking.formatting import slot_label
from booking.ics import booking_ics
from booking.models import Reservation
from config.mail import render_templated_mail
from tenants.selectors import municipality_site_url


def booking_calendar_file(reservation: Reservation, language: str, cancelled: bool = False) -> str:
    municipality = connection.tenant
    place = reservation.slot.place
    with translation.override(language):
        summary = _("My Number Card pickup (%(city)s)") % {"city": municipality.display_name(language)}
        bring = [item.text for item in place.guidance_in(language).bring_items]
        description = "\n".join([
            _("Booking code: %(code)s") % {"code": reservation.code},
            _("Please bring: %(items)s") % {"items": "; ".join(bring)} if bring
            else _("Bring your notice postcard and your identity documents."),
        ])
    domain = municipality.get_primary_domain()
    return booking_ics(
        uid=f"{reservation.code}@{domain.domain if domain else municipality.schema_name}",
        starts_at=reservation.slot.starts_at, ends_at=reservation.slot.ends_at, summary=summary,
        location=" ".join(filter(None, [place.display_name(language), place.address])),
        description=description, cancelled=cancelled, sequence=int(reservation.updated_at.timestamp()),
    )


def build_reservation_mail(reservation: Reservation, event: str):
    municipality = connection.tenant
    language = reservation.language if reservation.language in municipality.languages() else "ja"
    place = reservation.slot.place
    context = {
        "event": event,
        "city": municipality.display_name(language),
        "municipality": municipality,
        "code": reservation.code,
        "when": slot_label(reservation.slot.starts_at, reservation.slot.ends_at, language),
        "place": place.display_name(language),
        "address": place.address,
        "guidance": place.guidance_in(language),
        "site_url": municipality_site_url(municipality),
    }
    message = render_templated_mail(to=[reservation.email], template=f"booking/mail/{event}", context=context,
                                    language=language)
    if event in ("created", "changed", "cancelled"):
        message.attach(f"{reservation.code}.ics",
                       booking_calendar_file(reservation, language, cancelled=event == "cancelled"),
                       "text/calendar; charset=utf-8")
    return message
