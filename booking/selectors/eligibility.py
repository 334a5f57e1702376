"""Read rules of booking: who may book what, where and when (WEB-4, WEB-15, SYS-2).

The booking service enforces these rules inside its transaction; the surfaces read them to show
what can be done. A rule that refuses returns the error a user would see (it does not raise), so
both can use it. `citizen_booking` gathers what one request needs, computed once.
"""
from __future__ import annotations

import datetime as dt
from functools import cache, cached_property

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.clock import city_today, current_municipality
from booking.errors import (
    AlreadyBookedError,
    BookingError,
    BookingWindowError,
    CardHandedOverError,
    NoticeNotBookableError,
    PlaceNotAllowedError,
    SlotInPastError,
)
from booking.models import Channel, Notice, NoticeStatus, Place, Reservation, ReservationStatus, Slot
from booking.selectors.joined_rows import read_chain, select_list, table
from kernel.process_cache import ProcessCache

# Channels whose users judge place and short notice themselves (OPS-6): the counter staff.
STAFF_CHANNELS = frozenset({Channel.STAFF})
_CLOSED_STATUSES = (NoticeStatus.EXPIRED, NoticeStatus.CANCELLED, NoticeStatus.RETURNED)


def booking_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and latest start a citizen may book now (WEB-15)."""
    now = now or timezone.now()
    policy = current_municipality()
    return now + dt.timedelta(hours=policy.booking_closes_hours), now + dt.timedelta(days=policy.booking_opens_days)


def _allowed_places_query(notice: Notice):
    """Where this notice may be picked up: its ward's office and its own default place, plus every
    place citizens may choose if the city lets them choose (WEB-4). Active places only; one query."""
    allowed = Q(default_for_wards=notice.ward_id)
    if notice.default_place_id:
        allowed |= Q(pk=notice.default_place_id)
    if current_municipality().places_selectable:
        allowed |= Q(citizen_selectable=True)
    return Place.objects.filter(allowed, is_active=True).distinct()


def allowed_place_ids(notice: Notice) -> set[int]:
    return set(_allowed_places_query(notice).values_list("pk", flat=True))


def allowed_places(notice: Notice) -> list[Place]:
    return list(_allowed_places_query(notice).order_by("sort_order", "code"))


_pages_places = ProcessCache()  # (schema, ward, default place, places selectable) → places


def allowed_places_for_pages(notice: Notice) -> list[Place]:
    """`allowed_places` as the citizen's pages show them: kept in this process for
    MADOGUCHI_PLACES_CACHE_SECONDS per city, ward and default place (every page of every citizen
    asks). A place closed a moment ago may show that long; booking it is refused all the same, as
    the booking service checks the place inside its transaction."""
    key = (connection.schema_name, notice.ward_id, notice.default_place_id, current_municipality().places_selectable)
    return _pages_places.kept(key, lambda: allowed_places(notice), settings.MADOGUCHI_PLACES_CACHE_SECONDS)


def notice_refusal(notice: Notice, *, moving: bool = False) -> BookingError | None:
    """Why this notice cannot be booked now (or, with `moving`, its booking moved); None if it can."""
    if notice.status == NoticeStatus.HANDED_OVER:
        return CardHandedOverError()
    if not moving and notice.status in (NoticeStatus.BOOKED, NoticeStatus.PULLED):
        return AlreadyBookedError()
    if notice.status in _CLOSED_STATUSES:
        return NoticeNotBookableError()
    if notice.expires_on and notice.expires_on < city_today():
        return NoticeNotBookableError(_("The pickup deadline of this notice has passed. Please call us."))
    return None


def notice_bookable(notice: Notice) -> bool:
    """Whether this notice may be booked, or its booking moved, now."""
    return notice_refusal(notice, moving=True) is None


def slot_refusal(slot: Slot, notice: Notice, *, channel: str, now: dt.datetime,
                 place_ids: set[int] | None = None) -> BookingError | None:
    """Why `notice` cannot take `slot` through `channel` now; None if it can.

    Staff at the counter may book any active place and at short notice (OPS-6); everybody else
    within the booking window and at the places the notice may use.
    """
    allowed = slot.place_id in (place_ids if place_ids is not None else allowed_place_ids(notice))
    return seat_refusal(starts_at=slot.starts_at, place_active=slot.place.is_active, place_allowed=allowed,
                        channel=channel, now=now)


def seat_refusal(*, starts_at: dt.datetime, place_active: bool, place_allowed: bool, channel: str,
                 now: dt.datetime) -> BookingError | None:
    """The rule of `slot_refusal` on the facts alone (the booking path reads them in one statement)."""
    if starts_at <= now:
        return SlotInPastError()
    if not place_active:
        return PlaceNotAllowedError()
    if channel in STAFF_CHANNELS:
        return None
    earliest, latest = booking_window(now)
    if not earliest <= starts_at <= latest:
        policy = current_municipality()
        return BookingWindowError(BookingWindowError.default_message % {
            "opens": policy.booking_opens_days, "closes": policy.booking_closes_hours})
    if not place_allowed:
        return PlaceNotAllowedError()
    return None


def change_cut_off(reservation: Reservation) -> dt.datetime:
    """Until when citizens may change or cancel this booking themselves."""
    return reservation.slot.starts_at - dt.timedelta(hours=current_municipality().change_closes_hours)


@cache
def _active_reservation_sql() -> str:
    return (f"SELECT {select_list(Reservation, 'r')}, {select_list(Slot, 's')}, {select_list(Place, 'p')} "
            f"FROM {table(Reservation)} r JOIN {table(Slot)} s ON s.id = r.slot_id "
            f"JOIN {table(Place)} p ON p.id = s.place_id "
            f"WHERE r.notice_id = %s AND r.status = %s ORDER BY r.id LIMIT 1")


def active_reservation(notice: Notice) -> Reservation | None:
    """The notice's active booking, with its slot and place, if it has one (as
    `select_related("slot", "slot__place")` reads it, by a statement written once)."""
    return read_chain(_active_reservation_sql(), [notice.pk, ReservationStatus.ACTIVE.value],
                      [(Reservation, "slot"), (Slot, "place"), (Place, None)])


class CitizenBooking:
    """What a page of the citizen site needs about the logged-in notice, each part read once per
    request and only when the page asks for it."""

    def __init__(self, notice: Notice):
        self.notice = notice

    @cached_property
    def reservation(self) -> Reservation | None:
        return active_reservation(self.notice) if self.has_booking else None

    @property
    def has_booking(self) -> bool:
        """Whether the notice has an active booking (its status says so: the services keep both in step)."""
        return self.notice.status in (NoticeStatus.BOOKED, NoticeStatus.PULLED)

    @cached_property
    def places(self) -> list[Place]:
        return allowed_places_for_pages(self.notice)

    @cached_property
    def bookable(self) -> bool:
        return notice_bookable(self.notice)

    def place(self, code: str) -> Place | None:
        """The allowed place with this code (None: not one this notice may use)."""
        return next((place for place in self.places if place.code == code), None)

    @property
    def start_place(self) -> Place | None:
        """The place to book at when there is only one to choose."""
        return self.places[0] if len(self.places) == 1 else None


def citizen_booking(notice: Notice) -> CitizenBooking:
    return CitizenBooking(notice)
