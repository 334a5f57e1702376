"""Suspended cities, languages, branding and security headers of every site."""
from __future__ import annotations

import pytest

from tenants.models import Municipality
from tenants.services.status import municipality_set_status

pytestmark = pytest.mark.django_db


def test_citizen_site_shows_the_city_name_in_japanese_by_default(client_a):
    response = client_a.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ja">' in page and "青葉市" in page
    assert "北区役所" in page


def test_suspended_city_answers_with_a_clear_page_everywhere(client_a, city_a, staff_a):
    municipality_set_status(municipality=city_a, status=Municipality.Status.SUSPENDED, reason="contract ended")
    for path in ("/", "/staff/", "/accounts/login/"):
        response = client_a.get(path)
        assert response.status_code == 503
        page = response.content.decode()
        assert "青葉市" in page and "0120-111-111" in page
        assert "contract ended" in page  # citizens are told why
    municipality_set_status(municipality=city_a, status=Municipality.Status.ACTIVE)
    assert client_a.get("/").status_code == 200


def test_suspending_one_city_leaves_the_other_open(client_b, city_a):
    municipality_set_status(municipality=city_a, status=Municipality.Status.SUSPENDED)
    assert client_b.get("/").status_code == 200


def test_platform_admin_suspends_and_reactivates_from_the_console(platform_client, platform_admin, city_a, client_a):
    platform_client.force_login(platform_admin)
    platform_client.post("/platform/cities/alpha/status/", {"status": "suspended", "reason": "unpaid"})
    assert client_a.get("/").status_code == 503
    platform_client.post("/platform/cities/alpha/status/", {"status": "active"})
    assert client_a.get("/").status_code == 503  # no reason, no change
    platform_client.post("/platform/cities/alpha/status/", {"status": "active", "reason": "paid"})
    assert client_a.get("/").status_code == 200


def test_language_switcher_offers_and_applies_the_citys_languages(client_a):
    page = client_a.get("/").content.decode()
    for label in ("日本語", "English", "한국어"):
        assert label in page
    assert "Español" not in page  # not enabled in this city
    response = client_a.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "Aoba City" in response.content.decode()


def test_a_language_the_city_did_not_enable_falls_back_to_japanese(client_b):
    response = client_b.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ja">' in response.content.decode()
    client_b.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert '<html lang="ja">' in client_b.get("/").content.decode()


def test_branding_stylesheet_carries_the_citys_colours_with_readable_text(client_a, city_a):
    city_a.primary_colour = "#ffdd00"
    city_a.save(update_fields=["primary_colour"])
    css = client_a.get("/branding.css").content.decode()
    assert "--brand:#ffdd00" in css and "--on-brand:#000000" in css


def test_pages_carry_security_headers(client_a):
    response = client_a.get("/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_password_change_page_works_for_staff(client_a, staff_a):
    from tests.lgwan_access.auth import verified_login
    from tests.tenants.factories import TEST_PASSWORD

    verified_login(client_a, staff_a)  # staff change it after the second factor
    response = client_a.post("/accounts/password/", {
        "old_password": TEST_PASSWORD,
        "new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9",
    })
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.check_password("a-new-long-passphrase-9")
    assert staff_a.password.startswith("argon2")


def test_logout_ends_the_session(client_a, staff_a):
    client_a.force_login(staff_a)
    client_a.post("/accounts/logout/")
    assert client_a.get("/staff/").status_code == 302
