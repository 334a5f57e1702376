"""Factories and helpers for a municipality's own data. Use them inside a city's schema."""
from __future__ import annotations

import datetime as dt

import factory

from booking.clock import at, city_today
from booking.models import AuditEntry, Channel, Notice, Place, Slot, Ward
from booking.services.audit import Actor
from booking.services.calendars import is_closed_by_default


def open_weekday(min_days: int = 3, skip: int = 0) -> dt.date:
    """The first ordinary weekday (no holiday, no year-end) at least `min_days` ahead; `skip` more after it."""
    day = city_today() + dt.timedelta(days=min_days)
    found = -1
    while True:
        if day.weekday() < 5 and not is_closed_by_default(day):
            found += 1
            if found == skip:
                return day
        day += dt.timedelta(days=1)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    number = factory.Sequence(lambda n: f"TST{n:06d}")
    birth_day = 7
    ward = factory.LazyFunction(lambda: Ward.objects.order_by("sort_order").first())
    default_place = factory.LazyAttribute(lambda notice: notice.ward.default_places.first())
    mailed_on = factory.LazyFunction(city_today)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    code = factory.Sequence(lambda n: f"place{n}")
    name = factory.Sequence(lambda n: f"テスト会場{n}")


def make_slot(place: Place, day: dt.date, start: dt.time = dt.time(10, 0), minutes: int = 30,
              capacity: int = 4) -> Slot:
    starts_at = at(day, start)
    slot, _ = Slot.objects.update_or_create(
        place=place, starts_at=starts_at,
        defaults={"ends_at": starts_at + dt.timedelta(minutes=minutes), "capacity": capacity},
    )
    return slot


# Who acts, once for every test: a citizen on the web, a clerk at the counter, an operator on the phone.
CITIZEN = Actor.citizen()
STAFF = Actor(kind=AuditEntry.ActorKind.USER, channel=Channel.STAFF, label="counter staff")
OPERATOR = Actor(kind=AuditEntry.ActorKind.USER, channel=Channel.PHONE, label="call-centre operator")
IVR = Actor.citizen(channel=Channel.IVR)
