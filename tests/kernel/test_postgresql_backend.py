"""A reused connection is health-checked without a round trip while it is sound, and replaced when
the server ended it (a restart, a failover, a terminated backend). Each test uses a connection of
its own, outside the test's transaction, as a web process holds one between requests."""
from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connections

from kernel.postgresql_backend.base import DatabaseWrapper, quietly_open


@pytest.fixture
def kept(django_db_setup, django_db_blocker):
    """A connection as a new request finds it: kept from an earlier one, not yet checked."""
    with django_db_blocker.unblock():
        wrapper = connections.create_connection("default")
        wrapper.ensure_connection()
        wrapper.health_check_enabled, wrapper.health_check_done = True, False
        yield wrapper
        wrapper.close()


@pytest.fixture
def probes(monkeypatch):
    """How many times Django's own check (SELECT 1) was made."""
    asked = []
    real = DatabaseWrapper.is_usable
    monkeypatch.setattr(DatabaseWrapper, "is_usable", lambda self: asked.append(1) or real(self))
    return asked


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_backend_is_django_tenants_with_this_check(kept):
    assert isinstance(kept, DatabaseWrapper) and kept.vendor == "postgresql"
    assert hasattr(kept, "set_tenant")  # django-tenants' schema switching is there


def test_a_sound_idle_connection_is_kept_without_asking_the_server(kept, probes):
    same = kept.connection
    kept.close_if_health_check_failed()
    assert probes == [] and kept.connection is same and kept.health_check_done
    assert backend_pid(kept) == same.info.backend_pid


def test_a_connection_the_server_ended_is_replaced_and_the_next_query_works(kept, probes):
    ended = kept.connection
    pid = ended.info.backend_pid
    params = {key: value for key, value in kept.get_connection_params().items()
              if key not in ("cursor_factory", "context", "prepare_threshold")}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while quietly_open(ended) and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's farewell reaches the socket
    kept.close_if_health_check_failed()
    assert probes == [1]  # the socket spoke: Django's own check was made, failed, and closed it
    assert kept.connection is None
    assert backend_pid(kept) != pid


def test_inside_a_transaction_the_check_is_djangos_own(kept, probes):
    kept.set_autocommit(False)
    try:
        kept.health_check_done = True
        with kept.cursor() as cursor:
            cursor.execute("SELECT 1")  # the transaction is open now
        kept.health_check_done = False
        kept.close_if_health_check_failed()
        assert probes == [1] and kept.connection is not None
    finally:
        kept.rollback()
        kept.set_autocommit(True)
