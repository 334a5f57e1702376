"""HTTP header injection (IPA 7): no input reaches a response header with a line break in it."""
from __future__ import annotations

import pytest

from tests.security.conftest import citizen_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: pwned=1", "/%0d%0aSet-Cookie:%20pwned=1",
                                    "https://evil.example/", "//evil.example/", "/\nLocation: https://evil.example/"])
def test_the_language_switch_only_goes_back_to_this_site(in_city_a, target):
    response = citizen_client().post("/i18n/setlang/", {"language": "en", "next": target})
    location = response.get("Location", "")
    assert "\r" not in location and "\n" not in location
    assert location.startswith("/") and not location.startswith("//")  # never another site
    assert "pwned" not in response.cookies


def test_a_language_cookie_with_a_line_break_is_ignored(in_city_a):
    client = citizen_client()
    client.cookies["madoguchi_language"] = "en\r\nSet-Cookie: pwned=1"
    response = client.get("/")
    assert response.status_code == 200 and "pwned" not in response.cookies
    assert "\n" not in response["Content-Language"]
