from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.clock import at, city_today, city_tz
from booking.models import Place, Slot
from booking.selectors.availability import place_day, place_month, place_week
from booking.selectors.eligibility import booking_window
from booking.services.calendars import weekly_hours_set
from booking.services.reservations import reservation_book
from tests.booking.factories import STAFF, NoticeFactory, PlaceFactory, make_slot, open_weekday

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
    reservation_book(notice=NoticeFactory(default_place=place), slot=only, actor=STAFF)
    other_day = open_weekday(skip=1)
    make_slot(place, other_day, dt.time(10), capacity=3)
    month = place_month(place=place, year=day.year, month=day.month)
    by_date = {d.date: d for d in month.days}
    assert by_date[day].state == "full" and by_date[day].free == 0
    other_month = place_month(place=place, year=other_day.year, month=other_day.month)
    other = next(d for d in other_month.days if d.date == other_day)
    assert other.state == "few" and other.bookable_free == 3 and other.capacity == 3
    earliest, latest = (moment.astimezone(city_tz()).date() for moment in booking_window())
    expected = {d.date: "past" if d.date < city_today() else "too_late" if d.date < earliest
                else "too_early" if d.date > latest else "closed" for d in month.days}
    assert all(d.state == expected[d.date] for d in month.days if d.date not in (day, other_day))
    weeks = month.weeks()
    assert all(len(week) == 7 for week in weeks)


def test_days_outside_the_booking_window_are_visible_but_not_bookable(in_city_a):
    place = Place.objects.get(code="kita")
    now = timezone.now()
    soon = now + dt.timedelta(hours=in_city_a.booking_closes_hours - 1)
    slot = make_slot(place, soon.astimezone(city_tz()).date(), soon.astimezone(city_tz()).time(), capacity=4)
    day = soon.astimezone(city_tz()).date()
    citizen_view = {s.slot_id: s for s in place_day(place=place, day=day, now=now)}
    staff_view = {s.slot_id: s for s in place_day(place=place, day=day, now=now, staff=True)}
    assert citizen_view[slot.pk].state == "too_late"
    assert staff_view[slot.pk].state in ("available", "few")


def test_today_and_the_closing_window_say_too_late_and_days_past_the_window_too_early(in_city_a):
    """Not "closed": a day the citizen cannot book because of the window says so, open or not (WEB-15)."""
    in_city_a.booking_closes_hours, in_city_a.booking_opens_days = 72, 10
    place = PlaceFactory()
    today = dt.date(2031, 3, 3)
    now = at(today, dt.time(12))
    for offset in range(12):
        make_slot(place, today + dt.timedelta(days=offset), dt.time(10), capacity=4)
    Slot.objects.filter(place=place, starts_at=at(today + dt.timedelta(days=6), dt.time(10))).delete()
    Slot.objects.filter(place=place, starts_at=at(today + dt.timedelta(days=1), dt.time(10))).update(booked=4)
    month = place_month(place=place, year=2031, month=3, now=now)
    states = {d.date.day: d.state for d in month.days}
    assert states[2] == "past"
    # today (its slot has begun), the full day after it, and the days up to 72 hours ahead
    assert [states[day] for day in (3, 4, 5, 6)] == ["too_late"] * 4
    assert [states[day] for day in (7, 8, 9, 10, 11, 12, 13)] == [
        "available", "available", "closed", "available", "available", "available", "available"]
    assert [states[day] for day in (14, 15, 31)] == ["too_early"] * 3  # with and without slots
    assert [s.state for s in place_day(place=place, day=today + dt.timedelta(days=2), now=now)] == ["too_late"]
    assert [s.state for s in place_day(place=place, day=today + dt.timedelta(days=11), now=now)] == ["too_early"]


def test_week_view_groups_slots_by_day(in_city_a):
    place = Place.objects.get(code="kita")
    monday = open_weekday(min_days=7)
    monday -= dt.timedelta(days=monday.weekday())
    week = place_week(place=place, start=monday)
    assert list(week) == [monday + dt.timedelta(days=n) for n in range(7)]
    assert week[monday + dt.timedelta(days=5)] == []  # Saturday
    assert queries(lambda: place_week(place=place, start=monday)) <= 2  # the slots, and at most search_path
