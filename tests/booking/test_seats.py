"""What PostgreSQL refuses comes back as the domain's errors (booking.services.seats).

The booking service checks before it writes, so these refusals are the last line: a check that
was skipped or raced. Each test makes the database refuse for real and sees the domain's error,
and sees that nothing was written.
"""
from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from booking.errors import AlreadyBookedError, CardHandedOverError, SlotFullError
from booking.models import NoticeStatus, Reservation, Slot
from booking.models.reservations import Channel
from booking.services.seats import CodeTaken, new_booking_code, seat_release, seat_take, translate_database_refusals
from tests.booking.factories import NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(in_city_a):
    from booking.models import Place

    return make_slot(Place.objects.get(code="kita"), open_weekday(5), capacity=1)


def _reserve(notice, slot, code=None):
    return Reservation.objects.create(notice=notice, slot=slot, channel=Channel.WEB, code=code or new_booking_code())


def test_a_second_active_booking_of_one_notice_is_already_booked(slot):
    notice = NoticeFactory()
    _reserve(notice, slot)
    with pytest.raises(AlreadyBookedError):
        with translate_database_refusals(), transaction.atomic():
            _reserve(notice, slot)
    assert Reservation.objects.filter(notice=notice).count() == 1


def test_a_seat_beyond_capacity_is_slot_full(slot):
    seat_take(slot.pk)
    with pytest.raises(SlotFullError):
        with translate_database_refusals(), transaction.atomic():
            Slot.objects.filter(pk=slot.pk).update(booked=2)  # past the CHECK
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_a_taken_booking_code_is_drawn_again(slot):
    first = _reserve(NoticeFactory(), slot)
    with pytest.raises(CodeTaken):
        with translate_database_refusals(), transaction.atomic():
            _reserve(NoticeFactory(), slot, code=first.code)
    assert Reservation.objects.filter(code=first.code).count() == 1


def test_a_booking_for_a_handed_over_card_is_refused_by_the_trigger(slot):
    notice = NoticeFactory(status=NoticeStatus.HANDED_OVER)
    with pytest.raises(CardHandedOverError):
        with translate_database_refusals(), transaction.atomic():
            _reserve(notice, slot)
    assert not Reservation.objects.filter(notice=notice).exists()


def test_a_handover_while_a_booking_is_active_is_refused_by_the_trigger(slot):
    notice = NoticeFactory(status=NoticeStatus.BOOKED)
    _reserve(notice, slot)
    with pytest.raises(CardHandedOverError):
        with translate_database_refusals(), transaction.atomic():
            type(notice).objects.filter(pk=notice.pk).update(status=NoticeStatus.HANDED_OVER)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.BOOKED


def test_other_refusals_and_errors_pass_through_unchanged(slot):
    with pytest.raises(IntegrityError):
        with translate_database_refusals(), transaction.atomic():
            Reservation.objects.create(notice_id=NoticeFactory().pk, slot=slot, channel="fax", code=new_booking_code())
    with pytest.raises(ZeroDivisionError):
        with translate_database_refusals():
            1 / 0  # noqa: B018
    with translate_database_refusals():
        pass  # nothing refused: nothing raised


def test_a_seat_is_taken_only_while_one_is_free_and_given_back_only_when_taken(slot):
    seat_take(slot.pk)
    with pytest.raises(SlotFullError):
        seat_take(slot.pk)
    seat_release(slot.pk)
    seat_release(slot.pk)  # nothing to give back: stays at zero
    assert Slot.objects.get(pk=slot.pk).booked == 0
