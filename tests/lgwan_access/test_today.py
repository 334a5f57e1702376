"""Today, the console's landing page: each place's day and week, counted in a few queries."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import NoticeLoginGuard, Reservation, ReservationStatus
from booking.services.calendars import weekly_hours_set
from booking.services.reservations import reservation_cancel
from tests.booking.factories import STAFF, PlaceFactory
from tests.lgwan_access.factories_console_a import booked_notice, staff_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Tuesday
TODAY = NOW.date()


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
    place = PlaceFactory(code="today", name="今日の窓口")
    weekly_hours_set(place=place, weekdays=[0, 1, 2, 3, 4], opens_at=dt.time(9, 0), closes_at=dt.time(12, 0),
                     slot_minutes=30, capacity=2)
    return place


def figures_of(response, place):
    return next(entry for entry in response.context["places"] if entry["figures"].place.pk == place.pk)["figures"]


def test_today_counts_bookings_by_hour_and_channel(clerk, client_a, place):
    booked_notice(place, TODAY, dt.time(9, 0), actor=STAFF)
    by_phone = booked_notice(place, TODAY, dt.time(9, 30), actor=STAFF)
    Reservation.objects.filter(notice=by_phone).update(channel="phone")  # as the call centre books
    cancelled = booked_notice(place, TODAY, dt.time(10, 0), actor=STAFF)
    reservation_cancel(reservation=Reservation.objects.get(notice=cancelled), actor=STAFF)
    no_show = booked_notice(place, TODAY, dt.time(11, 0), actor=STAFF)
    Reservation.objects.filter(notice=no_show).update(status=ReservationStatus.NO_SHOW)
    booked_notice(place, TODAY + dt.timedelta(days=1), dt.time(9, 0), actor=STAFF)
    NoticeLoginGuard.objects.create(number="LOK000001", failures=3, locked_at=timezone.now())

    response = client_a.get("/staff/")
    assert response.status_code == 200
    figures = figures_of(response, place)
    assert figures.today.capacity == 12 and figures.today.booked == 3
    assert figures.today.cancelled == 1 and figures.today.no_shows == 1 and figures.to_pull == 2
    assert {h.hour: h.by_channel for h in figures.hours}[9] == {"staff": 1, "phone": 1}
    # Tuesday to Friday: the place opened this morning, so Monday has no slots
    assert figures.week_total.booked == 4 and figures.week_total.capacity == 48
    page = response.content.decode()
    assert "<svg" in page and "今日の窓口" in page and "2/4" in page  # 9時: 2 booked of 4 seats
    assert response.context["overview"].locked_notices == 1


def test_today_costs_the_same_few_queries_however_many_bookings(clerk, client_a, place):
    booked_notice(place, TODAY, dt.time(9, 0))
    client_a.get("/staff/")  # the session's first request reads more (login, city)
    with CaptureQueriesContext(connection) as few:
        client_a.get("/staff/")
    for start in (dt.time(9, 30), dt.time(10, 0), dt.time(10, 30), dt.time(11, 0)):
        booked_notice(place, TODAY + dt.timedelta(days=1), start)
    with CaptureQueriesContext(connection) as more:
        client_a.get("/staff/")
    assert len(more) == len(few) <= 15
