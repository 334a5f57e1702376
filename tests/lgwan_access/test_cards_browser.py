"""The card counter in a real Chromium, as a clerk with a keyboard-wedge reader works (DATA-3, DATA-4, OPS-2):
check-in by scanning a box label then the cards, the pull list and its PDF (rendered to PNG in the
test artefacts), pulling by scan, and a handover by scanning the notice in the console's scan field.

A keyboard-wedge reader types the characters fast, then Enter: `keyboard.type(..., delay=5)` + Enter."""
from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from booking.models import (
    Card,
    CardStatus,
    Notice,
    NoticeStatus,
    Place,
    Reservation,
    StorageBox,
)
from booking.services.reservations import reservation_book
from tenants.models import Membership, Municipality, Role, User
from tests.booking.factories import STAFF, make_slot, open_weekday, remove_notices
from tests.browser_support import DEVICES
from tests.lgwan_access.auth import browser_staff_login, staff_device
from tests.tenants.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEVICE_KEYS: dict[str, bytes] = {}
USERNAME = "browser-cards-clerk"
NUMBERS = ["PWB000001", "PWB000002", "PWB000003"]
BOX = "PW-1"
FETCH_AS_BASE64 = """async (url) => {
  const response = await fetch(url, {credentials: "same-origin"});
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = "";
  for (let index = 0; index < bytes.length; index += 1) binary += String.fromCharCode(bytes[index]);
  return {type: response.headers.get("content-type"), body: btoa(binary)};
}"""


def wedge(page, code: str) -> None:
    """What a keyboard-wedge reader does: the characters, a few milliseconds apart, then Enter."""
    page.keyboard.type(code, delay=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture
def counter_day(django_db_setup, django_db_blocker):
    """Committed: a clerk of alpha; three notices with cards not yet filed; two booked at kita on one day."""
    with django_db_blocker.unblock():
        alpha = Municipality.objects.get(schema_name="alpha")
        clerk = User.objects.create_user(username=USERNAME, password=TEST_PASSWORD)
        Membership.objects.create(user=clerk, municipality=alpha, role=Role.STAFF)
        DEVICE_KEYS[clerk.username] = staff_device(clerk).bin_key
        with tenant_context(alpha):
            place = Place.objects.get(code="kita")
            ward = place.default_for_wards.first()
            day = open_weekday(skip=7)
            notices, cards, bookings = [], [], []
            for index, number in enumerate(NUMBERS, start=1):
                notice = Notice.objects.create(number=number, birth_day=7, ward=ward, default_place=place,
                                               mailed_on=dt.date(2026, 11, 1))
                notices.append(notice)
                cards.append(Card.objects.create(
                    notice=notice, serial=f"PWSN{index:06d}", name_kanji="𠮷田　花子" if index == 1 else "山田　太郎",
                    name_kana="ヨシダ ハナコ" if index == 1 else "ヤマダ タロウ", birth_date=dt.date(1985, 5, 7),
                    batch="B-PW", status=CardStatus.RECEIVED))
            slots = [make_slot(place, day, dt.time(16, 40)), make_slot(place, day, dt.time(16, 10))]
            for notice, slot in zip(notices[:2], slots, strict=True):
                bookings.append(reservation_book(notice=notice, slot=slot, actor=STAFF).reservation)
        try:
            yield {"city": alpha, "day": day, "cards": cards, "bookings": bookings, "notices": notices}
        finally:
            with tenant_context(alpha):
                remove_notices(NUMBERS)
                StorageBox.objects.filter(code=BOX).delete()
            User.objects.filter(pk=clerk.pk).delete()


def test_check_in_pull_list_and_handover_by_scanning(browser, live_port, counter_day, artifacts,
                                                      django_db_blocker):
    base = f"http://alpha.localhost:{live_port}"
    day = counter_day["day"]
    cards = counter_day["cards"]
    bookings = counter_day["bookings"]
    context = browser.new_context(locale="ja-JP", **DEVICES["desktop"])
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        browser_staff_login(page, base, USERNAME, TEST_PASSWORD, DEVICE_KEYS[USERNAME], "/staff/")

        # Check-in: the box label in the console's scan field, then each card into the focused field.
        page.get_by_label("スキャン", exact=True).focus()
        wedge(page, f"BOX-{BOX}")
        page.wait_for_url(f"{base}/staff/cards/check-in/?box={BOX}")
        for card in [cards[1], cards[0]]:  # the second card goes in first
            assert page.evaluate("document.activeElement.id") == "check-in-card"
            wedge(page, f"CARD-{card.serial}")
            assert f"{card.serial} を箱 {BOX} の" in page.locator(".messages").inner_text()
        wedge(page, "PWSN999999")  # not a card of this city: flagged, the sequence goes on
        assert "PWSN999999" in page.locator(".messages").inner_text()
        wedge(page, cards[2].serial)
        rows = page.get_by_test_id("box-contents").locator("tbody tr")
        assert [rows.nth(index).locator("td").nth(1).inner_text() for index in range(3)] == [
            cards[1].serial, cards[0].serial, cards[2].serial]
        assert rows.nth(2).locator("td").first.inner_text() == "3"
        page.screenshot(path=str(artifacts / "cards-1-check-in.png"), full_page=True)

        # Pull list for the day: box order (cards[1] at position 1 first), then the PDF to PNG.
        page.goto(f"{base}/staff/pull-list/?day={day.isoformat()}&place=kita")
        lines = page.get_by_test_id("pull-list").locator("tbody tr")
        assert [lines.nth(index).get_attribute("data-code") for index in range(2)] == [
            bookings[1].code, bookings[0].code]
        assert lines.nth(0).locator("svg").count() == 1
        href = page.get_by_test_id("pull-list-pdf").get_attribute("href")
        fetched = page.evaluate(FETCH_AS_BASE64, href)  # the browser's own request, with its session
        assert fetched["type"] == "application/pdf"
        pdf = base64.b64decode(fetched["body"])
        folder = Path(settings.MADOGUCHI_TEST_ARTIFACTS) / "pdf"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pull-list.pdf").write_bytes(pdf)
        png = render_first_page(pdf, folder / "pull-list-page-1.png")
        assert png.stat().st_size > 10_000

        # Pull one card by scanning its line's barcode, the other with "all".
        assert page.evaluate("document.activeElement.id") == "pull-scan"
        wedge(page, f"CARD-{cards[1].serial}")
        assert "引抜きました" in page.locator(".messages").inner_text()
        assert "引抜済" in page.locator(f'tr[data-code="{bookings[1].code}"] [data-testid="line-state"]').inner_text()
        page.get_by_role("button", name="すべて引抜済にする").click()
        page.wait_for_load_state()
        page.screenshot(path=str(artifacts / "cards-2-pull-list.png"), full_page=True)

        # Handover: the notice as printed, scanned into the console's scan field.
        page.get_by_label("スキャン", exact=True).focus()
        wedge(page, "PWB-000001")
        page.wait_for_url("**/staff/handover/?code=PWB000001")
        handover = page.get_by_test_id("handover")
        assert bookings[0].code in handover.get_by_test_id("booking").inner_text()
        assert BOX in handover.get_by_test_id("location").inner_text()
        page.get_by_role("button", name="交付する").click()  # without the checks: refused
        page.wait_for_load_state()
        assert "本人確認" in page.locator(".messages").inner_text()
        for checkbox in page.get_by_test_id("handover-confirm").locator('input[type="checkbox"]').all():
            checkbox.check()
        page.screenshot(path=str(artifacts / "cards-3-handover.png"), full_page=True)
        page.get_by_role("button", name="交付する").click()
        page.wait_for_load_state()
        assert "PWB000001 のカードを交付しました" in page.locator(".messages").inner_text()
    finally:
        context.close()
    with django_db_blocker.unblock(), tenant_context(counter_day["city"]):
        assert Notice.objects.get(number="PWB000001").status == NoticeStatus.HANDED_OVER
        assert Reservation.objects.get(pk=bookings[0].pk).status == "completed"
        assert Card.objects.get(serial=cards[0].serial).status == CardStatus.HANDED_OVER
        assert Notice.objects.get(number="PWB000002").status == NoticeStatus.PULLED


def render_first_page(pdf: bytes, path: Path) -> Path:
    """The PDF's first page as a PNG at 100 dpi (pdfium from a wheel: no system binary)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297  # A4 portrait
        page.render(scale=100 / 72).to_pil().save(path)
    finally:
        document.close()
    return path
