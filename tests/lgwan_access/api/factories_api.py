"""A small day at a place of a city, for the staff API tests (used inside the city's schema)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django_tenants.utils import tenant_context

from booking.models import Notice, Place, Slot
from tests.booking.factories import NoticeFactory, make_slot, open_weekday


@dataclass
class Day:
    place: Place
    day: dt.date
    ten: Slot  # one seat
    eleven: Slot  # two seats
    notices: list[Notice]


def a_day(city, notices: int = 2) -> Day:
    with tenant_context(city):
        place = Place.objects.filter(is_active=True).order_by("sort_order", "code").first()
        day = open_weekday()
        return Day(place=place, day=day, ten=make_slot(place, day, dt.time(10, 0), capacity=1),
                   eleven=make_slot(place, day, dt.time(11, 0), capacity=2),
                   notices=[NoticeFactory() for _ in range(notices)])


def as_printed(number: str) -> str:
    """A number as a clerk might type it from the postcard: full-width, lower case, a hyphen."""
    typed = f"{number[:3].lower()}-{number[3:]}"
    return typed.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})
