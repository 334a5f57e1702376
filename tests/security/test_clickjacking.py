"""Clickjacking (IPA 9): no page of the product may be framed by another site."""
from __future__ import annotations

import pytest

from tests.security.conftest import citizen_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/booking/", "/no-such-page/", "/staff/", "/accounts/login/"])
def test_pages_refuse_to_be_framed(in_city_a, path):
    response = citizen_client().get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_login_page_refused_with_429_is_not_frameable_either(in_city_a, settings):
    settings.BOOKING_CLIENT_SLOW_AFTER = settings.BOOKING_CLIENT_REFUSE_AFTER = 1
    client = citizen_client()
    client.post("/login/", {"notice_number": "ZZZ000001", "birth_day": "1"})
    response = client.post("/login/", {"notice_number": "ZZZ000002", "birth_day": "1"})
    assert response.status_code == 429 and response["X-Frame-Options"] == "DENY"
