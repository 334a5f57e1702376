"""One city's token never reaches the other city: refused, and nothing there changes."""
from __future__ import annotations

from django_tenants.utils import tenant_context

from booking.models import Reservation, Slot
from tests.lgwan_access.api.conftest import token_client
from tests.lgwan_access.api.factories_api import a_day


def test_city_a_token_cannot_read_or_book_in_city_b(city_a, city_b, staff_token_a):
    day_b = a_day(city_b)
    api_on_b = token_client(city_b, staff_token_a)
    for path in ("/api/staff/v1/notices/", "/api/staff/v1/bookings/", f"/api/staff/v1/notices/{day_b.notices[0].pk}/",
                 "/api/staff/v1/places/", "/api/staff/v1/exports/bookings/"):
        response = api_on_b.get(path)
        assert response.status_code in (401, 403, 404), path
        assert "error" in response.json()
        assert day_b.notices[0].number not in response.content.decode()
    refused = api_on_b.post("/api/staff/v1/bookings/", {"notice_number": day_b.notices[0].number,
                                                        "slot": day_b.ten.pk}, content_type="application/json")
    assert refused.status_code in (401, 403, 404)
    with tenant_context(city_b):
        assert not Reservation.objects.exists()
        assert Slot.objects.get(pk=day_b.ten.pk).booked == 0


def test_city_a_token_does_not_find_city_b_rows_on_city_a(city_a, city_b, api_a):
    day_b = a_day(city_b)
    listed = api_a.get("/api/staff/v1/notices/", {"number": day_b.notices[0].number})
    assert listed.status_code == 200 and listed.json()["count"] == 0


def test_a_clerk_of_two_cities_has_a_request_budget_in_each(city_a, city_b, settings, monkeypatch):
    """The per-user rate is counted per city: using it up in city A refuses nothing in city B."""
    from django.core.cache.backends.locmem import LocMemCache

    from lgwan_access.api.throttling import StaffApiThrottle
    from tenants.models import Role
    from tests.lgwan_access.api.conftest import make_token
    from tests.tenants.factories import MembershipFactory

    monkeypatch.setattr(StaffApiThrottle, "cache", LocMemCache("staff-api-throttle-test", {}))
    settings.STAFF_API_RATE = "2/min"
    clerk = MembershipFactory(municipality=city_a, role=Role.STAFF).user
    MembershipFactory(municipality=city_b, role=Role.STAFF, user=clerk)
    in_a = token_client(city_a, make_token(clerk, city_a))
    in_b = token_client(city_b, make_token(clerk, city_b))
    assert [in_a.get("/api/staff/v1/places/").status_code for _ in range(3)] == [200, 200, 429]
    assert in_b.get("/api/staff/v1/places/").status_code == 200
