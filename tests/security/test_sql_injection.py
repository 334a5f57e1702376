"""SQL injection (IPA 1): payloads in every citizen input reach the database only as bound values."""
from __future__ import annotations

import pytest

from booking.models import Notice, NoticeLoginGuard, Reservation
from tests.security.conftest import citizen_client, page

pytestmark = pytest.mark.django_db
PAYLOADS = [
    "' OR '1'='1", "SEC000001' --", "SEC000001'; DROP TABLE booking_notice; --", '" OR ""="',
    "1 UNION SELECT number FROM booking_notice", "SEC000001' AND pg_sleep(5) --",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_login_refuses_sql_in_the_number_and_the_day(notice, payload):
    client = citizen_client()
    for fields in ({"notice_number": payload, "birth_day": "9"}, {"notice_number": "SEC000001", "birth_day": payload}):
        response = client.post("/login/", fields)
        assert response.status_code == 200, fields
        assert "citizen_notice_id" not in client.session
    assert Notice.objects.filter(number="SEC000001").exists()  # the table is still there


def test_a_payload_that_normalises_to_a_valid_number_is_just_a_number(notice):
    """Separators are dropped before matching: what is left is letters and digits, bound as a value."""
    response = citizen_client().post("/login/", {"notice_number": "SEC-000-001 --", "birth_day": "8"})
    assert response.status_code == 200
    assert NoticeLoginGuard.objects.get().number == "SEC000001"


@pytest.mark.parametrize("payload", ["kita' OR '1'='1", "1;SELECT 1", "kita%27--"])
def test_paths_and_queries_with_sql_find_nothing(logged_in, payload):
    from urllib.parse import quote

    for path in (f"/booking/places/{quote(payload, safe='')}/", f"/booking/places/kita/?month={quote(payload)}"):
        response = logged_in.get(path)
        assert response.status_code in (200, 404)
        assert "syntax" not in page(response).lower()
    assert not Reservation.objects.exists()
