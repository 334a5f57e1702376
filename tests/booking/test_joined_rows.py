"""A slot with its place and a notice's active booking with its slot and place, read by statements
written once: the same instances the ORM's select_related gives, in one query."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import Place, Reservation, ReservationStatus, Slot
from booking.selectors.eligibility import active_reservation
from booking.selectors.lookups import slot_by_id
from booking.services.reservations import reservation_book, reservation_cancel
from tests.booking.factories import CITIZEN, NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.fixture
def kita(in_city_a):
    place = Place.objects.get(code="kita")
    place.names = {"en": "Kita Ward Office", "zh-hans": "北区役所"}  # JSON, converted as the ORM converts it
    place.save(update_fields=["names"])
    return place


def test_a_slot_comes_with_its_place_as_the_orm_reads_them(kita):
    slot = make_slot(kita, open_weekday(), dt.time(10), capacity=3)
    expected = Slot.objects.select_related("place").get(pk=slot.pk)
    with CaptureQueriesContext(connection) as queries:
        found = slot_by_id(slot.pk)
        place = found.place
    assert len(queries) == 1
    assert _fields(found) == _fields(expected)
    assert _fields(place) == _fields(expected.place)
    assert place.names["en"] == "Kita Ward Office"
    assert place.localized_name("en") == expected.place.localized_name("en")


def test_no_slot_for_an_unknown_or_impossible_id(kita):
    assert slot_by_id(2**40) is None
    assert slot_by_id(2**63) is None  # no id column holds it: no slot, not a database error
    assert slot_by_id(-(2**63) - 1) is None


def test_the_active_booking_comes_with_its_slot_and_place_and_no_other(kita):
    notice = NoticeFactory()
    assert active_reservation(notice) is None
    first = make_slot(kita, open_weekday(), dt.time(10))
    booked = reservation_book(notice=notice, slot=first, actor=CITIZEN).reservation
    reservation_cancel(reservation=booked, actor=CITIZEN)
    second = make_slot(kita, open_weekday(), dt.time(11))
    again = reservation_book(notice=notice, slot=second, actor=CITIZEN).reservation
    expected = Reservation.objects.select_related("slot", "slot__place").get(pk=again.pk)
    with CaptureQueriesContext(connection) as queries:
        found = active_reservation(notice)
        slot, place = found.slot, found.slot.place
    assert len(queries) == 1
    assert found.pk == again.pk and found.status == ReservationStatus.ACTIVE
    assert _fields(found) == _fields(expected)
    assert _fields(slot) == _fields(expected.slot)
    assert _fields(place) == _fields(expected.slot.place)
    assert isinstance(place.guidance, dict) and place.names["en"] == "Kita Ward Office"


def test_a_booking_of_another_notice_is_not_this_ones(kita):
    mine, theirs = NoticeFactory(), NoticeFactory()
    reservation_book(notice=theirs, slot=make_slot(kita, open_weekday(), dt.time(10)), actor=CITIZEN)
    assert active_reservation(mine) is None
