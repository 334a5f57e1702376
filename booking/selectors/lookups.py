"""Finding a notice by what a caller reads out, and a slot by the time asked for (phone, IVR, staff)."""
from __future__ import annotations

import datetime as dt

from booking.errors import DayClosedError, UnknownNoticeError
from booking.models import Notice, Place, Slot
from booking.notice_numbers import normalise_notice_number


def notice_by_number(number: str) -> Notice:
    """The notice with this number as written on the postcard (any width, hyphens, spaces)."""
    notice = Notice.objects.select_related("ward", "default_place").filter(
        number=normalise_notice_number(number)).first()
    if notice is None:
        raise UnknownNoticeError()
    return notice


def slot_at(place: Place, starts_at: dt.datetime) -> Slot:
    """The slot starting at this time at this place; none means the office is closed then."""
    slot = Slot.objects.select_related("place").filter(place=place, starts_at=starts_at).first()
    if slot is None:
        raise DayClosedError()
    return slot
