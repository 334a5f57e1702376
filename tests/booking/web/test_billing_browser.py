"""A city's staff_admin downloads the month's statement in a real Chromium; its PDF, rendered to PNG, goes to
the test artefacts (PLT-3). It lives beside the citizen site's browser tests to share their one Chromium
(a second Playwright in the same session is refused); billing's other tests are in tests/billing/."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing.models import InvoiceSequence, Plan, Statement, StatementLine, UsageKind, UsageRecord
from billing.services.statements import statement_draft, statement_issue
from billing.services.usage import UsageEvent, usage_events_record
from tenants.models import Membership, Municipality, Role, User
from tests.booking.web.conftest import DEVICES
from tests.lgwan_access.auth import browser_staff_login, staff_device
from tests.tenants.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MONTH = dt.date(2025, 1, 1)
TOKYO = dt.timezone(dt.timedelta(hours=9))


DEVICE_KEYS: dict[str, bytes] = {}


@pytest.fixture
def issued_statement(django_db_setup, django_db_blocker):
    """Committed: a staff_admin of alpha and alpha's issued statement of January 2025."""
    with django_db_blocker.unblock():
        alpha = Municipality.objects.get(schema_name="alpha")
        admin = User.objects.create_user(username="browser-billing-admin", password=TEST_PASSWORD)
        Membership.objects.create(user=admin, municipality=alpha, role=Role.STAFF_ADMIN)
        DEVICE_KEYS[admin.username] = staff_device(admin).bin_key
        Plan.objects.create(municipality=alpha, effective_from=MONTH, base_fee_yen=50000,
                            per_booking_yen=Decimal("120"), booking_tiers=[{"up_to": 1000, "yen": "120"},
                                                                           {"up_to": None, "yen": "95.5"}],
                            per_call_minute_yen=Decimal("18.5"), per_ivr_session_yen=Decimal("12"))
        moment = dt.datetime(2025, 1, 15, 10, tzinfo=TOKYO)
        usage_events_record(municipality=alpha, events=[
            *[UsageEvent(UsageKind.BOOKING, f"reservation:browser{n}", moment) for n in range(1234)],
            UsageEvent(UsageKind.CALL_MINUTES, "call:browser:1", moment, 2345),
            *[UsageEvent(UsageKind.IVR_SESSION, f"call:browser:{n}", moment) for n in range(321)]])
        statement = statement_issue(statement=statement_draft(municipality=alpha, month=MONTH), actor=admin)
        platform_admin = User.objects.create_user(username="browser-billing-platform", password=TEST_PASSWORD,
                                                  is_platform_admin=True)
        try:
            yield statement
        finally:
            with transaction.atomic():
                with connection.cursor() as cursor:  # issued statements are frozen by triggers: off for the cleanup
                    cursor.execute("SET LOCAL session_replication_role = replica")
                StatementLine.objects.filter(statement__municipality=alpha, statement__month=MONTH).delete()
                Statement.objects.filter(municipality=alpha, month=MONTH).delete()
                InvoiceSequence.objects.filter(series="MDG").delete()
            UsageRecord.objects.filter(municipality=alpha, month=MONTH).delete()
            Plan.objects.filter(municipality=alpha, effective_from=MONTH).delete()
            User.objects.filter(pk__in=[admin.pk, platform_admin.pk]).delete()


def test_staff_admin_downloads_the_statement_pdf(browser, live_port, issued_statement, artifacts, tmp_path):
    import pypdfium2

    base = f"http://alpha.localhost:{live_port}"
    context = browser.new_context(locale="ja-JP", accept_downloads=True, **DEVICES["desktop"])
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        browser_staff_login(page, base, "browser-billing-admin", TEST_PASSWORD, DEVICE_KEYS["browser-billing-admin"],
                            "/staff/billing/")
        row = page.locator("tr", has_text=issued_statement.number)
        assert "2025-01" in row.inner_text()
        page.screenshot(path=str(artifacts / "billing-staff-statements.png"), full_page=True)
        with page.expect_download() as download_info:
            row.get_by_role("link", name="PDF").click()
        path = tmp_path / "statement.pdf"
        download_info.value.save_as(path)
    finally:
        context.close()

    pdf = pypdfium2.PdfDocument(str(path))
    text = "".join(pdf[0].get_textpage().get_text_range().split())  # the title is letter-spaced
    for expected in ("請求書", issued_statement.number, "T1234567890123", "青葉市", "令和7年1月",
                     "¥263,539", "10%"):
        assert expected in text, expected
    image = pdf[0].render(scale=2).to_pil()
    image.save(artifacts / "billing-statement-pdf.png")
    pdf.close()
    assert image.size[0] > 1000 and image.convert("L").getextrema()[0] < 50  # a page with dark print on it


def test_platform_admin_sees_the_city_and_the_statement(browser, live_port, issued_statement, artifacts):
    base = f"http://localhost:{live_port}"
    context = browser.new_context(locale="ja-JP", **DEVICES["desktop"])
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        page.goto(f"{base}/platform/billing/cities/alpha/?month=2025-01")
        page.get_by_label("ユーザー名").fill("browser-billing-platform")
        page.get_by_label("パスワード").fill(TEST_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(f"{base}/platform/billing/cities/alpha/?month=2025-01")
        assert "1234" in page.locator("dl.summary").first.inner_text()  # the month's bookings
        page.screenshot(path=str(artifacts / "billing-platform-city.png"), full_page=True)
        page.get_by_role("link", name=issued_statement.number).click()
        assert "赤伝を発行" in page.content()
        page.screenshot(path=str(artifacts / "billing-platform-statement.png"), full_page=True)
    finally:
        context.close()
