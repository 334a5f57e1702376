"""Deadlines and returns, progress per ward and batch (OPS-2, OPS-3), and the purge of personal data (SEC-10)."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from booking.clock import at, city_today
from booking.documents import card_progress_csv
from booking.errors import CardError
from booking.models import AuditEntry, Card, CardImport, CardStatus, Notice, NoticeStatus, Place, Reservation, Ward
from booking.selectors.cards import STAGE_KEYS, card_progress, deadline_follow_up
from booking.selectors.pull_list import IDENTITY_CHECK_KEYS
from booking.services.cards import card_close, notice_mark_returned
from booking.services.counter import card_hand_over, pull_list_mark_all_pulled
from booking.services.purge import personal_data_purge
from booking.services.reservations import reservation_book
from tests.booking.factories import STAFF, NoticeFactory, make_card, make_slot, open_weekday

pytestmark = pytest.mark.django_db


def test_notices_past_their_deadline_are_listed_for_follow_up(in_city_a):
    today = city_today()
    late = make_card(NoticeFactory(expires_on=today - dt.timedelta(days=10)), box="L-1")
    no_card = NoticeFactory(expires_on=today - dt.timedelta(days=2))
    make_card(NoticeFactory(expires_on=today + dt.timedelta(days=5)))  # not yet
    done = make_card(NoticeFactory(expires_on=today - dt.timedelta(days=3)), status=CardStatus.DESTROYED)
    rows = deadline_follow_up()
    assert [(row.notice.pk, row.days_overdue) for row in rows] == [(late.notice_id, 10), (no_card.pk, 2)]
    assert rows[0].card == late and rows[1].card is None
    assert done.notice_id not in [row.notice.pk for row in rows]
    assert deadline_follow_up(ward_code="minami") == []


def test_returned_and_destroyed_with_reasons(in_city_a):
    card = make_card(box="R-1")
    with pytest.raises(CardError):
        card_close(card=card, outcome=CardStatus.DESTROYED, reason=" ", actor=STAFF)
    closed = card_close(card=card, outcome=CardStatus.DESTROYED, reason="交付期限経過", actor=STAFF)
    assert closed.status == CardStatus.DESTROYED and closed.box is None and closed.closing_reason == "交付期限経過"
    assert Notice.objects.get(pk=card.notice_id).status == NoticeStatus.EXPIRED
    assert AuditEntry.objects.get(action="card.close", notice_id=card.notice_id).changes["reason"] == "交付期限経過"
    with pytest.raises(CardError):
        card_close(card=closed, outcome=CardStatus.RETURNED, reason="again", actor=STAFF)

    postcard = make_card()
    notice_mark_returned(notice=postcard.notice, reason="宛所不明", actor=STAFF)
    assert Notice.objects.get(pk=postcard.notice_id).status == NoticeStatus.RETURNED
    closed = card_close(card=postcard, outcome=CardStatus.RETURNED, reason="J-LISへ返送", actor=STAFF)
    assert closed.status == CardStatus.RETURNED

    booked = make_card()
    reservation_book(notice=booked.notice, slot=make_slot(Place.objects.get(code="kita"), open_weekday()), actor=STAFF)
    with pytest.raises(CardError):
        card_close(card=booked, outcome=CardStatus.DESTROYED, reason="x", actor=STAFF)


def _progress_counts(by: str) -> dict[str, dict[str, int]]:
    return {row.key: row.counts for row in card_progress(by=by)}


def test_progress_per_ward_and_batch_from_received_to_handed_over(in_city_a):
    kita, minami = Ward.objects.get(code="kita"), Ward.objects.get(code="minami")
    make_card(NoticeFactory(ward=kita, mailed_on=None), batch="B-1")                  # received
    make_card(NoticeFactory(ward=kita, mailed_on=None), box="P-1", batch="B-1")       # stored
    make_card(NoticeFactory(ward=minami), box="P-1", batch="B-2")                     # mailed
    booked = make_card(NoticeFactory(ward=kita), box="P-1", batch="B-2")
    reservation_book(notice=booked.notice, slot=make_slot(Place.objects.get(code="kita"), open_weekday()),
                     actor=STAFF)
    by_ward, by_batch = _progress_counts("ward"), _progress_counts("batch")
    assert by_ward["kita"]["received"] == 1 and by_ward["kita"]["stored"] == 1 and by_ward["kita"]["booked"] == 1
    assert by_ward["minami"]["mailed"] == 1
    assert by_batch["B-1"]["received"] + by_batch["B-1"]["stored"] == 2 and by_batch["B-2"]["booked"] == 1
    total = by_ward[""]
    assert sum(total.values()) == Card.objects.count() == sum(by_batch[""].values())
    text = card_progress_csv(by="ward").decode("utf-8-sig").splitlines()
    assert len(text) == 1 + len(by_ward) and text[-1].endswith(f",{Card.objects.count()}")
    assert len(text[0].split(",")) == len(STAGE_KEYS) + 2


def test_the_purge_leaves_nothing_personal_and_the_counts_still_add_up(in_city_a):
    place = Place.objects.get(code="kita")
    day = open_weekday()
    handed, kept = make_card(name_kanji="𠮷田　花子", name_kana="ヨシダ ハナコ"), make_card(name_kanji="佐藤　一郎")
    for card, start in ((handed, dt.time(9, 0)), (kept, dt.time(9, 30))):
        reservation_book(notice=card.notice, slot=make_slot(place, day, start), actor=STAFF,
                         email=f"citizen{card.pk}@example.org")
    pull_list_mark_all_pulled(place=place, day=day, actor=STAFF)
    with time_machine.travel(at(day, dt.time(9, 5)), tick=False):
        card_hand_over(notice=handed.notice, actor=STAFF, checks=IDENTITY_CHECK_KEYS)
    before = (card_progress(by="ward"), card_progress(by="batch"))
    with time_machine.travel(at(day, dt.time(12, 0)) + dt.timedelta(days=89), tick=False):
        assert personal_data_purge().cards == 0  # not yet: 90 days by default
    CardImport.objects.create(file_sha256="0" * 64, content=b"name,birth", actor_label="stuck")
    with time_machine.travel(at(day, dt.time(12, 0)) + dt.timedelta(days=91), tick=False):
        result = personal_data_purge()
        assert (result.cards, result.notices, result.reservations, result.imports) == (1, 1, 1, 1)
        assert personal_data_purge().cards == 0  # nothing left to do

    card = Card.objects.get(pk=handed.pk)
    assert (card.name_kanji, card.name_kana, card.birth_date) == ("", "", None) and card.personal_data_purged_at
    notice = Notice.objects.get(pk=handed.notice_id)
    assert (notice.birth_day, notice.birth_month) == (None, None) and notice.status == NoticeStatus.HANDED_OVER
    assert Reservation.objects.get(notice=notice).email == ""
    assert Card.objects.get(pk=kept.pk).name_kanji == "佐藤　一郎"  # not handed over: kept
    assert Reservation.objects.get(notice=kept.notice).email == f"citizen{kept.pk}@example.org"
    with connection.cursor() as cursor:  # nothing of the handed-over citizen anywhere in the city's schema
        for table in ("booking_card", "booking_notice", "booking_reservation", "booking_auditentry",
                      "booking_cardimport"):
            cursor.execute(f"SELECT count(*) FROM {table} t WHERE t::text LIKE ANY(%s)",  # noqa: S608
                           [["%𠮷田%", "%ヨシダ%", f"%citizen{handed.pk}@%", "%1985-05-07%"]])
            assert cursor.fetchone()[0] == (1 if table == "booking_card" else 0), table  # kept's birth date
    assert (card_progress(by="ward"), card_progress(by="batch")) == before


def test_the_retention_is_the_city_s_own(in_city_a):
    in_city_a.personal_data_retention_days = 7
    card = make_card(status=CardStatus.DESTROYED, status_changed_at=timezone.now() - dt.timedelta(days=8))
    assert personal_data_purge().cards == 1
    assert Card.objects.get(pk=card.pk).name_kanji == ""
