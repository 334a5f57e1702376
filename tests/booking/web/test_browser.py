"""The citizen site in a real Chromium, at phone and desktop sizes (WEB-2…8, WEB-11, WEB-13)."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from booking.models import (
    ClientLoginGuard,
    LoginLockEvent,
    Notice,
    NoticeLoginGuard,
    Ward,
)
from tenants.models import Municipality
from tests.booking.factories import remove_notices
from tests.booking.web.conftest import DEVICES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NUMBERS = {"phone": "BRW000001", "desktop": "BRW000002", "lock": "BRW000003"}


@pytest.fixture
def city(django_db_setup, django_db_blocker):
    """Committed notices in alpha for the browser to use; everything they caused is removed after."""
    with django_db_blocker.unblock():
        alpha = Municipality.objects.get(schema_name="alpha")
        with tenant_context(alpha):
            ward = Ward.objects.get(code="kita")
            for number in NUMBERS.values():
                Notice.objects.create(number=number, birth_day=15, ward=ward,
                                      default_place=ward.default_places.first())
            try:
                yield alpha
            finally:
                remove_notices(NUMBERS.values())
                NoticeLoginGuard.objects.filter(number__in=NUMBERS.values()).delete()
                ClientLoginGuard.objects.all().delete()
                LoginLockEvent.objects.filter(number__in=NUMBERS.values()).delete()


def new_page(browser, device):
    context = browser.new_context(locale="ja-JP", **DEVICES[device])
    context.set_default_timeout(15000)
    return context, context.new_page()


def log_in(page, base, number, day="15"):
    page.goto(f"{base}/")
    page.get_by_label("交付通知書番号").fill(number)
    page.get_by_label(re.compile("誕生日")).select_option(day)
    page.get_by_role("button", name="ログイン").click()


def choose_first_free_slot(page, skip_days=0):
    """On the calendar: the free day after `skip_days` others, on to the next month as a citizen
    would when the month shown has no more (near a month's end the first has only one or two),
    then its first free time in the day's booking form."""
    days = page.locator("td.day--available a, td.day--few a")
    while days.count() <= skip_days:
        skip_days -= days.count()
        with page.expect_navigation():
            page.locator('a[rel="next"]').click()
    days.nth(skip_days).click()
    page.locator("label.slot-option").first.click()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_book_change_and_cancel_in_the_browser(browser, live_port, city, artifacts, device):
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser, device)
    try:
        log_in(page, base, NUMBERS[device])
        page.wait_for_url(f"{base}/booking/places/kita/")  # no booking yet: straight to the calendar
        page.screenshot(path=artifacts / f"{device}-1-calendar.png", full_page=True)
        choose_first_free_slot(page)
        page.get_by_label(re.compile("メールアドレス")).fill("citizen@example.jp")
        page.screenshot(path=artifacts / f"{device}-2-confirm.png", full_page=True)
        page.get_by_role("button", name="この日時で予約する").click()
        page.wait_for_url(f"{base}/booking/")
        code = page.locator(".booking-code").inner_text()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        page.screenshot(path=artifacts / f"{device}-3-booked.png", full_page=True)
        assert any(code in message.subject for message in mail.outbox)

        page.get_by_role("link", name="日時を変更する").click()
        choose_first_free_slot(page, skip_days=1)
        page.get_by_role("button", name="この日時に変更する").click()
        page.wait_for_url(f"{base}/booking/")
        assert "予約を変更しました" in page.locator(".messages").inner_text()
        assert any("変更" in message.subject for message in mail.outbox)

        page.get_by_role("link", name="予約を取り消す").click()
        page.get_by_role("button", name=re.compile("取り消す")).click()
        page.wait_for_url(f"{base}/booking/")
        page.screenshot(path=artifacts / f"{device}-4-cancelled.png", full_page=True)
        assert page.get_by_role("link", name="日時を選ぶ").is_visible()
        assert any("取り消" in message.subject for message in mail.outbox)
        if device == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, "the phone layout must not scroll sideways"
    finally:
        context.close()


def test_lockout_after_three_failures_in_the_browser(browser, live_port, city, artifacts):
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser, "phone")
    try:
        for day in ("1", "2"):
            log_in(page, base, NUMBERS["lock"], day=day)
            assert page.get_by_role("alert").is_visible()
        log_in(page, base, NUMBERS["lock"], day="3")
        alert = page.get_by_role("alert").inner_text()
        assert "0120-111-111" in alert
        log_in(page, base, NUMBERS["lock"], day="15")  # the right day: still locked
        assert page.url == f"{base}/login/"
        page.screenshot(path=artifacts / "phone-5-locked.png", full_page=True)
    finally:
        context.close()


def test_the_calendar_works_with_the_keyboard(browser, live_port, city):
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser, "desktop")
    try:
        page.goto(f"{base}/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        log_in(page, base, NUMBERS["desktop"])
        page.wait_for_url(f"{base}/booking/places/kita/")
        first_day = page.locator("td.day--available a, td.day--few a").first
        first_day.focus()
        label = re.search(r'link "([^"]*)"', first_day.aria_snapshot()).group(1)
        assert "令和" in label and ("空き" in label or "残りわずか" in label)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/booking/places/kita/\d{4}-\d{2}-\d{2}/$"))
    finally:
        context.close()
