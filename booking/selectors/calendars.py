"""Opening calendars as the staff console shows them (OPS-1, OPS-4)."""
from __future__ import annotations

from dataclasses import dataclass

from booking.clock import city_today
from booking.models import CalendarException, OpeningRule, Place, Reservation, ReservationStatus


@dataclass
class PlaceCalendar:
    place: Place
    rules: list[OpeningRule]
    exceptions: list[CalendarException]


def calendar_places() -> list[Place]:
    return list(Place.objects.order_by("sort_order", "code"))


def place_calendar(place_id: int) -> PlaceCalendar | None:
    """A place's weekly windows (Monday first) and its exceptions from today on."""
    place = Place.objects.filter(pk=place_id).first()
    if place is None:
        return None
    return PlaceCalendar(
        place=place,
        rules=list(OpeningRule.objects.filter(place=place).order_by("weekday", "opens_at")),
        exceptions=list(CalendarException.objects.filter(place=place, date__gte=city_today()).order_by("date")),
    )


def bookings_in_slots(slot_ids) -> list[Reservation]:
    """The active bookings of these slots (the ones a refused calendar change would leave without a seat)."""
    return list(
        Reservation.objects.select_related("notice", "slot", "slot__place")
        .filter(slot_id__in=list(slot_ids), status=ReservationStatus.ACTIVE)
        .order_by("slot__starts_at", "code")
    )
