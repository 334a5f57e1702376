from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.clock import city_today, local
from booking.models import Channel, Place, Slot
from booking.selectors.availability import place_day, place_month, place_week
from booking.services.calendars import weekly_hours_set
from booking.services.reservations import reservation_create
from tests.booking_factories import CITIZEN, NoticeFactory, PlaceFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_month_view_takes_the_same_few_queries_whatever_the_slot_length(in_city_a):
    coarse, fine = PlaceFactory(), PlaceFactory()
    for place, minutes in ((coarse, 60), (fine, 10)):
        weekly_hours_set(place=place, weekdays=[0, 1, 2, 3, 4], opens_at=dt.time(8, 30),
                         closes_at=dt.time(17, 30), slot_minutes=minutes, capacity=2)
    month = open_weekday(min_days=10)
    counts = [queries(lambda place=place: place_month(place=place, year=month.year, month=month.month))
              for place in (coarse, fine)]
    assert counts[0] == counts[1] <= 2
    assert Slot.objects.filter(place=fine).count() > 5 * Slot.objects.filter(place=coarse).count()


def test_month_view_shows_capacity_free_seats_and_full_days(in_city_a):
    place = PlaceFactory()
    place.default_for_wards.add(NoticeFactory().ward)
    day = open_weekday()
    only = make_slot(place, day, dt.time(10), capacity=1)
    reservation_create(notice=NoticeFactory(default_place=place), slot=only, channel=Channel.STAFF,
                       actor=CITIZEN.__class__(kind="system", channel=Channel.STAFF))
    other_day = open_weekday(skip=1)
    make_slot(place, other_day, dt.time(10), capacity=3)
    month = place_month(place=place, year=day.year, month=day.month)
    by_date = {d.date: d for d in month.days}
    assert by_date[day].state == "full" and by_date[day].free == 0
    if other_day.month == day.month:
        assert by_date[other_day].state == "few" and by_date[other_day].bookable_free == 3
    assert all(d.state == ("past" if d.date < city_today() else "closed")
               for d in month.days if d.date not in (day, other_day))
    weeks = month.weeks()
    assert all(len(week) == 7 for week in weeks)


def test_days_outside_the_booking_window_are_visible_but_not_bookable(in_city_a):
    place = Place.objects.get(code="kita")
    # inside the 24 hours before a slot in which citizens can no longer book, whatever the hour now
    soon = local(timezone.now() + dt.timedelta(hours=12)).replace(minute=0, second=0, microsecond=0)
    slot = make_slot(place, soon.date(), soon.time(), capacity=4)
    citizen_view = {s.slot_id: s for s in place_day(place=place, day=soon.date())}
    staff_view = {s.slot_id: s for s in place_day(place=place, day=soon.date(), staff=True)}
    assert citizen_view[slot.pk].state == "unavailable"
    assert staff_view[slot.pk].state in ("available", "few")


def test_week_view_groups_slots_by_day(in_city_a):
    place = Place.objects.get(code="kita")
    monday = open_weekday(min_days=7)
    monday -= dt.timedelta(days=monday.weekday())
    week = place_week(place=place, start=monday)
    assert list(week) == [monday + dt.timedelta(days=n) for n in range(7)]
    assert week[monday + dt.timedelta(days=5)] == []  # Saturday
    assert queries(lambda: place_week(place=place, start=monday)) <= 2  # the slots, and at most search_path
