"""Many real database connections race for the last seats (SYS-1) and for one notice (SYS-2)."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from booking.errors import (
    AlreadyAtThisTimeError,
    AlreadyBookedError,
    ChangeClosedError,
    ReservationNotActiveError,
    SlotFullError,
)
from booking.models import AuditEntry, Notice, Reservation, ReservationStatus, Slot, Ward
from booking.services.audit import Actor
from booking.services.reservations import reservation_book, reservation_cancel
from tenants.models import Municipality
from tests.booking.factories import PlaceFactory, make_slot, open_weekday
from tests.races import race as shared_race

pytestmark = pytest.mark.slow
CLIENTS = 24


@pytest.fixture
def race_place(django_db_setup, django_db_blocker):
    """A place in beta with committed rows, visible to every connection; removed afterwards."""
    with django_db_blocker.unblock():
        city = Municipality.objects.get(schema_name="beta")
        with tenant_context(city):
            place = PlaceFactory(code=f"race-{uuid.uuid4().hex[:8]}")
            city.places_selectable = False
            place.default_for_wards.add(Ward.objects.first())
            try:
                yield city, place
            finally:
                notices = Notice.objects.filter(number__startswith="RAC")
                AuditEntry.objects.filter(notice__in=notices).delete()
                Reservation.objects.filter(slot__place=place).delete()
                notices.delete()
                Slot.objects.filter(place=place).delete()
                place.delete()
        connection.set_schema_to_public()


def race(city, jobs):
    """Run each job in its own thread and database connection, all released at once."""
    expected = (SlotFullError, AlreadyBookedError, AlreadyAtThisTimeError, ReservationNotActiveError, ChangeClosedError)
    return Counter(type(outcome).__name__ if isinstance(outcome, expected)
                   else repr(outcome) if isinstance(outcome, Exception) else "ok"
                   for outcome in shared_race(jobs, city=city))


def make_notices(place, count):
    ward = place.default_for_wards.first()
    return [Notice.objects.create(number=f"RAC{n:06d}", birth_day=1, ward=ward, default_place=place)
            for n in range(count)]


def test_many_clients_race_for_the_last_seats(race_place):
    city, place = race_place
    with tenant_context(city):
        slot = make_slot(place, open_weekday(), dt.time(9), capacity=5)
        notices = make_notices(place, CLIENTS)
    citizen = Actor.citizen()
    outcomes = race(city, [
        (lambda notice=notice: reservation_book(notice=notice, slot=slot, actor=citizen))
        for notice in notices
    ])
    assert outcomes == Counter({"ok": 5, "SlotFullError": CLIENTS - 5})
    with tenant_context(city):
        slot.refresh_from_db()
        active = Reservation.objects.filter(slot=slot, status=ReservationStatus.ACTIVE).count()
        assert slot.booked == active == 5
        assert Notice.objects.filter(number__startswith="RAC", status="booked").count() == 5


def test_one_notice_raced_across_two_slots_keeps_one_booking(race_place):
    """Every racer books or moves the one booking; at the end it holds exactly one seat."""
    city, place = race_place
    with tenant_context(city):
        first = make_slot(place, open_weekday(), dt.time(9), capacity=50)
        second = make_slot(place, open_weekday(), dt.time(10), capacity=50)
        (notice,) = make_notices(place, 1)
    citizen = Actor.citizen()
    outcomes = race(city, [
        (lambda target=(first if i % 2 else second): reservation_book(notice=notice, slot=target, actor=citizen))
        for i in range(CLIENTS)
    ])
    # the first makes the booking; the others move it, or find it already at their time
    assert set(outcomes) <= {"ok", "AlreadyAtThisTimeError"} and outcomes["ok"] >= 1, outcomes
    with tenant_context(city):
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.booked + second.booked == 1
        assert Reservation.objects.filter(notice=notice, status=ReservationStatus.ACTIVE).count() == 1
        assert Reservation.objects.filter(notice=notice).count() == 1
        for slot in (first, second):
            assert slot.booked == Reservation.objects.filter(slot=slot, status=ReservationStatus.ACTIVE).count()


def test_moves_and_cancels_of_one_booking_race_without_losing_a_seat(race_place):
    """Half the racers move the booking, half cancel it: one cancel wins, every seat is given back."""
    city, place = race_place
    with tenant_context(city):
        slots = [make_slot(place, open_weekday(), dt.time(9 + n), capacity=50) for n in range(4)]
        (notice,) = make_notices(place, 1)
        reservation = reservation_book(notice=notice, slot=slots[0], actor=Actor.citizen()).reservation
    citizen = Actor.citizen()
    jobs = []
    for i in range(CLIENTS):
        if i % 2:
            jobs.append(lambda: reservation_cancel(reservation=reservation, actor=citizen))
        else:
            jobs.append(lambda target=slots[1 + i % 3]: reservation_book(notice=notice, slot=target, actor=citizen))
    outcomes = race(city, jobs)
    assert set(outcomes) <= {"ok", "ReservationNotActiveError", "AlreadyAtThisTimeError"}, outcomes
    with tenant_context(city):
        for slot in slots:
            slot.refresh_from_db()
            assert slot.booked == Reservation.objects.filter(slot=slot, status=ReservationStatus.ACTIVE).count()
        assert sum(slot.booked for slot in slots) == Reservation.objects.filter(
            notice=notice, status=ReservationStatus.ACTIVE).count() <= 1
        notice.refresh_from_db()
        active = Reservation.objects.filter(notice=notice, status=ReservationStatus.ACTIVE).exists()
        assert notice.status == ("booked" if active else "mailed")
