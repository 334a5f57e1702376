"""The staff API's permission matrix: every endpoint × anonymous, another city's staff, an operator, staff,
staff_admin, a platform admin; inside and outside the city's LGWAN. Refused requests change nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from booking.models import Reservation
from lgwan_access import guards
from tests.booking.factories import make_slot
from tests.lgwan_access.api.conftest import make_token, token_client
from tests.lgwan_access.api.factories_api import a_day
from tests.lgwan_access.auth import verified_login

READ, WRITE, ADMIN, OPEN = "read", "write", "import", "open"  # imports: staff, as on the console
ENDPOINTS = [
    ("get", "/api/staff/v1/notices/", READ),
    ("get", "/api/staff/v1/notices/{notice}/", READ),
    ("get", "/api/staff/v1/bookings/", READ),
    ("get", "/api/staff/v1/places/", READ),
    ("get", "/api/staff/v1/slots/?place={place}&date_from={day}", READ),
    ("get", "/api/staff/v1/availability/?place={place}&date_from={day}", READ),
    ("get", "/api/staff/v1/exports/bookings/?date_from={day}", READ),
    ("post", "/api/staff/v1/bookings/", WRITE),
    ("post", "/api/staff/v1/imports/notices/", ADMIN),
    ("post", "/api/staff/v1/imports/cards/", ADMIN),
    ("get", "/api/staff/v1/imports/cards/999999/", ADMIN),
    ("get", "/api/staff/v1/schema/", OPEN),
    ("get", "/api/staff/v1/docs/", OPEN),
]
ALLOWED = {READ: 200, WRITE: 201, ADMIN: None, OPEN: 200}  # an import without a file: 400, no such import: 404


def _session(user) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    verified_login(client, user)
    return client


@pytest.fixture
def callers(city_a, city_b, staff_a, staff_b, staff_admin_a, operator_ab, platform_admin):
    return {
        "anonymous": (Client(HTTP_HOST="alpha.localhost"), "refused"),
        "other city's staff": (token_client(city_a, make_token(staff_b, city_b)), "refused"),
        "operator": (_session(operator_ab), "refused"),
        "platform admin": (_session(platform_admin), "refused"),
        "staff": (token_client(city_a, make_token(staff_a, city_a)), "staff"),
        "staff (console session)": (_session(staff_a), "staff"),
        "staff_admin": (token_client(city_a, make_token(staff_admin_a, city_a)), "staff_admin"),
    }


def _roomy_slot(city, day):
    with tenant_context(city):
        return make_slot(day.place, day.day, dt.time(14, 0), capacity=20)


def _call(client, method, path, day, notice_number, slot=None):
    url = path.format(notice=day.notices[0].pk, place=day.place.code, day=day.day.isoformat())
    if method == "get":
        return client.get(url)
    if "bookings" in url:
        return client.post(url, {"notice_number": notice_number, "slot": (slot or day.eleven).pk},
                           content_type="application/json")
    return client.post(url, {"note": SimpleUploadedFile("x.txt", b"x")})


def test_every_endpoint_for_every_caller_inside_the_lgwan(city_a, callers):
    day = a_day(city_a, notices=len(callers) + 1)
    roomy = _roomy_slot(city_a, day)
    for index, (who, (client, kind)) in enumerate(callers.items()):
        notice = day.notices[index + 1]
        for method, path, scope in ENDPOINTS:
            response = _call(client, method, path, day, notice.number, roomy)
            status = response.status_code
            where = f"{who} {method.upper()} {path}: {status}"
            if scope == OPEN:
                assert status == 200, where
                continue
            if kind == "refused":
                assert status == (401 if who in ("anonymous", "other city's staff") else 403), where
            elif scope == ADMIN:
                assert status in (400, 404), where
            else:
                assert status == ALLOWED[scope], where
            if status >= 400:
                assert set(response.json()["error"]) == {"code", "message", "fields"}, where
        with tenant_context(city_a):
            booked = Reservation.objects.filter(notice=notice).exists()
        assert booked == (kind != "refused"), who


def test_outside_the_lgwan_every_endpoint_is_refused_and_nothing_changes(city_a, callers, monkeypatch):
    day = a_day(city_a)
    monkeypatch.setattr(guards, "network_allowed", lambda request: False)
    client, _kind = callers["staff_admin"]
    for method, path, _scope in ENDPOINTS:
        response = _call(client, method, path, day, day.notices[0].number)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "outside_network", path
    anonymous, _kind = callers["anonymous"]
    assert anonymous.get("/api/staff/v1/schema/").status_code == 403
    with tenant_context(city_a):
        assert not Reservation.objects.exists()


def test_a_token_request_reads_the_callers_membership_once(api_a, city_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert api_a.get("/api/staff/v1/notices/").status_code == 200
    reads = [query["sql"] for query in queries if 'FROM "tenants_membership"' in query["sql"]]
    assert len(reads) == 1, reads
