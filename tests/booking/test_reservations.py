"""Booking, moving and cancelling through the one booking service, for every channel (SYS-1, SYS-2, OPS-6)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from booking.errors import (
    AlreadyAtThisTimeError,
    BookingError,
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
from booking.models import AuditEntry, Channel, Notice, NoticeStatus, Place, Reservation, ReservationStatus, Slot
from booking.services import seats
from booking.services.audit import Actor
from booking.services.notices import notice_hand_over, notice_transition
from booking.services.reservations import reservation_book, reservation_cancel
from tests.booking.factories import CITIZEN, OPERATOR, STAFF, NoticeFactory, PlaceFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 2, 1, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in Japan


@pytest.fixture
def kita(in_city_a):
    return Place.objects.get(code="kita")


@pytest.fixture
def slot(kita):
    return make_slot(kita, open_weekday(), dt.time(10), capacity=2)


@pytest.fixture
def other_slot(kita):
    return make_slot(kita, open_weekday(skip=1), dt.time(11), capacity=2)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def state(slot):
    slot.refresh_from_db()
    active = Reservation.objects.filter(slot=slot, status=ReservationStatus.ACTIVE).count()
    return slot.booked, active


def book(notice, slot, actor=CITIZEN, **kwargs):
    return reservation_book(notice=notice, slot=slot, actor=actor, **kwargs).reservation


def slot_at(place, moment, capacity=4):
    return Slot.objects.create(place=place, starts_at=moment, ends_at=moment + dt.timedelta(minutes=30),
                               capacity=capacity)


def unchanged(notice, *slots_and_counts):
    """Nothing about the notice or the slots moved: same status, no audit rows, same counts."""
    status = notice.status
    notice.refresh_from_db()
    assert notice.status == status
    for slot, expected in slots_and_counts:
        assert state(slot) == expected


# --- making a booking --------------------------------------------------------------------------
def test_booking_takes_a_seat_and_records_who_and_what(slot):
    notice = NoticeFactory()
    outcome = reservation_book(notice=notice, slot=slot, actor=CITIZEN, email="taro@example.jp", language="en")
    reservation = outcome.reservation
    assert not outcome.moved
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reservation.code)
    assert (reservation.channel, reservation.email, reservation.language) == ("web", "taro@example.jp", "en")
    assert state(slot) == (1, 1)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.BOOKED
    status_entry, create_entry = AuditEntry.objects.filter(notice=notice).order_by("id")
    assert (status_entry.action, status_entry.changes) == ("notice.status", {"status": ["mailed", "booked"]})
    assert create_entry.action == "reservation.create" and create_entry.reservation == reservation
    assert create_entry.changes == {"slot": slot.pk, "starts_at": slot.starts_at.isoformat(), "place": "kita",
                                    "channel": "web", "email_given": True}
    assert (create_entry.actor_kind, create_entry.channel) == ("citizen", "web")


def test_the_channel_is_the_actors(slot):
    reservation = book(NoticeFactory(), slot, actor=OPERATOR)
    entry = AuditEntry.objects.get(reservation=reservation, action="reservation.create")
    assert reservation.channel == entry.channel == entry.changes["channel"] == Channel.PHONE
    assert entry.actor_label == "call-centre operator"


def test_booking_again_moves_the_booking(slot, other_slot):
    notice = NoticeFactory()
    first = book(notice, slot, email="taro@example.jp")
    outcome = reservation_book(notice=notice, slot=other_slot, actor=OPERATOR)
    assert outcome.moved and outcome.reservation.pk == first.pk
    assert state(slot) == (0, 0) and state(other_slot) == (1, 1)
    assert Reservation.objects.filter(notice=notice).count() == 1
    moved = Reservation.objects.get(pk=first.pk)
    assert moved.email == "taro@example.jp"  # None keeps the address
    entry = AuditEntry.objects.get(reservation=first, action="reservation.change")
    assert entry.channel == "phone" and entry.changes == {
        "slot": [slot.pk, other_slot.pk], "starts_at": [slot.starts_at.isoformat(), other_slot.starts_at.isoformat()],
        "place": ["kita", "kita"]}


def test_a_full_slot_refuses_and_changes_nothing(slot):
    for _ in range(2):
        book(NoticeFactory(), slot)
    late = NoticeFactory()
    with pytest.raises(SlotFullError) as refused:
        book(late, slot)
    assert refused.value.status_code == 409
    unchanged(late, (slot, (2, 2)))
    assert late.status == NoticeStatus.MAILED and not late.audit_entries.exists()


def test_past_slots_cannot_be_booked_even_by_staff(kita, frozen):
    past = slot_at(kita, NOW - dt.timedelta(hours=1))
    starting = slot_at(kita, NOW)
    notice = NoticeFactory()
    for target in (past, starting):
        with pytest.raises(SlotInPastError):
            book(notice, target, actor=STAFF)
    unchanged(notice, (past, (0, 0)), (starting, (0, 0)))


def test_the_booking_window_at_its_exact_edges(kita, frozen, city_a):
    assert (city_a.booking_closes_hours, city_a.booking_opens_days) == (24, 45)
    earliest, latest = NOW + dt.timedelta(hours=24), NOW + dt.timedelta(days=45)
    inside = [slot_at(kita, earliest), slot_at(kita, latest)]
    outside = [slot_at(kita, earliest - dt.timedelta(seconds=1)), slot_at(kita, latest + dt.timedelta(seconds=1))]
    for target in outside:
        notice = NoticeFactory()
        with pytest.raises(BookingWindowError):
            book(notice, target)
        unchanged(notice, (target, (0, 0)))
    for target in inside:
        book(NoticeFactory(), target)
        assert state(target) == (1, 1)


def test_staff_book_at_short_notice_and_beyond_the_window(kita, frozen):
    soon, far = slot_at(kita, NOW + dt.timedelta(hours=3)), slot_at(kita, NOW + dt.timedelta(days=80))
    book(NoticeFactory(), soon, actor=STAFF)
    book(NoticeFactory(), far, actor=STAFF)
    assert state(soon) == state(far) == (1, 1)
    with pytest.raises(BookingWindowError):
        book(NoticeFactory(), soon, actor=OPERATOR)  # operators book what citizens could


# --- where a notice may be picked up -------------------------------------------------------------
def test_a_notice_books_at_its_wards_office_and_its_own_place(in_city_a, city_a):
    minami = Place.objects.get(code="minami")
    own = PlaceFactory(code="annex", citizen_selectable=False)
    notice = NoticeFactory(default_place=own)  # ward kita, picked up at the annex
    book(notice, make_slot(own, open_weekday()))
    other = NoticeFactory()
    book(other, make_slot(Place.objects.get(code="kita"), open_weekday()))
    stranger = NoticeFactory()
    elsewhere = make_slot(minami, open_weekday(), capacity=4)
    with pytest.raises(PlaceNotAllowedError):
        book(stranger, elsewhere)
    unchanged(stranger, (elsewhere, (0, 0)))
    with pytest.raises(PlaceNotAllowedError):
        book(stranger, make_slot(own, open_weekday(skip=1)))  # someone else's annex


def test_citizens_choose_among_selectable_places_when_the_city_lets_them(in_city_a, city_a):
    hidden = PlaceFactory(code="hidden", citizen_selectable=False)
    elsewhere = make_slot(Place.objects.get(code="minami"), open_weekday(), capacity=4)
    behind = make_slot(hidden, open_weekday(), capacity=4)
    connection.tenant.places_selectable = True
    book(NoticeFactory(), elsewhere)
    assert state(elsewhere) == (1, 1)
    notice = NoticeFactory()
    with pytest.raises(PlaceNotAllowedError):
        book(notice, behind)
    unchanged(notice, (behind, (0, 0)))
    book(NoticeFactory(), behind, actor=STAFF)  # the counter may


def test_an_inactive_place_cannot_be_booked_by_anyone(kita):
    closed = make_slot(kita, open_weekday(), capacity=4)
    Place.objects.filter(pk=kita.pk).update(is_active=False)
    for actor in (CITIZEN, STAFF):
        notice = NoticeFactory()
        with pytest.raises(PlaceNotAllowedError):
            book(notice, closed, actor=actor)
        unchanged(notice, (closed, (0, 0)))


# --- which notices may be booked -------------------------------------------------------------------
@pytest.mark.parametrize("status", [NoticeStatus.EXPIRED, NoticeStatus.CANCELLED, NoticeStatus.RETURNED])
def test_notices_that_are_not_bookable(slot, status):
    notice = NoticeFactory(status=status)
    with pytest.raises(NoticeNotBookableError):
        book(notice, slot, actor=STAFF)
    unchanged(notice, (slot, (0, 0)))


def test_the_pickup_deadline_day_itself_is_still_bookable(slot, other_slot):
    today = timezone.localdate()
    book(NoticeFactory(expires_on=today), slot)
    late = NoticeFactory(expires_on=today - dt.timedelta(days=1))
    with pytest.raises(NoticeNotBookableError):
        book(late, other_slot)
    unchanged(late, (other_slot, (0, 0)))


def test_a_handed_over_card_cannot_be_booked(slot, other_slot):
    notice = NoticeFactory()
    book(notice, slot)
    notice_hand_over(notice=notice, actor=STAFF)
    assert Reservation.objects.get(notice=notice).status == ReservationStatus.COMPLETED
    with pytest.raises(CardHandedOverError):
        book(notice, other_slot, actor=STAFF)
    assert state(other_slot) == (0, 0)


def test_a_booked_notice_marked_booked_without_a_booking_is_refused(slot):
    """A notice whose status says booked but has no active booking is not booked a second time."""
    notice = NoticeFactory(status=NoticeStatus.BOOKED)
    with pytest.raises(BookingError):
        book(notice, slot)
    unchanged(notice, (slot, (0, 0)))


def test_moving_a_pulled_booking_puts_the_card_back_for_the_new_day(slot, other_slot):
    notice = NoticeFactory()
    book(notice, slot)
    notice_transition(notice=notice, to=NoticeStatus.PULLED, actor=STAFF)
    book(notice, other_slot, actor=STAFF)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.BOOKED and state(other_slot) == (1, 1)
    assert notice.audit_entries.filter(action="notice.status").latest("id").changes == {
        "status": ["pulled", "booked"], "reason": "booking moved"}


def test_cancelling_a_pulled_booking_returns_the_notice_to_mailed(slot):
    notice = NoticeFactory()
    reservation = book(notice, slot)
    notice_transition(notice=notice, to=NoticeStatus.PULLED, actor=STAFF)
    reservation_cancel(reservation=reservation, actor=STAFF)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.MAILED and state(slot) == (0, 0)


def test_the_database_refuses_bookings_the_services_would_never_make(slot):
    """The guarantees hold even for code that bypasses the services."""
    from django.db import DatabaseError

    notice = NoticeFactory(status=NoticeStatus.HANDED_OVER)
    with pytest.raises(DatabaseError, match="already handed over"), transaction.atomic():
        Reservation.objects.create(notice=notice, slot=slot, channel="web", code="TEST-0001")
    with pytest.raises(IntegrityError, match="slot_booked_within_capacity"), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=3)
    booked = NoticeFactory()
    Reservation.objects.create(notice=booked, slot=slot, channel="web", code="TEST-0002")
    with pytest.raises(IntegrityError, match="one_active_reservation_per_notice"), transaction.atomic():
        Reservation.objects.create(notice=booked, slot=slot, channel="web", code="TEST-0003")
    with pytest.raises(DatabaseError, match="still has an active booking"), transaction.atomic():
        Notice.objects.filter(pk=booked.pk).update(status=NoticeStatus.HANDED_OVER)


# --- e-mail addresses ------------------------------------------------------------------------------
@pytest.mark.parametrize("address", ["not-an-address", "a@b", "taro@example.jp\nBcc: x@example.org",
                                     "taro@example.jp, hanako@example.jp"])
def test_the_service_refuses_bad_addresses_for_every_channel(slot, address):
    for actor in (CITIZEN, OPERATOR, STAFF):
        notice = NoticeFactory()
        with translation.override("en"), pytest.raises(BookingError) as refused:
            book(notice, slot, actor=actor, email=address)
        assert refused.value.field == "email"
        with translation.override("en"):
            assert str(refused.value.message) == "Enter a valid e-mail address."
        unchanged(notice, (slot, (0, 0)))


def test_a_city_may_require_an_address_on_the_web_only(slot, city_a):
    connection.tenant.email_required = True
    notice = NoticeFactory()
    with translation.override("en"), pytest.raises(BookingError) as refused:
        book(notice, slot, email="  ")
    assert refused.value.field == "email"
    with translation.override("en"):
        assert str(refused.value.message) == "Enter an e-mail address for the confirmation."
    unchanged(notice, (slot, (0, 0)))
    assert book(NoticeFactory(), slot, actor=OPERATOR).email == ""  # the caller may have none
    assert book(NoticeFactory(), slot, email=" hanako@example.jp ").email == "hanako@example.jp"


def test_moving_may_change_or_clear_the_address(slot, other_slot):
    notice = NoticeFactory()
    reservation = book(notice, slot, email="old@example.jp")
    book(notice, other_slot, email="new@example.jp")
    reservation.refresh_from_db()
    assert reservation.email == "new@example.jp"
    assert AuditEntry.objects.filter(reservation=reservation, action="reservation.change").get().changes[
        "email_changed"] is True
    book(notice, slot, email="")
    reservation.refresh_from_db()
    assert reservation.email == ""
    book(notice, other_slot, email=None)
    last = AuditEntry.objects.filter(reservation=reservation, action="reservation.change").latest("id")
    assert "email_changed" not in last.changes


def test_a_move_with_a_bad_address_changes_nothing(slot, other_slot):
    notice = NoticeFactory()
    reservation = book(notice, slot, email="old@example.jp")
    with pytest.raises(BookingError):
        book(notice, other_slot, email="broken@")
    reservation.refresh_from_db()
    assert (reservation.slot_id, reservation.email) == (slot.pk, "old@example.jp")
    assert state(slot) == (1, 1) and state(other_slot) == (0, 0)


# --- moving --------------------------------------------------------------------------------------
def test_moving_to_the_same_slot_is_refused(slot):
    notice = NoticeFactory()
    reservation = book(notice, slot)
    with pytest.raises(AlreadyAtThisTimeError):
        book(notice, slot)
    assert state(slot) == (1, 1)
    assert not AuditEntry.objects.filter(reservation=reservation, action="reservation.change").exists()


def test_moving_to_a_full_past_or_disallowed_slot_changes_nothing(kita, slot, other_slot):
    notice = NoticeFactory()
    reservation = book(notice, slot)
    for _ in range(2):
        book(NoticeFactory(), other_slot)
    past = slot_at(kita, timezone.now() - dt.timedelta(hours=2))
    elsewhere = make_slot(Place.objects.get(code="minami"), open_weekday())
    for target, error in ((other_slot, SlotFullError), (past, SlotInPastError), (elsewhere, PlaceNotAllowedError)):
        with pytest.raises(error):
            book(notice, target)
    reservation.refresh_from_db()
    assert reservation.slot_id == slot.pk and state(slot) == (1, 1) and state(other_slot) == (2, 2)
    assert state(past) == (0, 0) and state(elsewhere) == (0, 0)


def test_citizens_change_until_the_cut_off_staff_after_it(kita, frozen, city_a):
    assert city_a.change_closes_hours == 24
    target = slot_at(kita, NOW + dt.timedelta(days=10))
    starts = NOW + dt.timedelta(days=3)
    first = slot_at(kita, starts)
    notice = NoticeFactory()
    reservation = book(notice, first)
    frozen.move_to(starts - dt.timedelta(hours=24, seconds=1))  # one second before the cut-off
    book(notice, target)
    book(notice, first)
    frozen.move_to(starts - dt.timedelta(hours=24))  # the cut-off itself
    with pytest.raises(ChangeClosedError):
        book(notice, target)
    with pytest.raises(ChangeClosedError):
        reservation_cancel(reservation=reservation, actor=CITIZEN)
    assert state(first) == (1, 1) and state(target) == (0, 0)
    book(notice, target, actor=STAFF)
    reservation_cancel(reservation=Reservation.objects.get(pk=reservation.pk), actor=STAFF)
    assert state(target) == (0, 0)


# --- cancelling ----------------------------------------------------------------------------------
def test_cancel_releases_the_seat_records_when_and_why(kita, frozen):
    slot, other_slot = slot_at(kita, NOW + dt.timedelta(days=3)), slot_at(kita, NOW + dt.timedelta(days=4))
    notice = NoticeFactory()
    reservation = book(notice, slot)
    reservation_cancel(reservation=reservation, actor=OPERATOR, reason="caller moved away")
    assert state(slot) == (0, 0)
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED and reservation.cancelled_at == NOW
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.MAILED
    entry = AuditEntry.objects.get(reservation=reservation, action="reservation.cancel")
    assert entry.channel == "phone" and entry.changes == {"status": ["active", "cancelled"],
                                                          "reason": "caller moved away"}
    with pytest.raises(ReservationNotActiveError):
        reservation_cancel(reservation=reservation, actor=CITIZEN)
    assert book(notice, other_slot).pk != reservation.pk  # a new booking, not the cancelled one
    assert state(other_slot) == (1, 1)


# --- booking codes -------------------------------------------------------------------------------
def test_a_booking_code_drawn_twice_is_drawn_again(slot, monkeypatch):
    taken = book(NoticeFactory(), slot).code
    draws = iter([taken, "ZZZZ-9999"])
    monkeypatch.setattr("booking.services.reservations.new_booking_code", lambda: next(draws))
    assert book(NoticeFactory(), slot).code == "ZZZZ-9999"
    assert state(slot) == (2, 2)


def test_a_code_that_keeps_colliding_gives_up_cleanly(slot, monkeypatch):
    taken = book(NoticeFactory(), slot).code
    monkeypatch.setattr("booking.services.reservations.new_booking_code", lambda: taken)
    unlucky = NoticeFactory()
    with translation.override("en"), pytest.raises(BookingError) as refused:
        book(unlucky, slot)
    with translation.override("en"):
        assert str(refused.value.message) == "The booking could not be made. Please try again."
    unchanged(unlucky, (slot, (1, 1)))


def test_booking_codes_avoid_look_alike_characters():
    codes = {seats.new_booking_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"[ACDEFGHJKLMNPQRTUVWXY34679]{4}-[ACDEFGHJKLMNPQRTUVWXY34679]{4}", c) for c in codes)


# --- progress of a notice ------------------------------------------------------------------------
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
    unchanged(notice)
    assert not notice.audit_entries.exists()


def test_progress_from_notice_to_handover(slot):
    notice = NoticeFactory()
    book(notice, slot, actor=OPERATOR)
    notice_transition(notice=notice, to=NoticeStatus.PULLED, actor=STAFF)
    notice_hand_over(notice=notice, actor=STAFF)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.HANDED_OVER
    history = [entry.changes["status"] for entry in notice.audit_entries.filter(action="notice.status").order_by("id")]
    assert history == [["mailed", "booked"], ["booked", "pulled"], ["pulled", "handed_over"]]


def test_removing_a_user_keeps_the_bookings_and_the_trail_they_made(slot, city_a):
    from django_tenants.utils import schema_context

    from tests.tenants.factories import UserFactory

    user = UserFactory(username="leaving-staff")
    reservation = book(NoticeFactory(), slot, actor=Actor.for_user(user, channel=Channel.STAFF))
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
    from booking.selectors.lookups import slot_at as lookup_slot_at

    saturday = open_weekday()
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    with pytest.raises(DayClosedError):
        lookup_slot_at(kita, at(saturday, dt.time(10)))
    assert lookup_slot_at(kita, at(open_weekday(), dt.time(10))).place == kita


def test_an_unknown_notice_number_is_a_clear_error(in_city_a):
    from booking.errors import UnknownNoticeError
    from booking.selectors.lookups import notice_by_number

    NoticeFactory(number="AB1234567")
    assert notice_by_number("ａｂ１－２３４５６７").number == "AB1234567"
    with pytest.raises(UnknownNoticeError) as unknown:
        notice_by_number("ZZ9-999999")
    assert unknown.value.status_code == 404


def test_moves_and_cancellations_are_recorded_on_the_notice_with_who_did_them(slot, other_slot):
    notice = NoticeFactory()
    clerk = Actor(kind=AuditEntry.ActorKind.USER, channel=Channel.STAFF, label="clerk-7")
    reservation = book(notice, slot, actor=clerk)
    book(notice, other_slot, actor=clerk)
    reservation_cancel(reservation=Reservation.objects.get(pk=reservation.pk), actor=clerk)
    entries = AuditEntry.objects.filter(reservation=reservation).order_by("id")
    assert [(entry.action, entry.notice_id, entry.actor_label) for entry in entries] == [
        ("reservation.create", notice.pk, "clerk-7"),
        ("reservation.change", notice.pk, "clerk-7"),
        ("reservation.cancel", notice.pk, "clerk-7"),
    ]


def test_a_booking_made_by_a_user_names_its_maker_and_is_active_from_now(slot, staff_a):
    with time_machine.travel(NOW, tick=False):
        made = book(NoticeFactory(), slot, actor=Actor.for_user(staff_a, channel=Channel.STAFF))
    stored = Reservation.objects.get(pk=made.pk)
    assert (stored.created_by_id, stored.status, stored.created_at) == (staff_a.pk, ReservationStatus.ACTIVE, NOW)
