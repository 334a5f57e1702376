"""A new staff user's first login in a real Chromium: password, TOTP enrolment, backup codes, the console (SYS-5).

It lives beside the citizen site's browser tests to share their one Chromium (a second Playwright
in the same session is refused); the staff surface's other tests are in tests/lgwan_access/.
The code is computed from the secret shown on the page, as an authenticator app would.
"""
from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Membership, Municipality, Role, User
from tests.booking.web.conftest import DEVICES
from tests.tenants.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
USERNAME = "browser-new-clerk"


@pytest.fixture
def new_clerk(django_db_setup, django_db_blocker):
    """Committed: a staff user of alpha who never logged in (no second factor yet)."""
    with django_db_blocker.unblock():
        user = User.objects.create_user(username=USERNAME, password=TEST_PASSWORD)
        Membership.objects.create(user=user, municipality=Municipality.objects.get(schema_name="alpha"),
                                  role=Role.STAFF)
        try:
            yield user
        finally:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            User.objects.filter(pk=user.pk).delete()


def test_first_login_enrols_the_second_factor(browser, live_port, new_clerk, artifacts):
    base = f"http://alpha.localhost:{live_port}"
    context = browser.new_context(locale="ja-JP", **DEVICES["desktop"])
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        page.goto(f"{base}/staff/")
        page.get_by_label("ユーザー名").fill(USERNAME)
        page.get_by_label("パスワード").fill(TEST_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(re.compile(r".*/staff/second-factor/enrol/.*"))
        assert page.get_by_role("heading", level=1).inner_text() == "二要素認証の設定"
        assert page.locator("figure.totp-qr svg").count() == 1  # drawn on the server
        page.screenshot(path=str(artifacts / "staff-second-factor-enrol.png"), full_page=True)

        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.get_by_label("アプリのコード").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="確認").click()
        page.wait_for_url(f"{base}/staff/second-factor/backup-codes/")
        codes = page.locator("#backup-codes code").all_inner_texts()
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)

        page.get_by_role("link", name="職員用画面へ進む").click()
        page.wait_for_url(f"{base}/staff/")
        assert "北区役所" in page.content()
        page.screenshot(path=str(artifacts / "staff-console-after-enrolment.png"), full_page=True)
    finally:
        context.close()
    assert TOTPDevice.objects.get(user=new_clerk).confirmed
