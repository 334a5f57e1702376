from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from booking.errors import (
    AlreadyBookedError,
    BookingWindowError,
    CardHandedOverError,
    ChangeClosedError,
    NoticeNotBookableError,
    PlaceNotAllowedError,
    ReservationNotActiveError,
    SlotFullError,
    SlotInPastError,
    TransitionNotAllowedError,
)
from booking.models import AuditEntry, Channel, NoticeStatus, Place, Reservation, ReservationStatus, Slot
from booking.services.audit import Actor
from booking.services.notices import notice_hand_over, notice_transition
from booking.services.reservations import reservation_cancel, reservation_change, reservation_create
from tests.booking_factories import CITIZEN, NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db
STAFF = Actor(kind="user", channel=Channel.STAFF, label="staff")


@pytest.fixture
def kita(in_city_a):
    return Place.objects.get(code="kita")


@pytest.fixture
def slot(kita):
    return make_slot(kita, open_weekday(), dt.time(10), capacity=2)


@pytest.fixture
def other_slot(kita):
    return make_slot(kita, open_weekday(skip=1), dt.time(11), capacity=2)


def state(slot):
    slot.refresh_from_db()
    active = Reservation.objects.filter(slot=slot, status=ReservationStatus.ACTIVE).count()
    return slot.booked, active


def test_booking_takes_a_seat_and_records_who(slot):
    notice = NoticeFactory()
    reservation = reservation_create(notice=notice, slot=slot, channel=Channel.WEB, actor=CITIZEN,
                                     email="taro@example.jp", language="en")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reservation.code)
    assert state(slot) == (1, 1)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.BOOKED
    actions = list(AuditEntry.objects.filter(notice=notice).order_by("id").values_list("action", "channel"))
    assert actions == [("notice.status", "web"), ("reservation.create", "web")]


def test_a_notice_books_once(slot, other_slot):
    notice = NoticeFactory()
    reservation_create(notice=notice, slot=slot, channel=Channel.WEB, actor=CITIZEN)
    with pytest.raises(AlreadyBookedError):
        reservation_create(notice=notice, slot=other_slot, channel=Channel.PHONE, actor=CITIZEN)
    assert state(other_slot) == (0, 0)


def test_a_full_slot_refuses_and_changes_nothing(slot):
    for _ in range(2):
        reservation_create(notice=NoticeFactory(), slot=slot, channel=Channel.WEB, actor=CITIZEN)
    late = NoticeFactory()
    with pytest.raises(SlotFullError) as refused:
        reservation_create(notice=late, slot=slot, channel=Channel.WEB, actor=CITIZEN)
    assert refused.value.status_code == 409
    assert state(slot) == (2, 2)
    late.refresh_from_db()
    assert late.status == NoticeStatus.MAILED and not late.audit_entries.exists()


def test_past_slots_cannot_be_booked(kita):
    past = Slot.objects.create(place=kita, starts_at=timezone.now() - dt.timedelta(hours=1),
                               ends_at=timezone.now() - dt.timedelta(minutes=30), capacity=4)
    with pytest.raises(SlotInPastError):
        reservation_create(notice=NoticeFactory(), slot=past, channel=Channel.STAFF, actor=STAFF)


def test_citizens_book_within_the_window_staff_also_at_short_notice(kita):
    soon = Slot.objects.create(place=kita, starts_at=timezone.now() + dt.timedelta(hours=3),
                               ends_at=timezone.now() + dt.timedelta(hours=3, minutes=30), capacity=4)
    far = make_slot(kita, timezone.localdate() + dt.timedelta(days=60), capacity=4)
    for target in (soon, far):
        with pytest.raises(BookingWindowError):
            reservation_create(notice=NoticeFactory(), slot=target, channel=Channel.WEB, actor=CITIZEN)
    reservation_create(notice=NoticeFactory(), slot=soon, channel=Channel.STAFF, actor=STAFF)
    assert state(soon) == (1, 1)


def test_a_notice_books_only_at_its_wards_office_unless_the_city_lets_citizens_choose(in_city_a, city_a):
    minami = Place.objects.get(code="minami")
    elsewhere = make_slot(minami, open_weekday(), capacity=4)
    notice = NoticeFactory()  # ward kita
    with pytest.raises(PlaceNotAllowedError):
        reservation_create(notice=notice, slot=elsewhere, channel=Channel.WEB, actor=CITIZEN)
    city_a.places_selectable = True
    connection.tenant.places_selectable = True
    reservation_create(notice=notice, slot=elsewhere, channel=Channel.WEB, actor=CITIZEN)
    assert state(elsewhere) == (1, 1)


@pytest.mark.parametrize("status", [NoticeStatus.EXPIRED, NoticeStatus.CANCELLED, NoticeStatus.RETURNED])
def test_notices_that_are_not_bookable(slot, status):
    notice = NoticeFactory(status=status)
    with pytest.raises(NoticeNotBookableError):
        reservation_create(notice=notice, slot=slot, channel=Channel.WEB, actor=CITIZEN)
    assert state(slot) == (0, 0)


def test_a_notice_past_its_pickup_deadline_is_not_bookable(slot):
    notice = NoticeFactory(expires_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(NoticeNotBookableError):
        reservation_create(notice=notice, slot=slot, channel=Channel.WEB, actor=CITIZEN)


def test_a_handed_over_card_cannot_be_booked(slot, other_slot):
    notice = NoticeFactory()
    reservation_create(notice=notice, slot=slot, channel=Channel.WEB, actor=CITIZEN)
    notice_hand_over(notice=notice, actor=STAFF)
    assert Reservation.objects.get(notice=notice).status == ReservationStatus.COMPLETED
    with pytest.raises(CardHandedOverError):
        reservation_create(notice=notice, slot=other_slot, channel=Channel.STAFF, actor=STAFF)


def test_the_database_refuses_bookings_the_services_would_never_make(slot):
    """The guarantees hold even for code that bypasses the services."""
    notice = NoticeFactory(status=NoticeStatus.HANDED_OVER)
    with pytest.raises(Exception, match="already handed over"), transaction.atomic():
        Reservation.objects.create(notice=notice, slot=slot, channel="web", code="TEST-0001")
    with pytest.raises(IntegrityError, match="slot_booked_within_capacity"), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=3)
    booked = NoticeFactory()
    Reservation.objects.create(notice=booked, slot=slot, channel="web", code="TEST-0002")
    with pytest.raises(IntegrityError, match="one_active_reservation_per_notice"), transaction.atomic():
        Reservation.objects.create(notice=booked, slot=slot, channel="web", code="TEST-0003")
    with pytest.raises(Exception, match="still has an active booking"), transaction.atomic():
        type(booked).objects.filter(pk=booked.pk).update(status=NoticeStatus.HANDED_OVER)


def test_change_moves_the_seat(slot, other_slot):
    reservation = reservation_create(notice=NoticeFactory(), slot=slot, channel=Channel.WEB, actor=CITIZEN)
    reservation_change(reservation=reservation, slot=other_slot, actor=CITIZEN)
    assert state(slot) == (0, 0) and state(other_slot) == (1, 1)
    assert AuditEntry.objects.filter(reservation=reservation, action="reservation.change").count() == 1


def test_change_to_a_full_slot_changes_nothing(slot, other_slot):
    reservation = reservation_create(notice=NoticeFactory(), slot=slot, channel=Channel.WEB, actor=CITIZEN)
    for _ in range(2):
        reservation_create(notice=NoticeFactory(), slot=other_slot, channel=Channel.WEB, actor=CITIZEN)
    with pytest.raises(SlotFullError):
        reservation_change(reservation=reservation, slot=other_slot, actor=CITIZEN)
    reservation.refresh_from_db()
    assert reservation.slot_id == slot.pk and state(slot) == (1, 1) and state(other_slot) == (2, 2)


def test_citizens_cannot_change_close_to_the_time_staff_can(kita, other_slot):
    soon = Slot.objects.create(place=kita, starts_at=timezone.now() + dt.timedelta(hours=5),
                               ends_at=timezone.now() + dt.timedelta(hours=5, minutes=30), capacity=4)
    reservation = reservation_create(notice=NoticeFactory(), slot=soon, channel=Channel.STAFF, actor=STAFF)
    with pytest.raises(ChangeClosedError):
        reservation_change(reservation=reservation, slot=other_slot, actor=CITIZEN)
    with pytest.raises(ChangeClosedError):
        reservation_cancel(reservation=reservation, actor=CITIZEN)
    reservation_cancel(reservation=reservation, actor=STAFF)
    assert state(soon) == (0, 0)


def test_cancel_releases_the_seat_and_the_notice_can_book_again(slot, other_slot):
    notice = NoticeFactory()
    reservation = reservation_create(notice=notice, slot=slot, channel=Channel.WEB, actor=CITIZEN)
    reservation_cancel(reservation=reservation, actor=CITIZEN)
    assert state(slot) == (0, 0)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.MAILED
    with pytest.raises(ReservationNotActiveError):
        reservation_cancel(reservation=reservation, actor=CITIZEN)
    reservation_create(notice=notice, slot=other_slot, channel=Channel.WEB, actor=CITIZEN)
    assert state(other_slot) == (1, 1)


@pytest.mark.parametrize("start, to", [
    (NoticeStatus.MAILED, NoticeStatus.HANDED_OVER),
    (NoticeStatus.HANDED_OVER, NoticeStatus.BOOKED),
    (NoticeStatus.CANCELLED, NoticeStatus.MAILED),
    (NoticeStatus.EXPIRED, NoticeStatus.BOOKED),
])
def test_progress_refuses_jumps(in_city_a, start, to):
    notice = NoticeFactory(status=start)
    with pytest.raises(TransitionNotAllowedError):
        notice_transition(notice=notice, to=to, actor=STAFF)
    notice.refresh_from_db()
    assert notice.status == start


def test_progress_from_notice_to_handover(slot):
    notice = NoticeFactory()
    reservation_create(notice=notice, slot=slot, channel=Channel.PHONE, actor=STAFF)
    notice_transition(notice=notice, to=NoticeStatus.PULLED, actor=STAFF)
    notice_hand_over(notice=notice, actor=STAFF)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.HANDED_OVER
    history = [entry.changes["status"] for entry in notice.audit_entries.filter(action="notice.status").order_by("id")]
    assert history == [["mailed", "booked"], ["booked", "pulled"], ["pulled", "handed_over"]]


def test_removing_a_user_keeps_the_bookings_and_the_trail_they_made(slot, city_a):
    from django_tenants.utils import schema_context

    from tests.factories import UserFactory

    user = UserFactory(username="leaving-staff")
    reservation = reservation_create(notice=NoticeFactory(), slot=slot, channel=Channel.STAFF,
                                     actor=Actor.for_user(user, channel=Channel.STAFF))
    user_id = user.pk
    with schema_context("public"):
        user.delete()
    reservation.refresh_from_db()
    assert reservation.created_by_id == user_id and reservation.status == ReservationStatus.ACTIVE
    entry = AuditEntry.objects.get(reservation=reservation, action="reservation.create")
    assert entry.actor_label == "leaving-staff"


def test_a_time_when_the_office_is_closed_has_no_slot(kita):
    from booking.clock import at
    from booking.errors import DayClosedError
    from booking.selectors.lookups import slot_at

    saturday = open_weekday()
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    with pytest.raises(DayClosedError):
        slot_at(kita, at(saturday, dt.time(10)))
    weekday = open_weekday()
    assert slot_at(kita, at(weekday, dt.time(10))).place == kita


def test_an_unknown_notice_number_is_a_clear_error(in_city_a):
    from booking.errors import UnknownNoticeError
    from booking.selectors.lookups import notice_by_number

    NoticeFactory(number="AB1234567")
    assert notice_by_number("ａｂ１－２３４５６７").number == "AB1234567"
    with pytest.raises(UnknownNoticeError) as unknown:
        notice_by_number("ZZ9-999999")
    assert unknown.value.status_code == 404
