"""Where a citizen stands in the waiting room, and how long it may take."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from booking.models import WaitingTicket

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


def place_in_line(ticket_id: int, *, capacity: int, now: dt.datetime | None = None) -> PlaceInLine:
    now = now or timezone.now()
    ticket = WaitingTicket.objects.filter(pk=ticket_id).first()
    if ticket is None or ticket.admitted_at is not None:
        return PlaceInLine(0, 0, ticket is not None)
    abandoned = now - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_ABANDON_SECONDS)
    position = WaitingTicket.objects.filter(admitted_at__isnull=True, polled_at__gte=abandoned,
                                            id__lte=ticket_id).count() or 1
    admitted_lately = WaitingTicket.objects.filter(admitted_at__gte=now - RATE_WINDOW).count()
    per_minute = admitted_lately / (RATE_WINDOW.total_seconds() / 60)
    if per_minute <= 0:  # nobody let in lately: as many as the room holds per idle period
        per_minute = max(capacity, 1) / (settings.BOOKING_WAITING_ROOM_IDLE_SECONDS / 60)
    return PlaceInLine(position, max(1, math.ceil(position / per_minute)), False, per_minute)
