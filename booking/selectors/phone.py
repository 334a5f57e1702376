"""Reads the call centre needs: notices by keypad digits, the next free times, bookings by channel."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Func, Value
from django.utils import timezone

from booking.models import AuditEntry, Notice, Reservation, Slot
from booking.selectors.eligibility import allowed_place_ids, booking_window

KEYPAD_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
KEYPAD_DIGITS = "22233344455566677778889999"


def keypad_digits(number: str) -> str:
    """A normalised notice number as a phone keypad types it (A, B, C on 2 … W, X, Y, Z on 9)."""
    return number.translate(str.maketrans(KEYPAD_LETTERS, KEYPAD_DIGITS))


def notice_numbers_for_keypad(digits: str, limit: int = 3) -> list[str]:
    """The notice numbers a caller may have meant with these keypad digits (letters share keys)."""
    if not digits.isdigit():
        return []
    typed = Func(F("number"), Value(KEYPAD_LETTERS), Value(KEYPAD_DIGITS), function="translate")
    return list(Notice.objects.annotate(typed=typed).filter(typed=digits)
                .order_by("number").values_list("number", flat=True)[:limit])


def next_free_slots(notice: Notice, *, count: int, now: dt.datetime | None = None,
                    exclude_slot_id: int | None = None) -> list[Slot]:
    """The earliest slots this notice may book now, with a free seat (the IVR reads them out)."""
    now = now or timezone.now()
    earliest, latest = booking_window(now)
    slots = (Slot.objects.select_related("place")
             .filter(place_id__in=allowed_place_ids(notice), starts_at__gte=max(earliest, now),
                     starts_at__lte=latest, booked__lt=F("capacity"))
             .order_by("starts_at", "place__sort_order", "pk"))
    if exclude_slot_id:
        slots = slots.exclude(pk=exclude_slot_id)
    return list(slots[:count])


def reservations_by_channel(*, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Bookings made between `start` and `end`, counted by channel (the monthly report, CC-7)."""
    rows = (Reservation.objects.filter(created_at__gte=start, created_at__lt=end)
            .values("channel").annotate(count=Count("id")))
    return {row["channel"]: row["count"] for row in rows}


def cancellations_by_channel(*, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Cancellations in the period, by the channel of the audit entry that cancelled them."""
    rows = (AuditEntry.objects.filter(action="reservation.cancel", created_at__gte=start, created_at__lt=end)
            .values("channel").annotate(count=Count("id")))
    return {row["channel"]: row["count"] for row in rows}


def changes_by_channel(*, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    rows = (AuditEntry.objects.filter(action="reservation.change", created_at__gte=start, created_at__lt=end)
            .values("channel").annotate(count=Count("id")))
    return {row["channel"]: row["count"] for row in rows}
