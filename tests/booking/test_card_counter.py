"""The counter's day (DATA-4, OPS-2): pull list in box order, PDF, handover in one transaction, walk-ins, no-shows."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, transaction

from booking.clock import at
from booking.documents import pull_list_html, pull_list_pdf
from booking.errors import CardHandedOverError, HandoverError, PullListError, WalkInNoRoomError
from booking.models import (
    AuditEntry,
    Card,
    CardFlag,
    CardStatus,
    Notice,
    NoticeStatus,
    Place,
    Reservation,
    ReservationStatus,
)
from booking.selectors.cards import no_shows
from booking.selectors.pull_list import IDENTITY_CHECK_KEYS, handover_view, pull_list
from booking.services import notices as notice_services
from booking.services.counter import (
    card_hand_over,
    no_shows_mark,
    pull_list_flag_missing,
    pull_list_mark_all_pulled,
    pull_list_mark_pulled,
    walk_in_serve,
)
from booking.services.reservations import reservation_book
from tests.booking.factories import STAFF, NoticeFactory, PlaceFactory, make_card, make_slot, open_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_at_kita(in_city_a):
    """Four bookings at kita on one day, their cards in boxes out of booking order."""
    place = Place.objects.get(code="kita")
    day = open_weekday()
    placed = [("B-2", 1, dt.time(9, 0)), ("A-1", 2, dt.time(9, 30)), ("A-1", 1, dt.time(10, 0)),
              (None, None, dt.time(10, 30))]
    bookings = []
    for box, position, start in placed:
        notice = NoticeFactory()
        if box:
            make_card(notice, box=box, position=position, name_kanji="𠮷田　花子", name_kana="ヨシダ ハナコ")
        else:
            make_card(notice)
        bookings.append(reservation_book(notice=notice, slot=make_slot(place, day, start), actor=STAFF).reservation)
    return place, day, bookings


def test_the_pull_list_is_in_storage_order(day_at_kita):
    place, day, bookings = day_at_kita
    lines = pull_list(place=place, day=day)
    assert [(line.card.box.code if line.card.box else None, line.card.position) for line in lines] == [
        ("A-1", 1), ("A-1", 2), ("B-2", 1), (None, None)]
    assert [line.reservation for line in lines] == [bookings[2], bookings[1], bookings[0], bookings[3]]
    assert lines[0].barcode_data == f"CARD-{lines[0].card.serial}" and "<svg" in lines[0].barcode_svg()


def test_the_pull_list_pdf_prints_on_a4_with_fallback_for_gaiji(day_at_kita):
    place, day, _bookings = day_at_kita
    html = pull_list_html(place=place, day=day)
    assert "size: A4" in html and html.count("<svg") == 4 and "U+20BB7" in html and "ヨシダ ハナコ" in html
    from weasyprint import HTML

    pages = HTML(string=html).render().pages
    assert [(round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) for page in pages] == [(210, 297)]
    assert pull_list_pdf(place=place, day=day).startswith(b"%PDF")


def test_pulling_by_scan_or_all_and_a_card_found_elsewhere(day_at_kita):
    place, day, bookings = day_at_kita
    first = pull_list_mark_pulled(place=place, day=day, scanned=f"CARD-{bookings[2].notice.card.serial}",
                                  actor=STAFF)
    assert Notice.objects.get(pk=first.notice.pk).status == NoticeStatus.PULLED
    moved = pull_list_mark_pulled(place=place, day=day, scanned=bookings[1].code, actor=STAFF,
                                  found_in_box="BOX-B-2")
    assert Card.objects.get(pk=moved.card.pk).flag == CardFlag.MISPLACED
    pull_list_flag_missing(place=place, day=day, scanned=bookings[0].notice.number, actor=STAFF, note="empty slot")
    assert pull_list_mark_all_pulled(place=place, day=day, actor=STAFF) == 1  # the missing card stays
    statuses = {line.reservation.pk: line.pulled for line in pull_list(place=place, day=day)}
    assert statuses == {bookings[0].pk: False, bookings[1].pk: True, bookings[2].pk: True, bookings[3].pk: True}
    with pytest.raises(PullListError):
        pull_list_mark_pulled(place=place, day=day, scanned="CARD-NOTONTHELIST", actor=STAFF)


def test_handover_shows_the_booking_location_and_checks_then_closes_everything_at_once(day_at_kita):
    place, day, bookings = day_at_kita
    booking = bookings[2]
    with time_machine.travel(at(day, dt.time(10, 5)), tick=False):
        view = handover_view(scanned=booking.notice.number, place=place)
        assert view.can_hand_over and view.reservation == booking and view.card.box.code == "A-1"
        assert [key for key, _label in view.checks] == list(IDENTITY_CHECK_KEYS)
        assert len(view.warnings) == 1  # only: not pulled yet
        with pytest.raises(HandoverError):
            card_hand_over(notice=booking.notice, actor=STAFF, checks=["notice"])
        card_hand_over(notice=booking.notice, actor=STAFF, checks=IDENTITY_CHECK_KEYS)
    card = Card.objects.get(notice=booking.notice)
    assert card.status == CardStatus.HANDED_OVER and card.box is None and card.handed_over_at
    assert Reservation.objects.get(pk=booking.pk).status == ReservationStatus.COMPLETED
    assert Notice.objects.get(pk=booking.notice.pk).status == NoticeStatus.HANDED_OVER
    assert AuditEntry.objects.get(action="card.hand_over", notice=booking.notice).changes["checks"] == list(
        IDENTITY_CHECK_KEYS)
    assert not handover_view(scanned=booking.notice.number).can_hand_over
    with pytest.raises(CardHandedOverError):  # the database still refuses a booking of a handed-over card
        reservation_book(notice=booking.notice, slot=make_slot(place, day, dt.time(15, 0)), actor=STAFF)


def test_a_failing_handover_leaves_booking_card_and_notice_as_they_were(day_at_kita, monkeypatch):
    _place, _day, bookings = day_at_kita
    booking = bookings[0]

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    original = notice_services.audit_record

    def failing_on_card(**kwargs):
        if kwargs["action"] == "card.hand_over":
            broken()
        return original(**kwargs)

    monkeypatch.setattr(notice_services, "audit_record", failing_on_card)
    with pytest.raises(RuntimeError):
        card_hand_over(notice=booking.notice, actor=STAFF, checks=IDENTITY_CHECK_KEYS)
    assert Reservation.objects.get(pk=booking.pk).status == ReservationStatus.ACTIVE
    assert Notice.objects.get(pk=booking.notice.pk).status == NoticeStatus.BOOKED
    assert Card.objects.get(notice=booking.notice).status == CardStatus.STORED


def test_the_database_still_refuses_a_handover_while_a_booking_is_active(day_at_kita):
    _place, _day, bookings = day_at_kita
    with pytest.raises(DatabaseError, match='still has an active booking'), transaction.atomic():
        Notice.objects.filter(pk=bookings[0].notice_id).update(status=NoticeStatus.HANDED_OVER)


def test_a_walk_in_takes_the_next_free_seat_and_is_handed_over(in_city_a):
    place = PlaceFactory()  # a counter with only the slots made here
    day = open_weekday()
    full = make_slot(place, day, dt.time(9, 0), capacity=1)
    make_slot(place, day, dt.time(9, 30), capacity=2)
    reservation_book(notice=NoticeFactory(), slot=full, actor=STAFF)
    notice = NoticeFactory()
    make_card(notice, box="W-1")
    with time_machine.travel(at(day, dt.time(8, 50)), tick=False):
        assert handover_view(scanned=notice.number).walk_in
        walk_in_serve(notice=notice, place=place, actor=STAFF, checks=IDENTITY_CHECK_KEYS)
    reservation = Reservation.objects.get(notice=notice)
    assert reservation.status == ReservationStatus.COMPLETED and reservation.channel == "staff"
    assert reservation.slot.starts_at == at(day, dt.time(9, 30))
    assert Card.objects.get(notice=notice).status == CardStatus.HANDED_OVER
    late = NoticeFactory()
    with time_machine.travel(at(day, dt.time(16, 0)), tick=False), pytest.raises(WalkInNoRoomError):
        walk_in_serve(notice=late, place=place, actor=STAFF, checks=IDENTITY_CHECK_KEYS)
    assert not Reservation.objects.filter(notice=late).exists()


def test_no_shows_are_marked_at_the_end_of_the_day_and_listed(day_at_kita):
    place, day, bookings = day_at_kita
    pull_list_mark_all_pulled(place=place, day=day, actor=STAFF)
    with time_machine.travel(at(day, dt.time(10, 20)), tick=False):
        card_hand_over(notice=bookings[2].notice, actor=STAFF, checks=IDENTITY_CHECK_KEYS)
    with time_machine.travel(at(day, dt.time(17, 0)), tick=False):
        assert no_shows_mark() == 0  # the day is not over yet
    with time_machine.travel(at(day, dt.time(21, 30)), tick=False):
        assert no_shows_mark() == 3
        assert no_shows_mark() == 0  # safe to run again
    listed = no_shows(day=day, place=place)
    assert {reservation.pk for reservation in listed} == {bookings[0].pk, bookings[1].pk, bookings[3].pk}
    assert all(Notice.objects.get(pk=r.notice_id).status == NoticeStatus.MAILED for r in listed)
    assert listed[0].notice.card.box is not None  # where the card goes back
