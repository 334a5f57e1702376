from __future__ import annotations

import datetime as dt

import jpholiday
import pytest

from booking.clock import at, city_today, local
from booking.errors import BookingError, CalendarConflictError
from booking.models import CalendarException, OpeningRule, Place, Slot
from booking.services.calendars import (
    calendar_exception_set,
    day_plan,
    is_closed_by_default,
    opening_rule_save,
    slots_regenerate,
    weekly_hours_set,
)
from booking.services.reservations import reservation_book
from tests.booking.factories import STAFF, NoticeFactory, PlaceFactory, open_weekday

pytestmark = pytest.mark.django_db


def times(place: Place, day: dt.date) -> list[str]:
    return [f"{local(s.starts_at):%H:%M}" for s in Slot.objects.filter(place=place).order_by("starts_at")
            if local(s.starts_at).date() == day]


def next_holiday_on_a_weekday(after: dt.date) -> dt.date:
    day = after
    while not (jpholiday.is_holiday(day) and day.weekday() < 5):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def place(in_city_a):
    place = PlaceFactory()
    weekly_hours_set(place=place, weekdays=[0, 1, 2, 3, 4], opens_at=dt.time(8, 30), closes_at=dt.time(17, 30),
                     slot_minutes=30, capacity=4)
    return place


def test_onboarded_ward_offices_open_weekdays_8_30_to_17_30(in_city_a):
    office = Place.objects.get(code="kita")
    day = open_weekday()
    slots = times(office, day)
    assert slots[0] == "08:30" and slots[-1] == "17:00" and len(slots) == 18
    saturday = day + dt.timedelta(days=(5 - day.weekday()))
    assert times(office, saturday) == []


def test_national_holidays_are_closed_unless_a_holiday_opening_says_otherwise(place):
    holiday = next_holiday_on_a_weekday(city_today() + dt.timedelta(days=1))
    if holiday > city_today() + dt.timedelta(days=85):
        pytest.skip("no weekday holiday within the horizon")
    assert times(place, holiday) == []
    calendar_exception_set(place=place, date=holiday, kind=CalendarException.Kind.HOLIDAY_OPENING,
                           opens_at=dt.time(9, 0), closes_at=dt.time(12, 0), slot_minutes=10, capacity=2)
    slots = times(place, holiday)
    assert len(slots) == 18 and slots[:3] == ["09:00", "09:10", "09:20"] and slots[-1] == "11:50"
    assert {s.capacity for s in Slot.objects.filter(place=place) if local(s.starts_at).date() == holiday} == {2}


def test_ten_minute_slots_on_a_holiday_opening_far_ahead(place):
    """A holiday opening on a year-end day (31 Dec) with 10-minute slots."""
    new_year_eve = dt.date(city_today().year, 12, 31)
    if new_year_eve <= city_today():
        new_year_eve = dt.date(city_today().year + 1, 12, 31)
    rules = list(place.opening_rules.all())
    exception = CalendarException(place=place, date=new_year_eve, kind=CalendarException.Kind.HOLIDAY_OPENING,
                                  opens_at=dt.time(13, 0), closes_at=dt.time(14, 0), slot_minutes=10, capacity=3)
    planned = day_plan(new_year_eve, rules, exception)
    assert [f"{local(p.starts_at):%H:%M}" for p in planned] == ["13:00", "13:10", "13:20", "13:30", "13:40", "13:50"]
    assert all(p.ends_at - p.starts_at == dt.timedelta(minutes=10) and p.capacity == 3 for p in planned)


NEXT_YEAR = city_today().year + 1  # a year-end that is always ahead, whatever day the tests run


@pytest.mark.parametrize("month, day", [(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)])
def test_year_end_break_is_closed(place, month, day):
    date = dt.date(NEXT_YEAR if month == 12 else NEXT_YEAR + 1, month, day)
    assert is_closed_by_default(date)
    assert day_plan(date, list(place.opening_rules.all()), None) == []


@pytest.mark.parametrize("month, day", [(12, 28), (1, 4)])
def test_the_days_around_the_year_end_break_are_ordinary(month, day):
    assert not is_closed_by_default(dt.date(NEXT_YEAR if month == 12 else NEXT_YEAR + 1, month, day))


def test_year_end_break_in_materialised_slots(place):
    first, last = dt.date(NEXT_YEAR, 12, 27), dt.date(NEXT_YEAR + 1, 1, 5)
    slots_regenerate(place=place, start=first, end=last)
    days = sorted({local(s.starts_at).date() for s in Slot.objects.filter(place=place)
                   if first <= local(s.starts_at).date() <= last})
    # the place opens on weekdays: of 27 Dec – 5 Jan only the weekdays outside 29 Dec – 3 Jan that are
    # no national holiday have slots
    span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    year_end = (dt.date(NEXT_YEAR, 12, 29), dt.date(NEXT_YEAR + 1, 1, 3))
    expected = [d for d in span
                if d.weekday() < 5 and not year_end[0] <= d <= year_end[1] and not jpholiday.is_holiday(d)]
    assert days == expected and len(expected) >= 2


def book(slot, count):
    for _ in range(count):
        reservation_book(notice=NoticeFactory(), slot=slot, actor=STAFF)


def test_capacity_cut_below_bookings_is_refused_naming_the_slot(place):
    day = open_weekday()
    slot = Slot.objects.get(place=place, starts_at=at(day, dt.time(10)))
    book(slot, 3)
    with pytest.raises(CalendarConflictError) as refused:
        weekly_hours_set(place=place, weekdays=[0, 1, 2, 3, 4], opens_at=dt.time(8, 30),
                         closes_at=dt.time(17, 30), slot_minutes=30, capacity=2)
    assert [c.slot_id for c in refused.value.conflicts] == [slot.pk]
    assert f"{day:%Y-%m-%d} 10:00" in refused.value.messages()[0]
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (4, 3)
    assert set(place.opening_rules.values_list("capacity", flat=True)) == {4}  # the rule did not change


def test_capacity_cut_that_fits_keeps_the_bookings(place):
    day = open_weekday()
    slot = Slot.objects.filter(place=place, starts_at__date__gte=day).order_by("starts_at").first()
    book(slot, 2)
    weekly_hours_set(place=place, weekdays=[0, 1, 2, 3, 4], opens_at=dt.time(8, 30), closes_at=dt.time(17, 30),
                     slot_minutes=30, capacity=2)
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (2, 2)


def test_slot_length_change_on_a_future_day(place):
    day = open_weekday(skip=1)
    calendar_exception_set(place=place, date=day, kind=CalendarException.Kind.SPECIAL_HOURS,
                           opens_at=dt.time(9, 0), closes_at=dt.time(12, 0), slot_minutes=15, capacity=6)
    slots = times(place, day)
    assert len(slots) == 12 and slots[:2] == ["09:00", "09:15"]
    other_day = open_weekday(skip=2)
    assert len(times(place, other_day)) == 18  # other days keep 30-minute slots


def test_slot_length_change_keeps_a_booked_slot_that_still_exists(place):
    day = open_weekday(skip=1)
    slot = next(s for s in Slot.objects.filter(place=place) if local(s.starts_at).date() == day
                and local(s.starts_at).time() == dt.time(9, 0))
    book(slot, 1)
    calendar_exception_set(place=place, date=day, kind=CalendarException.Kind.SPECIAL_HOURS,
                           opens_at=dt.time(9, 0), closes_at=dt.time(10, 0), slot_minutes=15, capacity=4)
    slot.refresh_from_db()
    assert slot.booked == 1 and slot.ends_at - slot.starts_at == dt.timedelta(minutes=15)
    assert times(place, day) == ["09:00", "09:15", "09:30", "09:45"]


def test_closing_a_day_with_bookings_is_refused(place):
    day = open_weekday()
    slot = next(s for s in Slot.objects.filter(place=place) if local(s.starts_at).date() == day)
    book(slot, 1)
    with pytest.raises(CalendarConflictError):
        calendar_exception_set(place=place, date=day, kind=CalendarException.Kind.CLOSED)
    assert not CalendarException.objects.filter(place=place, date=day).exists()
    assert len(times(place, day)) == 18


def test_closing_a_day_without_bookings_removes_its_slots(place):
    day = open_weekday()
    calendar_exception_set(place=place, date=day, kind=CalendarException.Kind.CLOSED, note="研修")
    assert times(place, day) == []


def test_a_lunch_break_is_two_windows(place):
    day = open_weekday()
    place.opening_rules.filter(weekday=day.weekday()).delete()
    opening_rule_save(place=place, weekday=day.weekday(), opens_at=dt.time(9), closes_at=dt.time(12),
                      slot_minutes=60, capacity=2)
    opening_rule_save(place=place, weekday=day.weekday(), opens_at=dt.time(13), closes_at=dt.time(15),
                      slot_minutes=60, capacity=2)
    assert times(place, day) == ["09:00", "10:00", "11:00", "13:00", "14:00"]
    with pytest.raises(BookingError):
        opening_rule_save(place=place, weekday=day.weekday(), opens_at=dt.time(11), closes_at=dt.time(14),
                          slot_minutes=60, capacity=2)


@pytest.mark.parametrize("kwargs", [
    {"opens_at": dt.time(12), "closes_at": dt.time(9), "slot_minutes": 30, "capacity": 1},
    {"opens_at": dt.time(9), "closes_at": dt.time(12), "slot_minutes": 25, "capacity": 1},
    {"opens_at": dt.time(9), "closes_at": dt.time(12), "slot_minutes": 30, "capacity": -1},
])
def test_bad_hours_are_refused_and_change_nothing(place, kwargs):
    before = Slot.objects.filter(place=place).count()
    with pytest.raises(BookingError):
        weekly_hours_set(place=place, weekdays=[0], **kwargs)
    assert Slot.objects.filter(place=place).count() == before
    assert OpeningRule.objects.filter(place=place).count() == 5
