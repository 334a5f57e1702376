"""Session management (IPA 4): new id at login, cookies kept from scripts and other sites, short lives."""
from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from booking.web.session import RESUME_SECONDS, UNTIL_KEY
from tests.security.conftest import HOST, citizen_client

pytestmark = pytest.mark.django_db


def test_logging_in_issues_a_new_session_id(notice):
    client = citizen_client()
    client.get("/")
    client.session["probe"] = 1  # a session the attacker might have planted
    session = client.session
    session["planted"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    client.post("/login/", {"notice_number": "SEC000001", "birth_day": "9"})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    planted = Client(HTTP_HOST=HOST)
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    assert planted.get("/booking/").status_code == 302  # the old id opens nothing


def test_session_cookies_are_http_only_same_site_and_short_lived(notice):
    client = citizen_client()
    client.post("/login/", {"notice_number": "SEC000001", "birth_day": "9"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # the login itself lasts 30 minutes after the last request; the session keeps what was typed
    # for an hour more so that nothing is lost when the login ends (then it is gone)
    assert settings.BOOKING_CITIZEN_SESSION_SECONDS <= 30 * 60
    assert int(cookie["max-age"]) == settings.BOOKING_CITIZEN_SESSION_SECONDS + RESUME_SECONDS <= 2 * 60 * 60
    assert abs(client.session[UNTIL_KEY] - time.time() - settings.BOOKING_CITIZEN_SESSION_SECONDS) < 30


def test_logging_out_ends_the_session_on_the_server(logged_in):
    key = logged_in.cookies[settings.SESSION_COOKIE_NAME].value
    logged_in.post("/logout/")
    replay = Client(HTTP_HOST=HOST)
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/booking/").status_code == 302


def test_the_session_id_never_appears_in_a_page_or_an_address(logged_in):
    key = logged_in.cookies[settings.SESSION_COOKIE_NAME].value
    for path in ("/booking/", "/booking/places/kita/"):
        response = logged_in.get(path)
        assert key not in response.content.decode()
        assert key not in response.get("Location", "")
