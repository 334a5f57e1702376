"""Real connections race at the counter: handovers against moves of the same booking, clerks filling one box."""
from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from booking.models import Card, CardStatus, Notice, NoticeStatus, Reservation, ReservationStatus, StorageBox
from booking.selectors.pull_list import IDENTITY_CHECK_KEYS
from booking.services.audit import Actor
from booking.services.cards import storage_check_in
from booking.services.counter import card_hand_over
from booking.services.reservations import reservation_book
from tests.booking import test_concurrency
from tests.booking.factories import STAFF, make_card, make_slot, open_weekday
from tests.booking.test_concurrency import CLIENTS, make_notices, race

pytestmark = pytest.mark.slow
race_place = test_concurrency.race_place  # the same committed place in beta, cleaned up afterwards


def test_handovers_racing_moves_of_the_booking_hand_over_once(race_place):
    city, place = race_place
    with tenant_context(city):
        slots = [make_slot(place, open_weekday(), dt.time(9 + n), capacity=50) for n in range(3)]
        (notice,) = make_notices(place, 1)
        make_card(notice, box="RACE-H")
        reservation_book(notice=notice, slot=slots[0], actor=STAFF)
    jobs = []
    for i in range(CLIENTS):
        if i % 2:
            jobs.append(lambda: card_hand_over(notice=notice, actor=STAFF, checks=IDENTITY_CHECK_KEYS))
        else:
            jobs.append(lambda target=slots[1 + i % 2]: reservation_book(notice=notice, slot=target,
                                                                         actor=Actor.citizen()))
    try:
        outcomes = race(city, jobs)
        assert outcomes["ok"] >= 1
        assert all(outcome == "ok" or "CardHandedOver" in outcome or "TransitionNotAllowed" in outcome
                   or "HandoverError" in outcome or "AlreadyAtThisTime" in outcome for outcome in outcomes), outcomes
        with tenant_context(city):
            notice.refresh_from_db()
            assert notice.status == NoticeStatus.HANDED_OVER
            assert Card.objects.get(notice=notice).status == CardStatus.HANDED_OVER
            reservations = Reservation.objects.filter(notice=notice)
            assert reservations.filter(status=ReservationStatus.ACTIVE).count() == 0
            assert reservations.filter(status=ReservationStatus.COMPLETED).count() == 1
            completed = reservations.get(status=ReservationStatus.COMPLETED)
            for slot in slots:
                slot.refresh_from_db()
                assert slot.booked == (1 if slot.pk == completed.slot_id else 0)
    finally:
        with tenant_context(city):
            Card.objects.filter(notice=notice).delete()
            StorageBox.objects.filter(code="RACE-H").delete()


def test_clerks_filling_one_box_at_once_get_distinct_positions(race_place):
    city, place = race_place
    with tenant_context(city):
        cards = [make_card(notice) for notice in make_notices(place, 12)]
    try:
        outcomes = race(city, [
            (lambda card=card: storage_check_in(box="RACE-B", serials=[card.serial], actor=STAFF)) for card in cards
        ])
        assert outcomes == {"ok": len(cards)}, outcomes
        with tenant_context(city):
            positions = sorted(Card.objects.filter(box__code="RACE-B").values_list("position", flat=True))
            assert positions == list(range(1, len(cards) + 1))
    finally:
        with tenant_context(city):
            Card.objects.filter(notice__in=Notice.objects.filter(number__startswith="RAC")).delete()
            StorageBox.objects.filter(code="RACE-B").delete()
