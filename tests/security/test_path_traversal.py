"""Path traversal (IPA 3): no address reads a file outside what the product serves."""
from __future__ import annotations

import pytest

from tests.security.conftest import citizen_client, page

pytestmark = pytest.mark.django_db
TRAVERSALS = [
    "/static/../../../../etc/passwd", "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/booking/places/..%2f..%2fetc%2fpasswd/", "/booking/places/kita/..%2f..%2fetc%2fpasswd/",
    "/media/../../config/settings/base.py", "/outbox/../../var/postgres/PG_VERSION",
    "/static/css/../../settings/base.py",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_addresses_find_nothing(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code in (301, 302, 400, 404), path
    body = page(response) if not getattr(response, "streaming", False) else ""
    assert "root:x:0:0" not in body and "SECRET_KEY" not in body


def test_the_calendar_file_name_comes_from_the_booking_code_only(in_city_a):
    """The .ics download's name is the booking code (letters and digits), never a path from the request."""
    response = citizen_client().get("/booking/calendar.ics?name=../../etc/passwd")
    assert response.status_code in (302, 404)
