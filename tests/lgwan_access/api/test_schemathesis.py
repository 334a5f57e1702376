"""schemathesis against the staff API's own schema, in process (Django's WSGI app, the test's transaction).

Bounded and deterministic: a few examples per operation, derandomized, positive and negative
data. Every answer must be no server error, a documented status, the documented content type,
and a body that matches the schema.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from booking.models import Place
from booking.services.reservations import reservation_book
from tests.booking.factories import STAFF, NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.slow

BASE_URL = "http://alpha.localhost"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}


@pytest.fixture
def wsgi_app(api_schema):
    """Django's WSGI app on the test's connection: requests must not close it (as the test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_a) -> dict:
    response = api_a.get("/api/staff/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_answer_of_the_staff_api_matches_its_schema(city_a, admin_token_a, api_schema, wsgi_app):
    with tenant_context(city_a):
        place = Place.objects.filter(is_active=True).order_by("pk").first()
        day = open_weekday()
        slot = make_slot(place, day, dt.time(10, 0), capacity=2)
        make_slot(place, day, dt.time(11, 0), capacity=1)
        for _ in range(2):
            NoticeFactory()
        reservation_book(notice=NoticeFactory(number="ABC000001"), slot=slot, actor=STAFF)

    headers = {"Authorization": f"Bearer {admin_token_a}"}
    schema = schemathesis.openapi.from_dict(api_schema)
    schema.app = wsgi_app
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    calls = 0
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def check(case):
                nonlocal calls
                calls += 1
                case.call_and_validate(base_url=BASE_URL, headers=headers, checks=CHECKS)

            check()
    assert calls >= 9 * len(operations) // 2  # most operations ran their examples
