"""The hot path's hand-written statements are prepared once per connection, and a statement
prepared in one city's schema reads the other city's own rows in that one: PostgreSQL parses it
again for the new search_path."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from booking.models import Place, Slot
from booking.selectors.lookups import slot_by_id
from kernel.prepared import prepared_cursor
from tests.booking.factories import make_slot, open_weekday

pytestmark = pytest.mark.django_db


def prepared_here(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cursor.fetchone()[0]


def test_a_statement_run_again_on_a_connection_is_prepared_and_still_counted_as_a_query(in_city_a):
    statement = "SELECT %s::int + 1 AS prepared_probe"
    with CaptureQueriesContext(connection) as queries:
        for value in range(3):
            with prepared_cursor() as cursor:
                cursor.execute(statement, [value])
                assert cursor.fetchone()[0] == value + 1
    assert prepared_here("prepared_probe") == 1
    assert sum("prepared_probe" in query["sql"] for query in queries) == 3  # the query counts see each run


def test_django_s_own_cursor_prepares_nothing(in_city_a):
    for value in range(3):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int AS unprepared_probe", [value])
    assert prepared_here("unprepared_probe") == 0


def test_a_statement_prepared_in_one_city_reads_the_other_citys_rows_there(city_a, city_b):
    day = open_weekday()
    with tenant_context(city_a):
        slot_a = make_slot(Place.objects.get(code="kita"), day, dt.time(9), capacity=3)
        for _ in range(3):
            assert slot_by_id(slot_a.pk).capacity == 3  # prepared by now, in alpha's schema
    with tenant_context(city_b):
        slot_b = make_slot(Place.objects.order_by("pk").first(), day, dt.time(9), capacity=5)
        assert prepared_here('FROM "booking_slot"') >= 1
        assert slot_by_id(slot_b.pk).capacity == 5
        for pk in (slot_a.pk, slot_b.pk):  # beta's row under either id, or none: what the ORM reads there
            seen, orm = slot_by_id(pk), Slot.objects.filter(pk=pk).first()
            facts = [row and (row.pk, row.capacity, row.starts_at) for row in (seen, orm)]
            assert facts[0] == facts[1]
    with tenant_context(city_a):
        assert slot_by_id(slot_a.pk).capacity == 3
