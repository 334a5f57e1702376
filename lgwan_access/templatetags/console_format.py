"""Dates and times in the staff console: always in the city's time zone, Japanese era in Japanese."""
from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from booking import formatting
from booking.models import Channel, NoticeStatus, ReservationStatus

register = template.Library()


@register.filter
def local_datetime(value):
    """2026-12-01 09:30 in the city's time zone (the form clerks sort and type)."""
    if not value:
        return ""
    return f"{formatting.local(value):%Y-%m-%d %H:%M}"


@register.filter
def local_day(value):
    """A date, or a moment's date in the city's time zone, with its era and weekday in Japanese."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = formatting.local(value).date()
    return formatting.date_label(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def channel_label(value):
    return Channel(value).label if value in Channel.values else value


@register.filter
def booking_status_label(value):
    return ReservationStatus(value).label if value in ReservationStatus.values else value


# What each recorded action is called in a notice's history (unknown actions show as recorded).
AUDIT_ACTIONS = {
    "notice.create": _("Notice added"),
    "notice.import": _("Notice imported"),
    "notice.status": _("Status changed"),
    "notice.login": _("Citizen logged in"),
    "notice.unlock": _("Login unlocked"),
    "reservation.create": _("Booked"),
    "reservation.change": _("Booking moved"),
    "reservation.cancel": _("Booking cancelled"),
    "reservation.complete": _("Booking completed"),
    "reservation.no_show": _("No-show"),
    "reservation.walk_in": _("Served without a booking"),
    "card.import": _("Card data imported"),
    "card.store": _("Card stored"),
    "card.move": _("Card moved"),
    "card.flag": _("Card flagged"),
    "card.close": _("Card closed"),
    "card.hand_over": _("Card handed over"),
    "personal_data.purge": _("Personal data erased"),
}


@register.filter
def audit_action_label(value):
    return AUDIT_ACTIONS.get(value, value)


@register.filter
def notice_status_label(value):
    return NoticeStatus(value).label if value in NoticeStatus.values else value


@register.filter
def get_field(form, name):
    return form[name]
