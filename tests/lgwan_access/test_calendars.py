"""Calendars in the staff console: each change previewed before saving; conflicts refused, bookings named."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.clock import local
from booking.models import AuditEntry, CalendarException, OpeningRule, Slot
from booking.services.calendars import weekly_hours_set
from tests.booking.factories import PlaceFactory
from tests.lgwan_access.factories_console_a import booked_notice, staff_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Tuesday
WEDNESDAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clerk(client_a, city_a):
    user = staff_user(city_a)
    client_a.force_login(user)
    return user


@pytest.fixture
def place(in_city_a):
    place = PlaceFactory(name="テスト窓口")
    weekly_hours_set(place=place, weekdays=[0, 1, 2, 3, 4], opens_at=dt.time(9, 0), closes_at=dt.time(12, 0),
                     slot_minutes=30, capacity=2)
    return place


def times(place, day):
    return [f"{local(s.starts_at):%H:%M}" for s in Slot.objects.filter(place=place).order_by("starts_at")
            if local(s.starts_at).date() == day]


def wednesday_rule(place):
    return OpeningRule.objects.get(place=place, weekday=2)


def test_the_calendar_page_lists_weekly_hours(clerk, client_a, place):
    page = client_a.get(f"/staff/calendars/{place.pk}/").content.decode()
    assert "09:00–12:00" in page and "テスト窓口" in page


def test_a_change_is_previewed_and_only_saved_on_confirmation(clerk, client_a, place):
    rule = wednesday_rule(place)
    data = {"action": "rule_save", "rule_id": rule.pk, "weekday": 2, "opens_at": "09:00", "closes_at": "11:00",
            "slot_minutes": 20, "capacity": 3, "step": "preview"}
    preview = client_a.post(f"/staff/calendars/{place.pk}/change/", data)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "09:00–09:20" in page and "10:40–11:00" in page
    assert times(place, WEDNESDAY)[:2] == ["09:00", "09:30"]  # nothing saved yet
    assert not AuditEntry.objects.filter(action="calendar.change").exists()

    done = client_a.post(f"/staff/calendars/{place.pk}/change/", {**data, "step": "confirm"})
    assert done.status_code == 302
    assert times(place, WEDNESDAY) == ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40"]
    assert Slot.objects.filter(place=place, starts_at__date=WEDNESDAY).first().capacity == 3
    entry = AuditEntry.objects.get(action="calendar.change")
    assert entry.actor_user_id == clerk.pk and entry.changes["slot_minutes"] == 20


def test_a_change_that_leaves_a_booking_without_a_seat_is_refused_with_the_booking(clerk, client_a, place):
    notice = booked_notice(place, WEDNESDAY, dt.time(11, 30), number="CNF000001", capacity=2)
    rule = wednesday_rule(place)
    before = times(place, WEDNESDAY)
    data = {"action": "rule_save", "rule_id": rule.pk, "weekday": 2, "opens_at": "09:00", "closes_at": "11:00",
            "slot_minutes": 30, "capacity": 2}
    for step in ("preview", "confirm"):
        response = client_a.post(f"/staff/calendars/{place.pk}/change/", {**data, "step": step})
        assert response.status_code == 409
        assert "CNF000001" in response.content.decode()
        assert f"/staff/notices/{notice.pk}/" in response.content.decode()
    assert times(place, WEDNESDAY) == before
    assert wednesday_rule(place).closes_at == dt.time(12, 0)
    assert not AuditEntry.objects.filter(action="calendar.change").exists()


def test_a_holiday_opening_and_a_closure(clerk, client_a, place):
    saturday = dt.date(2026, 12, 5)
    data = {"action": "exception_set", "date": saturday.isoformat(), "kind": "holiday_opening",
            "opens_at": "10:00", "closes_at": "11:00", "slot_minutes": 15, "capacity": 1}
    client_a.post(f"/staff/calendars/{place.pk}/change/", {**data, "step": "confirm"})
    assert times(place, saturday) == ["10:00", "10:15", "10:30", "10:45"]
    client_a.post(f"/staff/calendars/{place.pk}/change/", {"action": "exception_set", "date": WEDNESDAY.isoformat(),
                                                          "kind": "closed", "step": "confirm"})
    assert times(place, WEDNESDAY) == []
    page = client_a.get(f"/staff/calendars/{place.pk}/").content.decode()
    assert CalendarException.objects.filter(place=place).count() == 2 and "10:00–11:00" in page


@pytest.mark.parametrize("data", [
    {"action": "rule_save", "weekday": 2, "opens_at": "12:00", "closes_at": "09:00", "slot_minutes": 30,
     "capacity": 2},
    {"action": "rule_save", "weekday": 2, "opens_at": "09:00", "closes_at": "12:00", "slot_minutes": 25,
     "capacity": 2},
    {"action": "exception_set", "date": "2026-12-05", "kind": "holiday_opening"},
    {"action": "exception_set", "date": "2026-11-20", "kind": "closed"},
])
def test_bad_changes_are_refused_by_their_field_and_change_nothing(clerk, client_a, place, data):
    slots = Slot.objects.filter(place=place).count()
    rules = list(OpeningRule.objects.filter(place=place).values_list("pk", "closes_at"))
    for step in ("preview", "confirm"):
        response = client_a.post(f"/staff/calendars/{place.pk}/change/", {**data, "step": step})
        assert response.status_code == 400
        assert 'class="field-error"' in response.content.decode() or 'class="messages"' in response.content.decode()
    assert Slot.objects.filter(place=place).count() == slots
    assert list(OpeningRule.objects.filter(place=place).values_list("pk", "closes_at")) == rules
    assert not CalendarException.objects.filter(place=place).exists()


def test_another_citys_staff_can_neither_see_nor_change_this_calendar(client_a, client_b, city_a, city_b, place):
    rules = list(OpeningRule.objects.filter(place=place).values_list("pk", "closes_at"))
    clerk_b = staff_user(city_b)
    client_b.force_login(clerk_b)
    assert "テスト窓口" not in client_b.get(f"/staff/calendars/{place.pk}/").content.decode()
    assert "テスト窓口" not in client_b.get("/staff/calendars/").content.decode()
    client_a.force_login(clerk_b)
    data = {"action": "exception_set", "date": WEDNESDAY.isoformat(), "kind": "closed", "step": "confirm"}
    assert client_a.post(f"/staff/calendars/{place.pk}/change/", data).status_code == 403
    assert client_a.get(f"/staff/calendars/{place.pk}/").status_code == 403
    assert list(OpeningRule.objects.filter(place=place).values_list("pk", "closes_at")) == rules
    assert not CalendarException.objects.filter(place=place).exists()
    assert times(place, WEDNESDAY)
