"""The operator console in a real Chromium at 1280 px: screen pop, notice lookup, a booking for the
caller, switching city (CC-3, CC-4, CC-12).

It lives beside the citizen site's browser tests to share their one Chromium (a second Playwright
in the same session is refused); the call centre's other tests are in tests/telephony_adapter/."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.models import Notice, Reservation, Ward
from telephony_adapter.models import CallRecord
from telephony_adapter.routing.models import CallRoute, OperatorPresence
from telephony_adapter.services.calls import call_record_open
from telephony_adapter.services.distribution import call_enqueue, route_open
from tenants.models import Membership, Municipality, Role, User
from tests.booking.factories import remove_notices
from tests.booking.web.conftest import DEVICES
from tests.tenants.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NUMBER = "OPC000001"
CALL_ID = "CAbrowser0000000000000000000000001"


@pytest.fixture
def ringing(django_db_setup, django_db_blocker):
    """Committed: an operator of alpha and beta, a notice in alpha, and an English call ringing at the operator."""
    with django_db_blocker.unblock():
        alpha = Municipality.objects.get(schema_name="alpha")
        beta = Municipality.objects.get(schema_name="beta")
        operator = User.objects.create_user(username="browser-operator", password=TEST_PASSWORD,
                                            language_skills=["ja", "en"])
        for city in (alpha, beta):
            Membership.objects.create(user=operator, municipality=city, role=Role.OPERATOR)
        now = timezone.now()
        OperatorPresence.objects.create(user=operator, status="available", since=now - dt.timedelta(minutes=3))
        route = route_open(provider="twilio", call_id=CALL_ID, municipality=alpha, language="en",
                           now=now - dt.timedelta(seconds=40))
        with tenant_context(alpha):
            ward = Ward.objects.get(code="kita")
            Notice.objects.create(number=NUMBER, birth_day=3, ward=ward, default_place=ward.default_places.first())
            call = call_record_open(provider="twilio", call_id=CALL_ID, caller="+819077778888",
                                    dialled="+81120111111", in_hours=True, now=now - dt.timedelta(seconds=40))
            CallRecord.objects.filter(pk=call.pk).update(language="en", enqueued_at=now - dt.timedelta(seconds=25))
        route = call_enqueue(route=route, now=now - dt.timedelta(seconds=25))
        assert route.operator_id == operator.pk
        try:
            yield operator
        finally:
            with tenant_context(alpha):
                CallRecord.objects.filter(call_id=CALL_ID).delete()
                remove_notices([NUMBER])
            CallRoute.objects.filter(call_id=CALL_ID).delete()
            User.objects.filter(pk=operator.pk).delete()


def test_operator_console_at_desk_width(browser, live_port, ringing, artifacts):
    base = f"http://localhost:{live_port}"
    context = browser.new_context(locale="ja-JP", **DEVICES["desktop"])
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        page.goto(f"{base}/operator/")
        page.get_by_label("ユーザー名").fill("browser-operator")
        page.get_by_label("パスワード").fill(TEST_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(f"{base}/operator/")

        pop = page.get_by_test_id("screen-pop")
        assert "着信" in pop.inner_text()
        assert pop.locator('[data-field="city"]').inner_text() == "青葉市"
        assert pop.locator('[data-field="language"]').inner_text() == "English"
        assert pop.locator('[data-field="caller"]').inner_text() == "+819077778888"
        assert "秒" in pop.locator('[data-field="waited"]').inner_text()
        page.screenshot(path=str(artifacts / "operator-1280-screen-pop.png"), full_page=True)
        pop.get_by_role("button", name="応答する").click()
        assert "通話中" in page.get_by_test_id("screen-pop").inner_text()

        page.get_by_role("link", name="青葉市の画面を開く").click()
        page.get_by_label("交付通知書番号（聞き取り、またはスキャン）").fill("opc-000001")
        page.get_by_role("button", name="交付通知書を検索").click()
        assert NUMBER in page.get_by_test_id("notice").inner_text()
        page.locator(".free-slots button").first.click()
        script = page.get_by_test_id("script")
        assert "Your booking is on" in script.inner_text()  # read to the caller in English
        assert "予約を受け付けました。" in page.locator(".messages").inner_text()
        page.screenshot(path=str(artifacts / "operator-1280-booked.png"), full_page=True)

        page.get_by_role("navigation", name="オペレーター画面").get_by_role("link", name="白浜市").click()
        page.wait_for_url(f"{base}/operator/city/beta/")
        assert page.get_by_role("heading", level=1).inner_text() == "白浜市"
        assert page.locator('.console-nav a[aria-current="page"]').inner_text() == "白浜市"
    finally:
        context.close()
    with tenant_context(Municipality.objects.get(schema_name="alpha")):
        reservation = Reservation.objects.get(notice__number=NUMBER, status="active")
        assert reservation.channel == "phone" and reservation.language == "en"
