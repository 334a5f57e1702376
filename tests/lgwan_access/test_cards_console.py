"""The card counter in the staff console (issue 10) as a clerk uses it: the scan field on every page,
check-in by scanning, boxes, moves, the pull list and its PDF, handover by scan, walk-ins, no-shows,
deadlines, progress. Refused requests change nothing; city B's cards never show in city A."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django_tenants.utils import tenant_context

from booking.clock import at
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
from booking.selectors.pull_list import IDENTITY_CHECK_KEYS
from booking.services.counter import no_shows_mark
from booking.services.reservations import reservation_book
from lgwan_access.models import StaffAccessEntry
from tests.booking.factories import STAFF, NoticeFactory, PlaceFactory, make_card, make_slot, open_weekday

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's visible text, tags dropped, spaces squeezed."""
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def clerk(client_a, staff_a, in_city_a):
    client_a.force_login(staff_a)
    client_a.staff_user = staff_a
    return client_a


def log_in_again(clerk) -> None:
    """After travelling days ahead on the frozen clock, the 8-hour session has ended: log in then."""
    clerk.force_login(clerk.staff_user)


@pytest.fixture
def day_at_kita(in_city_a):
    """Three bookings at kita on one day, their cards in boxes out of booking order."""
    place = Place.objects.get(code="kita")
    day = open_weekday()
    bookings = []
    for box, position, start in [("B-2", 1, dt.time(9, 0)), ("A-1", 2, dt.time(9, 30)), ("A-1", 1, dt.time(10, 0))]:
        notice = NoticeFactory()
        make_card(notice, box=box, position=position, name_kanji="𠮷田　花子", name_kana="ヨシダ ハナコ")
        bookings.append(reservation_book(notice=notice, slot=make_slot(place, day, start), actor=STAFF).reservation)
    return place, day, bookings


# --- the scan field -----------------------------------------------------------------------------

def test_every_console_page_has_the_scan_field(clerk, day_at_kita):
    place, day, _bookings = day_at_kita
    for url in ["/staff/", "/staff/cards/check-in/", f"/staff/pull-list/?day={day}&place=kita", "/staff/handover/",
                "/staff/cards/progress/", "/staff/cards/imports/", "/staff/cards/deadlines/"]:
        response = clerk.get(url)
        assert response.status_code == 200, url
        assert 'action="/staff/scan/"' in response.content.decode(), url
        assert "スキャン" in text(response)


def test_a_scan_opens_the_box_the_card_or_the_notice_in_any_printed_spelling(clerk, in_city_a):
    notice = NoticeFactory(number="ABC000123")
    card = make_card(notice, box="K-001")
    assert clerk.get("/staff/scan/", {"code": "BOX-K-001"})["Location"] == "/staff/cards/boxes/K-001/"
    assert clerk.get("/staff/scan/", {"code": f"CARD-{card.serial}"})["Location"] == f"/staff/cards/card/{card.serial}/"
    assert clerk.get("/staff/scan/", {"code": card.serial.lower()})["Location"] == f"/staff/cards/card/{card.serial}/"
    for printed in ["ABC-000123", "ＡＢＣ－０００１２３", "abc 000123"]:
        assert clerk.get("/staff/scan/", {"code": printed})["Location"] == "/staff/handover/?code=ABC000123"
    # a new box label starts its check-in
    assert clerk.get("/staff/scan/", {"code": "BOX-NEW-9"})["Location"] == "/staff/cards/check-in/?box=NEW-9"


def test_a_scanned_booking_code_opens_the_handover_of_its_notice(clerk, day_at_kita):
    _place, _day, bookings = day_at_kita
    response = clerk.get("/staff/scan/", {"code": bookings[0].code.lower()})
    assert response["Location"] == f"/staff/handover/?code={bookings[0].notice.number}"


def test_an_unknown_code_says_so_in_japanese(clerk):
    response = clerk.get("/staff/scan/", {"code": "ZZZ-404"})
    assert response.status_code == 404
    assert "「ZZZ-404」" in text(response) or "“ZZZ-404”" in text(response)
    assert "見つかりません" in text(response) or "ありません" in text(response)
    assert clerk.get("/staff/scan/", {"code": ""}).status_code == 400


def test_city_b_cards_are_never_found_from_city_a(clerk, city_b):
    with tenant_context(city_b):
        card_b = make_card(NoticeFactory(number="BETA00001"), box="BB-1")
    assert clerk.get("/staff/scan/", {"code": card_b.serial}).status_code == 404
    assert clerk.get("/staff/scan/", {"code": "BETA00001"}).status_code == 404
    assert clerk.get("/staff/scan/", {"code": "BOX-BB-1"}).status_code == 302  # only a new box of city A
    assert clerk.get("/staff/cards/boxes/BB-1/").status_code == 404
    assert clerk.get(f"/staff/cards/card/{card_b.serial}/").status_code == 404
    assert clerk.get("/staff/handover/", {"code": "BETA00001"}).status_code == 404


def test_staff_of_city_b_cannot_open_city_a_card_pages(client_a, staff_b, in_city_a):
    card = make_card(NoticeFactory(), box="K-1")
    client_a.force_login(staff_b)
    for url in ["/staff/scan/?code=BOX-K-1", "/staff/cards/check-in/", "/staff/cards/boxes/K-1/",
                "/staff/pull-list/", "/staff/handover/", "/staff/cards/imports/"]:
        assert client_a.get(url).status_code == 403, url
    response = client_a.post("/staff/cards/check-in/", {"box": "K-9", "card": card.serial})
    assert response.status_code == 403
    assert Card.objects.get(pk=card.pk).box.code == "K-1"
    handover = client_a.post("/staff/handover/", {"notice": card.notice.number, "place": "kita",
                                                  "checks": list(IDENTITY_CHECK_KEYS)})
    assert handover.status_code == 403
    assert not Reservation.objects.filter(notice=card.notice).exists()
    assert Card.objects.get(pk=card.pk).status == CardStatus.STORED
    assert client_a.post("/staff/cards/deadlines/", {"serial": card.serial, "outcome": "destroyed",
                                                     "reason": "x"}).status_code == 403
    assert Card.objects.get(pk=card.pk).status == CardStatus.STORED


def test_anonymous_is_sent_to_log_in(client_a, in_city_a):
    response = client_a.get("/staff/scan/", {"code": "BOX-K-1"})
    assert response.status_code == 302 and "login" in response["Location"]


# --- check-in, boxes, moves (DATA-4) ------------------------------------------------------------

def test_check_in_by_scanning_a_box_then_cards_assigns_positions_in_order(clerk, in_city_a):
    cards = [make_card(NoticeFactory()) for _ in range(3)]
    page = clerk.get("/staff/cards/check-in/", {"box": "BOX-K-007"})
    assert page.status_code == 200 and "K-007" in text(page)
    first = clerk.post("/staff/cards/check-in/", {"box": "K-007", "shelf": "棚3", "card": f"CARD-{cards[0].serial}"},
                       follow=True)
    assert f"{cards[0].serial} を箱 K-007 の 1 番に入れました。" in messages_of(first)
    unknown = clerk.post("/staff/cards/check-in/", {"box": "K-007", "card": "SN-NOPE-1"}, follow=True)
    assert any("SNNOPE1" in message for message in messages_of(unknown))  # flagged, nothing stored
    assert any("保管していません" in message or "入れていません" in message for message in messages_of(unknown))
    clerk.post("/staff/cards/check-in/", {"box": "K-007", "card": cards[1].serial})
    clerk.post("/staff/cards/check-in/", {"box": "K-007", "card": cards[2].serial.lower()})
    stored = {card.serial: (card.box.code, card.position, card.status) for card in Card.objects.filter(
        pk__in=[card.pk for card in cards])}
    assert stored == {cards[0].serial: ("K-007", 1, CardStatus.STORED),
                      cards[1].serial: ("K-007", 2, CardStatus.STORED),
                      cards[2].serial: ("K-007", 3, CardStatus.STORED)}
    page = clerk.get("/staff/cards/check-in/", {"box": "K-007"}).content.decode()
    scans = page.split('data-testid="check-in-scans"')[1]
    rows = re.findall(r"<tr( class=\"flagged\")?><td>(\d+)</td><td><code>([^<]+)</code>", scans)
    assert [(bool(flagged), n, code) for flagged, n, code in rows] == [
        (False, "4", cards[2].serial.lower()), (False, "3", cards[1].serial), (True, "2", "SN-NOPE-1"),
        (False, "1", f"CARD-{cards[0].serial}")]
    box_page = clerk.get("/staff/cards/boxes/K-007/").content.decode()
    assert "棚3" in box_page
    box_page = box_page.split('data-testid="box-contents"')[1]
    assert box_page.index(cards[0].serial) < box_page.index(cards[1].serial) < box_page.index(cards[2].serial)


def test_check_in_refuses_a_bad_box_label_and_a_handed_over_card(clerk, in_city_a):
    card = make_card(NoticeFactory(), status=CardStatus.HANDED_OVER)
    response = clerk.get("/staff/cards/check-in/", {"box": "箱!"})
    assert "箱ラベルではありません" in text(response) or "箱のラベルではありません" in text(response)
    clerk.post("/staff/cards/check-in/", {"box": "K-8", "card": card.serial})
    assert Card.objects.get(pk=card.pk).box is None
    assert not AuditEntry.objects.filter(action="card.store", notice=card.notice).exists()


def test_a_card_is_moved_and_a_taken_position_is_refused(clerk, in_city_a):
    first = make_card(NoticeFactory(), box="M-1", position=1)
    second = make_card(NoticeFactory(), box="M-2", position=1)
    refused = clerk.post(f"/staff/cards/card/{second.serial}/", {"box": "BOX-M-1", "position": "1"})
    assert refused.status_code == 400
    assert (Card.objects.get(pk=second.pk).box.code, Card.objects.get(pk=second.pk).position) == ("M-2", 1)
    clerk.post(f"/staff/cards/card/{second.serial}/", {"box": "BOX-M-1", "position": ""})
    moved = Card.objects.get(pk=second.pk)
    assert (moved.box.code, moved.position) == ("M-1", 2)
    assert Card.objects.get(pk=first.pk).position == 1


# --- pull list ----------------------------------------------------------------------------------

def test_the_pull_list_shows_storage_order_with_names_codes_and_barcodes(clerk, day_at_kita):
    place, day, bookings = day_at_kita
    response = clerk.get("/staff/pull-list/", {"day": day.isoformat(), "place": "kita"})
    page = text(response)
    codes = [booking.code for booking in (bookings[2], bookings[1], bookings[0])]  # A-1/1, A-1/2, B-2/1
    assert page.index(codes[0]) < page.index(codes[1]) < page.index(codes[2])
    assert "ヨシダ ハナコ" in page and "10:00" in page
    assert response.content.decode().count("<svg") >= 3


def test_the_pull_list_pdf_downloads_and_is_recorded_as_a_print(clerk, day_at_kita):
    _place, day, _bookings = day_at_kita
    response = clerk.get("/staff/pull-list/pdf/", {"day": day.isoformat(), "place": "kita"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = StaffAccessEntry.objects.get(action=StaffAccessEntry.Action.PRINT)
    assert entry.target == f"pull-list kita {day.isoformat()}"


def test_pulling_by_scan_one_by_one_and_all_and_a_card_found_elsewhere(clerk, day_at_kita):
    _place, day, bookings = day_at_kita
    form = {"day": day.isoformat(), "place": "kita"}
    card = Card.objects.get(notice=bookings[2].notice)
    clerk.post("/staff/pull-list/scan/", {**form, "code": f"CARD-{card.serial}"})
    assert Notice.objects.get(pk=bookings[2].notice_id).status == NoticeStatus.PULLED
    other = Card.objects.get(notice=bookings[0].notice)  # the list says B-2
    response = clerk.post("/staff/pull-list/scan/", {**form, "code": other.serial, "found_in_box": "BOX-A-1"},
                          follow=True)
    assert Card.objects.get(pk=other.pk).flag == CardFlag.MISPLACED
    assert any("フラグ" in message for message in messages_of(response))
    refused = clerk.post("/staff/pull-list/scan/", {**form, "code": "NOT-ON-LIST"}, follow=True)
    assert any("引抜きリスト" in message for message in messages_of(refused))
    clerk.post("/staff/pull-list/all/", form)
    assert set(Notice.objects.filter(pk__in=[b.notice_id for b in bookings]).values_list("status", flat=True)) == {
        NoticeStatus.PULLED}


def test_a_card_not_in_its_box_is_flagged_and_left_out_of_pull_all(clerk, day_at_kita):
    _place, day, bookings = day_at_kita
    form = {"day": day.isoformat(), "place": "kita"}
    clerk.post("/staff/pull-list/missing/", {**form, "code": bookings[1].code})
    assert Card.objects.get(notice=bookings[1].notice).flag == CardFlag.MISSING
    clerk.post("/staff/pull-list/all/", form)
    assert Notice.objects.get(pk=bookings[1].notice_id).status == NoticeStatus.BOOKED
    page = text(clerk.get("/staff/pull-list/", form))
    assert "リストの場所にない" in page or "リストの場所にありません" in page


# --- handover, walk-ins, no-shows (OPS-2) -------------------------------------------------------

def test_handover_by_scan_shows_booking_location_checks_then_hands_over(clerk, day_at_kita):
    _place, day, bookings = day_at_kita
    booking = bookings[2]
    with time_machine.travel(at(day, dt.time(10, 2)), tick=False):
        log_in_again(clerk)
        page = clerk.get("/staff/handover/", {"code": booking.notice.number.lower(), "place": "kita"})
        shown = text(page)
        assert booking.code in shown and "A-1" in shown and "10:00" in shown
        assert page.content.decode().count('name="checks"') == len(IDENTITY_CHECK_KEYS)
        assert StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.VIEW_NOTICE,
                                               target=booking.notice.number).exists()
        refused = clerk.post("/staff/handover/", {"notice": booking.notice.number, "place": "kita",
                                                  "checks": ["notice", "face"]})
        assert refused.status_code == 400 and "本人確認" in text(refused)
        assert Reservation.objects.get(pk=booking.pk).status == ReservationStatus.ACTIVE
        assert Card.objects.get(notice=booking.notice).status == CardStatus.STORED
        done = clerk.post("/staff/handover/", {"notice": booking.notice.number, "place": "kita",
                                               "checks": list(IDENTITY_CHECK_KEYS)}, follow=True)
        assert any(booking.notice.number in message for message in messages_of(done))
    assert Reservation.objects.get(pk=booking.pk).status == ReservationStatus.COMPLETED
    assert Notice.objects.get(pk=booking.notice_id).status == NoticeStatus.HANDED_OVER
    card = Card.objects.get(notice=booking.notice)
    assert card.status == CardStatus.HANDED_OVER and card.box is None
    again = clerk.post("/staff/handover/", {"notice": booking.notice.number, "place": "kita",
                                            "checks": list(IDENTITY_CHECK_KEYS)})
    assert again.status_code == 400 and "交付済" in text(again)


def test_a_walk_in_is_served_when_the_counter_has_room_and_refused_when_not(clerk, in_city_a):
    place = PlaceFactory(code="walkin")
    day = open_weekday()
    make_slot(place, day, dt.time(9, 30), capacity=1)
    notice = NoticeFactory()
    make_card(notice, box="W-1")
    checks = {"notice": notice.number, "place": "walkin", "checks": list(IDENTITY_CHECK_KEYS)}
    with time_machine.travel(at(day, dt.time(16, 0)), tick=False):
        log_in_again(clerk)
        page = clerk.get("/staff/handover/", {"code": notice.number, "place": "walkin"})
        assert "空き" in text(page)
        assert clerk.post("/staff/handover/", checks).status_code == 400
    assert not Reservation.objects.filter(notice=notice).exists()
    with time_machine.travel(at(day, dt.time(9, 0)), tick=False):
        log_in_again(clerk)
        page = clerk.get("/staff/handover/", {"code": notice.number, "place": "walkin"})
        assert "9:30" in text(page) or "09:30" in text(page)
        clerk.post("/staff/handover/", checks)
    reservation = Reservation.objects.get(notice=notice)
    assert reservation.status == ReservationStatus.COMPLETED and reservation.channel == "staff"
    assert Card.objects.get(notice=notice).status == CardStatus.HANDED_OVER


def test_no_shows_of_a_day_are_listed_with_where_the_card_goes_back(clerk, day_at_kita):
    _place, day, bookings = day_at_kita
    with time_machine.travel(at(day, dt.time(21, 0)), tick=False):
        no_shows_mark()
    page = text(clerk.get("/staff/cards/no-shows/", {"day": day.isoformat(), "place": "kita"}))
    for booking in bookings:
        assert booking.code in page
    assert "B-2 / 1" in page


# --- deadlines and progress ---------------------------------------------------------------------

def test_deadlines_list_uncollected_cards_and_close_them_with_a_reason(clerk, in_city_a):
    late = NoticeFactory(expires_on=dt.date(2026, 1, 31))
    card = make_card(late, box="D-1")
    on_time = NoticeFactory(expires_on=dt.date(2099, 1, 31))
    make_card(on_time, box="D-1")
    page = text(clerk.get("/staff/cards/deadlines/"))
    assert late.number in page and on_time.number not in page
    clerk.post("/staff/cards/deadlines/", {"serial": card.serial, "outcome": "returned", "reason": ""})
    assert Card.objects.get(pk=card.pk).status == CardStatus.STORED  # no reason: refused, nothing changed
    clerk.post("/staff/cards/deadlines/", {"serial": card.serial, "outcome": "returned", "reason": "期限切れ"})
    closed = Card.objects.get(pk=card.pk)
    assert closed.status == CardStatus.RETURNED and closed.closing_reason == "期限切れ"
    assert late.number not in text(clerk.get("/staff/cards/deadlines/"))


def test_progress_counts_cards_per_ward_and_exports_csv(clerk, in_city_a):
    make_card(NoticeFactory(), box="P-1")
    make_card(NoticeFactory(), box="P-1")
    page = clerk.get("/staff/cards/progress/")
    assert "北区" in text(page) and "合計" in text(page)
    csv = clerk.get("/staff/cards/progress/", {"by": "batch", "format": "csv"})
    assert csv.content.startswith("\ufeff".encode()) and "B-1" in csv.content.decode("utf-8-sig")
    assert StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.EXPORT).exists()


def test_the_today_page_summary_counts_the_city_cards(in_city_a):
    from django.template import Context, Template

    make_card(NoticeFactory(), box="S-1")
    make_card(NoticeFactory())
    html = Template("{% load cards_console %}{% cards_progress_summary %}").render(Context({}))
    cells = re.findall(r"<td>(\d+)</td>", html)
    assert int(cells[-1]) == Card.objects.count() and sum(map(int, cells[:-1])) == int(cells[-1])
    assert "保管中" in html
