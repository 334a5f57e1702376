"""A calendar file (.ics, RFC 5545) for a booking (WEB-13)."""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(*, uid: str, starts_at: dt.datetime, ends_at: dt.datetime, summary: str, location: str,
                description: str, cancelled: bool = False, sequence: int = 0) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//madoguchi//card pickup booking//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(dt.datetime.now(dt.UTC))}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def booking_calendar_file(reservation, language: str, cancelled: bool = False) -> str:
    """The .ics of a booking (a Reservation with its slot and place), in the citizen's language."""
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
