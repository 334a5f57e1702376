"""Where a citizen stands in the waiting room, and how long it may take."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from booking.models import WaitingTicket
from booking.selectors.joined_rows import id_in_range, table
from kernel.prepared import prepared_cursor

RATE_WINDOW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class PlaceInLine:
    position: int  # 1: next to be let in
    minutes: int  # estimated wait, rounded up
    admitted: bool
    per_minute: float = 0.0  # citizens let in per minute, lately (or as many as the room holds per idle period)

    def expected_within(self, seconds: float) -> bool:
        """Whether this place's turn is likely to come within `seconds`, at the pace citizens are let in."""
        return 0 < self.position <= math.ceil(self.per_minute * seconds / 60)

    def refresh_seconds(self) -> int:
        """How often the waiting page asks again: every BOOKING_WAITING_ROOM_REFRESH_SECONDS, three
        times that beyond the 500th, and every BOOKING_WAITING_ROOM_FRONT_REFRESH_SECONDS where the
        turn is likely within one refresh (a place let in stays unused until its citizen asks)."""
        refresh = settings.BOOKING_WAITING_ROOM_REFRESH_SECONDS * (1 if self.position <= 500 else 3)
        if self.expected_within(refresh):
            refresh = min(refresh, settings.BOOKING_WAITING_ROOM_FRONT_REFRESH_SECONDS)
        return refresh


# The ticket, its place among those still waiting (and still asking), and how many were let in
# lately: what the waiting page shows on every refresh, in one round trip.
_PLACE_IN_LINE = """
SELECT t.admitted_at IS NOT NULL,
       (SELECT count(*) FROM {tickets} w
        WHERE w.admitted_at IS NULL AND w.polled_at >= %(abandoned)s AND w.id <= t.id),
       (SELECT count(*) FROM {tickets} a WHERE a.admitted_at >= %(lately)s)
FROM {tickets} t WHERE t.id = %(ticket)s
"""


def place_in_line(ticket_id: int, *, capacity: int, now: dt.datetime | None = None) -> PlaceInLine:
    now = now or timezone.now()
    row = None
    if id_in_range(ticket_id):
        with prepared_cursor() as cursor:
            cursor.execute(_PLACE_IN_LINE.format(tickets=table(WaitingTicket)), {
                "ticket": ticket_id, "lately": now - RATE_WINDOW,
                "abandoned": now - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_ABANDON_SECONDS)})
            row = cursor.fetchone()
    if row is None or row[0]:
        return PlaceInLine(0, 0, row is not None)
    _admitted, position, admitted_lately = row
    position = position or 1
    per_minute = admitted_lately / (RATE_WINDOW.total_seconds() / 60)
    if per_minute <= 0:  # nobody let in lately: as many as the room holds per idle period
        per_minute = max(capacity, 1) / (settings.BOOKING_WAITING_ROOM_IDLE_SECONDS / 60)
    return PlaceInLine(position, max(1, math.ceil(position / per_minute)), False, per_minute)
