"""What one request costs the database: a fixed, small number of statements, one search_path at most."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import Place, Reservation
from tenants.selectors import municipality_host_cache_clear
from tests.booking.factories import NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_hosts(settings):
    settings.MADOGUCHI_HOST_CACHE_SECONDS = 60
    municipality_host_cache_clear()
    yield
    municipality_host_cache_clear()


@pytest.fixture
def notice(in_city_a):
    return NoticeFactory(number="QRY000001", birth_day=4)


def statements(client, method, path, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data or {})
    sqls = [query["sql"] for query in captured.captured_queries]
    return response, sqls


def search_paths(sqls):
    return [sql for sql in sqls if sql.upper().startswith("SET SEARCH_PATH")]


def log_in(client):
    return client.post("/login/", {"notice_number": "QRY000001", "birth_day": "4"})


def test_a_known_host_costs_no_query_and_one_search_path_at_most(cached_hosts, client_a, notice):
    client_a.get("/")  # the first request of this process looks the host up
    response, sqls = statements(client_a, "get", "/")
    assert response.status_code == 200
    assert not any("tenants_domain" in sql for sql in sqls), sqls
    assert len(search_paths(sqls)) <= 1


def test_login_month_and_booking_have_fixed_query_counts(cached_hosts, client_a, notice):
    client_a.get("/")
    response, login_sqls = statements(client_a, "post", "/login/", {"notice_number": "QRY000001", "birth_day": "4"})
    assert response.status_code == 302
    place = Place.objects.get(code="kita")
    slot = make_slot(place, open_weekday(), dt.time(10))
    month = f"/booking/places/kita/?month={slot.starts_at:%Y-%m}"
    client_a.get(month)
    response, month_sqls = statements(client_a, "get", month)
    assert response.status_code == 200
    day_page = client_a.get(f"/booking/slots/{slot.pk}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', day_page).group(1)
    response, book_sqls = statements(client_a, "post", f"/booking/slots/{slot.pk}/", {"email": "", "token": token})
    assert response.status_code == 302 and Reservation.objects.filter(notice=notice).exists()
    # statements as the database sees them, the test's SAVEPOINT/RELEASE pairs included (in production
    # they are BEGIN/COMMIT, or nothing for a single statement): login 13 (the waiting room's ticket,
    # client and notice guards, audit, the session in one INSERT), month 4 (session,
    # notice, places, slots -- none with the shared cache), booking 15 (five in the booking)
    for name, sqls, most in (("login POST", login_sqls, 13), ("month page", month_sqls, 4),
                             ("booking POST", book_sqls, 15)):
        assert len(sqls) <= most, f"{name}: {len(sqls)} statements\n" + "\n".join(s[:140] for s in sqls)
        assert len(search_paths(sqls)) <= 1, name


def test_a_change_of_status_reaches_the_cached_host_at_once(cached_hosts, client_a, city_a,
                                                          django_capture_on_commit_callbacks):
    from tenants.services.status import municipality_set_status

    assert client_a.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        municipality_set_status(municipality=city_a, status="suspended")
    assert client_a.get("/").status_code == 503
    with django_capture_on_commit_callbacks(execute=True):
        municipality_set_status(municipality=city_a, status="active")
    assert client_a.get("/").status_code == 200


def test_without_a_change_the_cached_city_is_served_for_its_lifetime(cached_hosts, client_a, city_a):
    """Other processes learn of a change within the cache's lifetime: here the change bypasses the service."""
    from tenants.models import Municipality

    assert client_a.get("/").status_code == 200
    Municipality.objects.filter(pk=city_a.pk).update(status="suspended")
    assert client_a.get("/").status_code == 200  # still the cached city
    municipality_host_cache_clear()
    assert client_a.get("/").status_code == 503


def test_a_citizens_places_are_read_once_per_process_while_kept(settings, notice):
    from booking.selectors.eligibility import _pages_places, allowed_places, allowed_places_for_pages

    def place_reads():
        with CaptureQueriesContext(connection) as captured:
            places = allowed_places_for_pages(notice)
        return places, sum('FROM "booking_place"' in query["sql"] for query in captured.captured_queries)

    settings.MADOGUCHI_PLACES_CACHE_SECONDS = 60
    _pages_places.clear()
    try:
        first, reads = place_reads()
        assert reads == 1 and [p.pk for p in first] == [p.pk for p in allowed_places(notice)]
        again, reads = place_reads()
        assert reads == 0 and again == first
        settings.MADOGUCHI_PLACES_CACHE_SECONDS = 0  # switched off (as in the other tests): always read
        _, reads = place_reads()
        assert reads == 1
    finally:
        _pages_places.clear()


def test_the_start_pages_places_are_read_once_per_process_while_kept(settings, cached_hosts, client_a, notice):
    from booking.selectors.lookups import _start_page_places

    def place_reads():
        with CaptureQueriesContext(connection) as captured:
            assert client_a.get("/").status_code == 200
        return sum('FROM "booking_place"' in query["sql"] for query in captured.captured_queries)

    settings.MADOGUCHI_PLACES_CACHE_SECONDS = 60
    _start_page_places.clear()
    try:
        assert place_reads() == 1
        assert place_reads() == 0
        settings.MADOGUCHI_PLACES_CACHE_SECONDS = 0
        assert place_reads() == 1
    finally:
        _start_page_places.clear()
