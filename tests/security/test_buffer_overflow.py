"""Input size limits (IPA: buffer overflow): nothing a client sends, however long, odd or many, gets a 5xx."""
from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.models import ClientLoginGuard, NoticeLoginGuard
from tests.security.conftest import CITIZEN_PATHS, citizen_client

pytestmark = pytest.mark.django_db
EXPANDING = ["ﷺ", "ﬃ", "㍿", "⑳", "𝔘", "ǅ", "ß", "İ", "\u0345"]
hostile_text = st.one_of(
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=80),
    st.text(alphabet=st.sampled_from(EXPANDING + ["\x00", "\ud800", "\udfff", "-", "Ａ", "１"]), max_size=60),
    st.text(min_size=200, max_size=5000),
)
SLOW = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def raw_post(client: Client, path: str, fields: dict[str, str]):
    """A form post whose values may hold lone surrogates (sent as the bytes a broken client would send)."""
    from urllib.parse import quote_from_bytes

    body = "&".join(f"{name}={quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}"
                    for name, value in fields.items())
    return client.generic("POST", path, body, content_type="application/x-www-form-urlencoded")


@SLOW
@given(number=hostile_text, day=hostile_text)
def test_the_login_form_takes_any_text_without_a_server_error(in_city_a, settings, number, day):
    settings.BOOKING_CLIENT_SLOW_AFTER = settings.BOOKING_CLIENT_REFUSE_AFTER = 10**6
    response = raw_post(citizen_client(), "/login/", {"notice_number": number, "birth_day": day})
    assert response.status_code < 500, (number, day)


segment = st.one_of(
    st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and "?" not in s and "#" not in s),
    st.from_regex(r"\A[0-9]{1,30}\Z"),
    st.from_regex(r"\A[0-9]{4,6}-[0-9]{2}-[0-9]{2}\Z"),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "..", "%2e%2e", "kita", "minami"]),
)


@SLOW
@given(first=segment, second=segment)
def test_every_citizen_url_takes_any_path_segment_without_a_server_error(logged_in, first, second):
    from urllib.parse import quote

    a, b = quote(first, safe=""), quote(second, safe="")
    for path in (f"/booking/places/{a}/", f"/booking/places/kita/{b}/", f"/booking/places/{a}/{b}/",
                 f"/booking/slots/{a}/", f"/booking/places/kita/?month={b}", f"/{a}"):
        response = logged_in.get(path)
        assert response.status_code < 500, path


@pytest.mark.parametrize("path", [
    "/booking/places/kita/9999-12-31/", "/booking/places/kita/0001-01-01/", "/booking/places/kita/2026-13-01/",
    "/booking/slots/99999999999999999999999/", "/booking/slots/9223372036854775808/",
    "/booking/places/no-such-place/", "/booking/places/kita/?month=9999-12",
])
def test_dates_and_ids_out_of_range_are_a_not_found_page(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code in (404, 200), path  # the month view clamps ?month= to the window
    if response.status_code == 404:
        assert "<h1>" in response.content.decode()


def test_a_notice_number_too_long_for_any_column_is_a_field_error(in_city_a):
    for typed in ("A" * 33, "A" * 40, "ﷺﷺﷺ", "Ａ" * 64, "A" * 100_000):
        response = citizen_client().post("/login/", {"notice_number": typed, "birth_day": "1"})
        assert response.status_code == 200, typed
    assert not NoticeLoginGuard.objects.exists() and not ClientLoginGuard.objects.exists()


def test_oversized_and_overfull_requests_are_refused_cleanly(in_city_a):
    client = citizen_client()
    huge = client.generic("POST", "/login/", "notice_number=" + "A" * (3 * 1024 * 1024),
                          content_type="application/x-www-form-urlencoded")
    assert huge.status_code == 400
    many = client.generic("POST", "/login/", "&".join(f"f{n}=1" for n in range(5000)),
                          content_type="application/x-www-form-urlencoded")
    assert many.status_code == 400
    assert "<h1>" in many.content.decode()


def test_unknown_addresses_get_the_branded_not_found_page(in_city_a):
    for path in CITIZEN_PATHS[:1] + ["/no/such/page/", "/admin/", "/.env"]:
        response = citizen_client().get(path)
        assert response.status_code in (200, 404)
    missing = citizen_client().get("/no/such/page/")
    html = missing.content.decode()
    assert missing.status_code == 404 and "青葉市" in html and "0120-111-111" in html
    assert "URLconf" not in html and "Traceback" not in html

