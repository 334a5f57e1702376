"""Free seats from the shared cache: read once, never stale after a booking, cancel or calendar change."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Slot, Ward
from booking.selectors.availability import place_day, place_month
from booking.services.calendars import calendar_exception_set
from booking.services.reservations import reservation_book, reservation_cancel
from tests.booking.factories import STAFF, NoticeFactory, PlaceFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(in_city_a):
    """The one slot of a place of its own, open to the notices of the first ward."""
    place = PlaceFactory()
    place.default_for_wards.add(Ward.objects.order_by("sort_order").first())
    return make_slot(place, open_weekday(), dt.time(10), capacity=2)


def slot_reads(function) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return result, sum('FROM "booking_slot"' in query["sql"] for query in captured.captured_queries)


def free_on(place, day):
    return next(d for d in place_month(place=place, year=day.year, month=day.month).days if d.date == day).free


def test_the_second_read_of_a_month_or_a_day_costs_no_query(shared_cache, slot):
    place, day = slot.place, open_weekday()
    now = timezone.now()
    first, reads = slot_reads(lambda: place_month(place=place, year=day.year, month=day.month, now=now))
    assert reads == 1
    again, reads = slot_reads(lambda: place_month(place=place, year=day.year, month=day.month, now=now))
    assert reads == 0 and again.days == first.days
    times, reads = slot_reads(lambda: place_day(place=place, day=day, now=now))
    assert reads == 1 and [t.slot_id for t in times] == [slot.pk]
    times, reads = slot_reads(lambda: place_day(place=place, day=day, now=now))
    assert reads == 0 and [t.slot_id for t in times] == [slot.pk]


def test_the_month_is_summed_by_the_database_as_the_rows_would_be(slot):
    """Seats, booked seats and free seats in the window per day: the sums PostgreSQL makes agree with
    the slots themselves, for citizens (the window) and for staff (any future slot)."""
    place, day = slot.place, open_weekday()
    other = make_slot(place, day, dt.time(11), capacity=3)
    Slot.objects.filter(pk=other.pk).update(booked=1)
    for staff in (False, True):
        found = next(d for d in place_month(place=place, year=day.year, month=day.month, staff=staff).days
                     if d.date == day)
        assert (found.slots, found.capacity, found.booked, found.free, found.bookable_free) == (2, 5, 1, 4, 4)
    outside = next(d for d in place_month(place=place, year=day.year, month=day.month,
                                          now=slot.starts_at - dt.timedelta(hours=1)).days if d.date == day)
    assert outside.bookable_free == 0  # an hour before: inside the closing time of the window


def test_a_booking_and_a_cancellation_are_seen_at_once(shared_cache, slot, django_capture_on_commit_callbacks):
    place, day = slot.place, open_weekday()
    assert free_on(place, day) == 2
    with django_capture_on_commit_callbacks(execute=True):
        reservation = reservation_book(notice=NoticeFactory(), slot=slot, actor=STAFF).reservation
    assert free_on(place, day) == 1
    assert place_day(place=place, day=day)[0].free == 1
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=reservation, actor=STAFF)
    assert free_on(place, day) == 2


def test_nothing_changes_until_the_booking_commits(shared_cache, slot, django_capture_on_commit_callbacks):
    place, day = slot.place, open_weekday()
    assert free_on(place, day) == 2
    with django_capture_on_commit_callbacks(execute=False) as pending:
        reservation_book(notice=NoticeFactory(), slot=slot, actor=STAFF)
    assert pending and free_on(place, day) == 2  # the version moves only once the transaction commits


def test_a_calendar_change_is_seen_at_once(shared_cache, slot, django_capture_on_commit_callbacks):
    place, day = slot.place, open_weekday()
    place_month(place=place, year=day.year, month=day.month)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_exception_set(place=place, date=day, kind="closed")
    assert next(d for d in place_month(place=place, year=day.year, month=day.month).days if d.date == day).slots == 0
    assert not Slot.objects.filter(pk=slot.pk).exists()


def test_an_unreachable_cache_only_costs_the_query(settings, slot):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    place, day = slot.place, open_weekday()
    month, reads = slot_reads(lambda: place_month(place=place, year=day.year, month=day.month))
    assert reads == 1 and free_on(place, day) == 2
