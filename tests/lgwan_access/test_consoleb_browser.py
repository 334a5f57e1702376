"""The counter, the lists and the appointment sheet in a real Chromium (OPS-6, DATA-1).

A clerk logs in, finds a notice as printed and books it at the counter; checks a day's list,
downloads it as UTF-8 with BOM and as Shift_JIS (CP932) and reads both files; the day's
appointment sheet is rendered from PDF to PNG in the test artefacts.

Playwright's sync API runs in a thread of its own here: the citizen site's browser tests keep a
Playwright open for the whole session in the main thread, and a second one is refused there.
"""
from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from booking.models import Notice, Place, Reservation, Slot
from booking.services.reservations import reservation_book
from lgwan_access.models import StaffAccessEntry
from tenants.models import Membership, Municipality, Role, User
from tests.booking.factories import STAFF, make_card, make_slot, open_weekday, remove_notices
from tests.lgwan_access.auth import browser_staff_login, staff_device
from tests.tenants.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = os.environ.get("MADOGUCHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NUMBERS = ("BRW000001", "BRW000002")
DEVICE_KEYS: dict[str, bytes] = {}
USERNAME = "browser-clerk"


@pytest.fixture
def counter_day(django_db_setup, django_db_blocker):
    """Committed: a clerk of alpha, a notice to book at the counter, and a booked notice named 𠮷田."""
    with django_db_blocker.unblock():
        alpha = Municipality.objects.get(schema_name="alpha")
        clerk = User.objects.create_user(username=USERNAME, password=TEST_PASSWORD)
        Membership.objects.create(user=clerk, municipality=alpha, role=Role.STAFF)
        DEVICE_KEYS[clerk.username] = staff_device(clerk).bin_key
        with tenant_context(alpha):
            place = Place.objects.get(code="kita")
            day = open_weekday(4)
            first, second = make_slot(place, day, dt.time(10, 0)), make_slot(place, day, dt.time(11, 0))
            ward = place.default_for_wards.first()
            Notice.objects.create(number=NUMBERS[0], birth_day=3, ward=ward, default_place=place)
            booked = Notice.objects.create(number=NUMBERS[1], birth_day=4, ward=ward, default_place=place)
            make_card(booked, name_kanji="𠮷田　一郎", name_kana="ヨシダ イチロウ")
            listed = reservation_book(notice=booked, slot=second, actor=STAFF).reservation.code
        try:
            yield {"day": day, "place": place, "slot": first, "listed": listed}
        finally:
            with tenant_context(alpha):
                remove_notices(NUMBERS)
                StaffAccessEntry.objects.filter(user_label=USERNAME).delete()
            User.objects.filter(pk=clerk.pk).delete()


def _artifacts() -> Path:
    folder = Path(settings.MADOGUCHI_TEST_ARTIFACTS) / "staff-lists"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _in_chromium(base: str, day: dt.date, place_id: int, folder: Path) -> dict:
    """The clerk's session in Chromium; returns what the page and the files showed."""
    from playwright.sync_api import sync_playwright

    seen: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(20000)
        page = context.new_page()
        try:
            browser_staff_login(page, base, USERNAME, TEST_PASSWORD, DEVICE_KEYS[USERNAME], "/staff/counter/")

            # the counter: the number as printed on the postcard, full width with a hyphen
            page.get_by_label("交付通知書番号（印字どおり）").fill("ＢＲＷ－０００００１")
            page.get_by_role("button", name="検索").click()
            seen["notice"] = page.get_by_test_id("counter-notice").inner_text()
            page.get_by_label("日付").fill(day.isoformat())
            page.get_by_role("button", name="空き時間を表示").click()
            page.get_by_label("窓口").check()
            page.get_by_role("button", name="10:00 で予約").click()
            seen["booked_message"] = page.locator(".messages").inner_text()
            seen["booking"] = page.get_by_test_id("counter-booking").inner_text()
            page.screenshot(path=str(folder / "counter-booked.png"), full_page=True)

            # the lists: the day at the place, checked, then downloaded in both encodings
            page.get_by_role("link", name="一覧・出力").click()
            filters = page.get_by_test_id("list-filters")
            filters.get_by_label("開始日").fill(day.isoformat())
            filters.locator("#id_date_to").fill(day.isoformat())
            page.locator("#id_place").select_option(str(place_id))
            page.get_by_role("button", name="表示", exact=True).click()
            seen["count"] = page.get_by_test_id("list-count").inner_text()
            seen["check"] = page.get_by_test_id("cp932-check").inner_text()
            page.screenshot(path=str(folder / "lists-checked.png"), full_page=True)
            for encoding, label in (("utf-8", "UTF-8（BOM 付き・推奨）"),
                                    ("cp932", "Shift_JIS（CP932・古い Excel 向け）")):
                page.get_by_label(label).check()
                with page.expect_download() as download:
                    page.get_by_test_id("download-csv").click()
                target = folder / f"bookings-{encoding}.csv"
                download.value.save_as(str(target))
                seen[encoding] = target.read_bytes()
                seen[f"{encoding}-name"] = download.value.suggested_filename
            page.goto(f"{base}/staff/lists/")
            seen["recent"] = page.get_by_test_id("recent-exports").inner_text()

            # the appointment sheet, with era dates, as the browser receives it
            # (fetched by the page itself: Playwright's own HTTP client does not resolve *.localhost)
            sheet = page.evaluate("""async (url) => {
                const response = await fetch(url);
                const bytes = new Uint8Array(await response.arrayBuffer());
                let binary = "";
                for (let i = 0; i < bytes.length; i += 8192) {
                    binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
                }
                return {type: response.headers.get("content-type"), body: btoa(binary)};
            }""", f"{base}/staff/lists/appointment-sheet.pdf?place={place_id}&day={day.isoformat()}&era=on")
            seen["sheet_type"] = sheet["type"]
            seen["sheet"] = base64.b64decode(sheet["body"])
        finally:
            context.close()
            browser.close()
    return seen


def test_counter_booking_csv_in_both_encodings_and_the_sheet(live_port, counter_day):
    base = f"http://alpha.localhost:{live_port}"
    folder = _artifacts()
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(_in_chromium, base, counter_day["day"], counter_day["place"].pk, folder).result()

    assert "BRW000001" in seen["notice"]
    assert "で予約しました。予約番号：" in seen["booked_message"]
    alpha = Municipality.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        booking = Reservation.objects.get(notice__number="BRW000001", status="active")
        assert booking.slot_id == counter_day["slot"].pk and booking.channel == "staff"
        assert Slot.objects.get(pk=counter_day["slot"].pk).booked >= 1
        exports = list(StaffAccessEntry.objects.filter(user_label=USERNAME, action="export").order_by("pk"))
    assert booking.code in seen["booking"]

    assert "件" in seen["count"]
    assert "𠮷 U+20BB7 ×1" in seen["check"]
    utf8, sjis = seen["utf-8"], seen["cp932"]
    assert utf8.startswith(b"\xef\xbb\xbf") and seen["utf-8-name"].endswith("-utf8.csv")
    text = utf8.decode("utf-8-sig")
    assert "𠮷田　一郎" in text and booking.code in text and counter_day["listed"] in text
    assert not sjis.startswith(b"\xef\xbb\xbf") and seen["cp932-name"].endswith("-sjis.csv")
    decoded = sjis.decode("cp932")
    assert "〓田　一郎" in decoded and "日付,開始,終了" in decoded and booking.code in decoded
    assert [entry.details["encoding"] for entry in exports] == ["utf-8", "cp932"]
    assert exports[1].details["replaced"] == 1 and exports[0].details["replaced"] == 0
    assert "1 文字を 〓 に置き換え" in seen["recent"]

    assert seen["sheet_type"] == "application/pdf" and seen["sheet"].startswith(b"%PDF")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(seen["sheet"])
    image = pdf[0].render(scale=1.5).to_pil()
    image.save(folder / "appointment-sheet.png")
    text_of_page = pdf[0].get_textpage().get_text_range()
    assert "予約者一覧表" in text_of_page and "令和" in text_of_page and counter_day["listed"] in text_of_page
    assert image.size[0] > 800 and (folder / "appointment-sheet.png").stat().st_size > 20_000
