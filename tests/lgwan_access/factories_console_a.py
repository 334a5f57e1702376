"""Staff users and data for the console sections Today, Calendars, Notices, Settings and Audit."""
from __future__ import annotations

import datetime as dt

from booking.clock import at, city_today
from booking.models import Slot
from booking.services.reservations import reservation_book
from tenants.models import Role
from tests.booking.factories import STAFF, NoticeFactory, make_slot
from tests.tenants.factories import MembershipFactory


def staff_user(city, role=Role.STAFF):
    return MembershipFactory(municipality=city, role=role).user


def booked_notice(place, day: dt.date | None = None, start: dt.time = dt.time(10, 0), *, number=None,
                  capacity: int = 4, actor=STAFF):
    """A notice with an active booking at `place` on `day` (a slot is made if the calendar has none)."""
    day = day or city_today()
    notice = NoticeFactory(**({"number": number} if number else {}))
    slot = Slot.objects.filter(place=place, starts_at=at(day, start)).first() or make_slot(
        place, day, start, capacity=capacity)
    reservation_book(notice=notice, slot=Slot.objects.get(pk=slot.pk), actor=actor)
    notice.refresh_from_db()
    return notice
