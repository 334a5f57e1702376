"""The platform console's onboarding in a real Chromium: several invalid fields at once, each error
beside its field; then the new city's go-live checklist (PLT-1).

It lives beside the citizen site's browser tests to share their one Chromium (a second Playwright
in the same session is refused); the platform console's other tests are in tests/platform_console/."""
from __future__ import annotations

import pytest

from tenants.models import Municipality, User
from tests.booking.web.conftest import DEVICES
from tests.tenants.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def platform_admin_committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        admin = User.objects.create_user(username="browser-platform-admin", password=TEST_PASSWORD,
                                         is_platform_admin=True)
        try:
            yield admin
        finally:
            city = Municipality.objects.filter(schema_name="browsercity").first()
            if city is not None:
                city.delete(force_drop=True)
            User.objects.filter(username__in=["browser-platform-admin", "browsercity-admin"]).delete()


def error_of(page, field: str):
    """The error list inside the field's own block (Django's as_div: label, errors, input)."""
    return page.locator(f"div:has(> #id_{field}) .errorlist")


def test_onboarding_errors_by_field_then_the_checklist(browser, live_port, platform_admin_committed, artifacts):
    base = f"http://localhost:{live_port}"
    context = browser.new_context(locale="ja-JP", **DEVICES["desktop"])
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        page.goto(f"{base}/platform/onboard/")
        page.get_by_label("ユーザー名").fill("browser-platform-admin")
        page.get_by_label("パスワード").fill(TEST_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(f"{base}/platform/onboard/")

        page.fill("#id_slug", "browsercity")
        page.fill("#id_name", "試験市")
        page.fill("#id_domains", "not a domain!!")
        page.fill("#id_primary_colour", "blue")
        page.fill("#id_opens_at", "17:00")
        page.fill("#id_closes_at", "09:00")
        page.fill("#id_wards", "chuo")
        page.fill("#id_admin_username", "browsercity-admin")
        page.fill("#id_admin_email", "nobody")
        page.get_by_role("button", name="登録", exact=True).click()
        page.wait_for_selector("#error-summary")
        page.screenshot(path=str(artifacts / "platform-onboarding-errors.png"), full_page=True)

        assert error_of(page, "domains").locator("li").count() == 3  # "not", "a", "domain!!"
        for field in ("primary_colour", "closes_at", "wards", "admin_email"):
            assert error_of(page, field).count() == 1, field
        for field in ("slug", "name", "accent_colour", "admin_username"):
            assert error_of(page, field).count() == 0, field
        summary = page.locator("#error-summary")
        assert summary.locator("a[href='#id_primary_colour']").count() == 1
        assert "blue" not in summary.inner_text()  # the message is by its field, not repeated at the top
        assert not Municipality.objects.filter(schema_name="browsercity").exists()

        page.fill("#id_domains", "browsercity.localhost")
        page.fill("#id_primary_colour", "#004400")
        page.fill("#id_closes_at", "17:30")
        page.fill("#id_opens_at", "08:30")
        page.fill("#id_wards", "chuo, 中央区")
        page.fill("#id_admin_email", "admin@browsercity.example.org")
        page.get_by_role("button", name="登録", exact=True).click()
        page.wait_for_selector("[data-checklist]")
        page.screenshot(path=str(artifacts / "platform-onboarding-checklist.png"), full_page=True)
        items = page.locator("[data-checklist] li")
        assert items.count() == 5
        assert page.locator("[data-item='calendars']").get_attribute("data-done") == "yes"
        for key in ("staff_admin_2fa", "notices", "toll_free", "test_booking"):
            assert page.locator(f"[data-item='{key}']").get_attribute("data-done") == "no", key

        page.click("text=市のページを開く")
        page.wait_for_selector("#checklist [data-checklist]")
        assert page.locator("#checklist [data-item='calendars']").get_attribute("data-done") == "yes"

        # the branding preview follows the colour input before anything is saved
        page.fill("#id_primary_colour", "#aa3300")
        frame = page.frame_locator("#preview")
        frame.locator("[data-preview-colours^='#aa3300']").wait_for()
        page.screenshot(path=str(artifacts / "platform-city-page.png"), full_page=True)
        assert Municipality.objects.get(schema_name="browsercity").primary_colour == "#004400"
    finally:
        context.close()
