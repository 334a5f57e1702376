"""Storage (DATA-4), scans and labels (DATA-3), 外字 fallback for prints (DATA-2)."""
from __future__ import annotations

import pytest

from booking import barcodes, glyphs
from booking.errors import StorageError
from booking.models import AuditEntry, CardFlag, CardStatus, StorageBox
from booking.selectors.cards import box_contents, scan_resolve
from booking.services.cards import card_flag, card_move, storage_check_in
from tests.booking.factories import STAFF, NoticeFactory, make_card

pytestmark = pytest.mark.django_db


def test_check_in_files_cards_in_the_order_scanned(in_city_a):
    cards = [make_card() for _ in range(3)]
    make_card(box="K-010")  # already at position 1
    result = storage_check_in(box="BOX-K-010", serials=[f"CARD-{cards[2].serial}", cards[0].serial,
                                                         cards[1].serial.lower()], actor=STAFF, shelf="棚A")
    assert [card.pk for card in result.stored] == [cards[2].pk, cards[0].pk, cards[1].pk]
    contents = box_contents("k-010")
    assert [card.position for card in contents.cards] == [1, 2, 3, 4]
    assert [card.pk for card in contents.cards][1:] == [cards[2].pk, cards[0].pk, cards[1].pk]
    assert contents.box.shelf == "棚A" and all(card.status == CardStatus.STORED for card in contents.cards)
    assert contents.label_code == "BOX-K-010"
    assert AuditEntry.objects.filter(action="card.store").count() == 3


def test_check_in_is_all_or_nothing(in_city_a):
    card = make_card()
    with pytest.raises(StorageError) as refused:
        storage_check_in(box="K-011", serials=[card.serial, "NOSUCHCARD", card.serial], actor=STAFF)
    messages = refused.value.errors["serials"]
    assert len(messages) == 2 and any("NOSUCHCARD" in message for message in messages)
    card.refresh_from_db()
    assert card.box is None and not StorageBox.objects.filter(code="K-011", cards__isnull=False).exists()
    with pytest.raises(StorageError):
        storage_check_in(box="not a box!", serials=[card.serial], actor=STAFF)


def test_moving_a_card_and_a_taken_place(in_city_a):
    first, second = make_card(box="M-1"), make_card(box="M-1")
    moved = card_move(card=first, box="M-2", actor=STAFF)
    assert (moved.box.code, moved.position) == ("M-2", 1)
    with pytest.raises(StorageError):
        card_move(card=second, box="M-2", position=1, actor=STAFF)
    assert card_move(card=second, box="M-2", position=5, actor=STAFF).position == 5
    assert [card.pk for card in box_contents("M-2").cards] == [first.pk, second.pk]


def test_a_flag_is_cleared_when_the_card_is_filed_again(in_city_a):
    card = make_card(box="F-1")
    assert card_flag(card=card, flag=CardFlag.MISSING, actor=STAFF, note="not in F-1").flag == CardFlag.MISSING
    storage_check_in(box="F-1", serials=[card.serial], actor=STAFF)
    card.refresh_from_db()
    assert card.flag == CardFlag.NONE and card.position == 1


def test_a_scan_opens_what_it_reads(in_city_a):
    card = make_card(notice=NoticeFactory(number="XYZ123456"), box="S-1")
    assert scan_resolve("BOX-S-1").box == card.box
    assert scan_resolve(f"CARD-{card.serial}").card == card
    assert scan_resolve(card.serial).card == card
    by_notice = scan_resolve("ＸＹＺ－１２３４５６")  # as printed, typed by a full-width wedge
    assert by_notice.kind == "notice" and by_notice.card == card
    assert scan_resolve("BOX-NOPE").kind == "" and scan_resolve("nothing").kind == ""


def test_code128_labels_are_svg_of_ascii():
    svg = barcodes.box_label_svg("K-001")
    assert svg.startswith("<svg") and "BOX-K-001" in svg and "<?xml" not in svg
    assert barcodes.read_label(" box-k-001 ") == ("box", "K-001")
    assert barcodes.read_label("ＣＡＲＤ－SN1") == ("card", "SN1")
    assert barcodes.read_label("ABC123456") is None
    with pytest.raises(ValueError):
        barcodes.code128_svg("箱")


def test_characters_the_font_lacks_are_marked_not_dropped():
    if glyphs._covered() is None:
        pytest.skip("IPA fonts are not installed")
    name = "𠮷田\ue000子<b>"
    assert glyphs.missing_glyphs(name) == ["𠮷", "\ue000"]
    html = glyphs.with_fallback(name)
    assert "U+20BB7" in html and "U+E000" in html and "田" in html and "&lt;b&gt;" in html
    assert glyphs.with_fallback("髙橋") == "髙橋"
