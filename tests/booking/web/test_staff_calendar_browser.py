"""The staff console's calendar in a real Chromium: a change previewed then saved, and a change refused
because it would leave a booking without a seat (OPS-1, OPS-4).

It lives beside the citizen site's browser tests to share their one Chromium (a second Playwright
in the same session is refused); the console's other tests are in tests/lgwan_access/."""
from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from booking.clock import at, city_today, local
from booking.models import AuditEntry, Notice, OpeningRule, Place, Reservation, Slot
from booking.services.calendars import is_closed_by_default, weekly_hours_set
from booking.services.reservations import reservation_book
from tenants.models import Membership, Municipality, Role, User
from tests.booking.factories import STAFF
from tests.booking.web.conftest import DEVICES
from tests.tenants.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NUMBER = "CAL000001"


def next_open(weekday: int) -> dt.date:
    day = city_today() + dt.timedelta(days=3)
    while day.weekday() != weekday or is_closed_by_default(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def calendar(django_db_setup, django_db_blocker):
    """Committed: a clerk of alpha, a place open weekdays 9–12, a booking at 11:30 on an open Wednesday."""
    with django_db_blocker.unblock():
        alpha = Municipality.objects.get(schema_name="alpha")
        clerk = User.objects.create_user(username="browser-calendar-clerk", password=TEST_PASSWORD)
        Membership.objects.create(user=clerk, municipality=alpha, role=Role.STAFF)
        with tenant_context(alpha):
            ward = Place.objects.get(code="kita").default_for_wards.first()
            place = Place.objects.create(code="browser-cal", name="ブラウザ試験窓口")
            weekly_hours_set(place=place, weekdays=[0, 1, 2, 3, 4], opens_at=dt.time(9, 0),
                             closes_at=dt.time(12, 0), slot_minutes=30, capacity=2)
            wednesday = next_open(2)
            notice = Notice.objects.create(number=NUMBER, birth_day=3, ward=ward, default_place=place)
            late = Slot.objects.get(place=place, starts_at=at(wednesday, dt.time(11, 30)))
            reservation_book(notice=notice, slot=late, actor=STAFF)
        try:
            yield place, wednesday
        finally:
            with tenant_context(alpha):
                AuditEntry.objects.filter(notice__number=NUMBER).delete()
                AuditEntry.objects.filter(action="calendar.change", changes__place="browser-cal").delete()
                Reservation.objects.filter(notice__number=NUMBER).delete()
                Notice.objects.filter(number=NUMBER).delete()
                Slot.objects.filter(place__code="browser-cal").delete()
                Place.objects.filter(code="browser-cal").delete()
            User.objects.filter(pk=clerk.pk).delete()


def test_calendar_change_with_preview_and_a_refused_conflicting_change(browser, live_port, calendar, artifacts):
    place, wednesday = calendar
    base = f"http://alpha.localhost:{live_port}"
    context = browser.new_context(locale="ja-JP", **DEVICES["desktop"])
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        page.goto(f"{base}/accounts/login/?next=/staff/calendars/{place.pk}/")
        page.get_by_label("ユーザー名").fill("browser-calendar-clerk")
        page.get_by_label("パスワード").fill(TEST_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(f"{base}/staff/calendars/{place.pk}/")

        # a Saturday window: previewed first, nothing saved until confirmed
        form = page.get_by_test_id("rule-form")
        form.locator("select[name=weekday]").select_option("5")
        form.locator("input[name=opens_at]").fill("09:00")
        form.locator("input[name=closes_at]").fill("10:00")
        form.locator("select[name=slot_minutes]").select_option("20")
        form.locator("input[name=capacity]").fill("2")
        form.locator("button[value=preview]").click()
        preview = page.get_by_test_id("preview")
        assert "09:00–09:20" in preview.inner_text() and "09:40–10:00" in preview.inner_text()
        page.screenshot(path=str(artifacts / "staff-calendar-preview.png"), full_page=True)
        with tenant_context(Municipality.objects.get(schema_name="alpha")):
            assert not OpeningRule.objects.filter(place=place, weekday=5).exists()
        page.locator("button[value=confirm]").click()
        page.wait_for_url(f"{base}/staff/calendars/{place.pk}/")
        assert "09:00–10:00" in page.get_by_test_id("rules").inner_text()
        with tenant_context(Municipality.objects.get(schema_name="alpha")):
            assert OpeningRule.objects.filter(place=place, weekday=5, slot_minutes=20).exists()

        # closing Wednesdays at 11:00 would leave the 11:30 booking without a seat: refused, the booking named
        row = page.get_by_test_id("rules").locator("tr", has_text="水曜日")
        row.locator("summary").click()
        row.locator("input[name=closes_at]").fill("11:00")
        row.locator("form", has=page.locator("input[value=rule_save]")).locator("button[value=preview]").click()
        refusal = page.get_by_test_id("refusal")
        assert NUMBER in refusal.inner_text()
        assert f"{local(at(wednesday, dt.time(11, 30))):%Y-%m-%d} 11:30" in refusal.inner_text()
        assert page.locator("button[value=confirm]").count() == 0
        page.screenshot(path=str(artifacts / "staff-calendar-refused.png"), full_page=True)
    finally:
        context.close()
    with tenant_context(Municipality.objects.get(schema_name="alpha")):
        assert OpeningRule.objects.get(place=place, weekday=2).closes_at == dt.time(12, 0)
        assert Reservation.objects.get(notice__number=NUMBER).status == "active"
