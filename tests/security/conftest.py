"""Shared pieces of the security regression suite (IPA 安全なウェブサイトの作り方, SEC-5)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.booking.factories import NoticeFactory

HOST = "alpha.localhost"
CITIZEN_PATHS = [
    "/", "/booking/", "/booking/places/", "/booking/places/kita/", "/booking/places/kita/2026-12-01/",
    "/booking/slots/1/", "/booking/cancel/", "/booking/calendar.ics",
]


def page(response) -> str:
    return response.content.decode(errors="replace")


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def citizen_client(**extra) -> Client:
    """A test client that shows server errors as responses (never raises them)."""
    return Client(HTTP_HOST=HOST, raise_request_exception=False, **extra)


@pytest.fixture
def notice(in_city_a):
    return NoticeFactory(number="SEC000001", birth_day=9)


@pytest.fixture
def logged_in(notice):
    client = citizen_client()
    response = client.post("/login/", {"notice_number": "SEC000001", "birth_day": "9"})
    assert response.status_code == 302
    return client


class _ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def script_vectors(html: str) -> list[str]:
    """Elements that would run script: inline <script>, on* handlers, javascript: addresses."""
    finder = _ScriptFinder()
    finder.feed(html)
    return finder.found
