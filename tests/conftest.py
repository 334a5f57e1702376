"""Two municipalities built once per session, fixtures to act inside either, clients per site."""
from __future__ import annotations

import os
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.test import Client
from django_tenants.utils import tenant_context

from platform_console.services.onboarding import WardSpec, onboard_municipality
from tenants.models import Municipality, Role
from tenants.services.networks import LOOPBACK_RANGES, lgwan_ranges_set
from tenants.services.provisioning import platform_ensure, tenant_template_ensure
from tests.tenants.factories import MembershipFactory, UserFactory

_DATABASE_NAME = connection.settings_dict["NAME"]  # as configured, before any test renames it

CITIES = {
    "alpha": dict(
        slug="alpha", name="青葉市", domains=["alpha.localhost"],
        wards=[WardSpec("kita", "北区"), WardSpec("minami", "南区")],
        languages=["ja", "en", "ko"], display_names={"en": "Aoba City", "ko": "아오바시"},
        call_centre_phone="0120-111-111", admin_username="alpha-admin", admin_email="admin@alpha.example.org",
        admin_password="alpha-admin-pass-2026",
    ),
    "beta": dict(
        slug="beta", name="白浜市", domains=["beta.localhost", "www.beta-city.example"],
        wards=[WardSpec("higashi", "東区"), WardSpec("nishi", "西区")],
        languages=["ja"], call_centre_phone="0120-222-222", admin_username="beta-admin",
        admin_email="admin@beta.example.org", admin_password="beta-admin-pass-2026",
    ),
}


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database with the platform, the template schema and two cities, built once.

    Replaces pytest-django's fixture, which sets up no database when the selected tests use no
    `db` fixture (browser and concurrency tests commit through their own connections), and
    would then leave them on the real database. Under mutation testing (MADOGUCHI_TEST_DB_CLONE),
    every worker process copies one database built once instead of building its own.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        if os.environ.get("MADOGUCHI_TEST_DB_CLONE"):
            name = _clone_test_database()
            yield
            _drop_database(name)
            return
        config = setup_databases(verbosity=request.config.option.verbose, interactive=False, aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_"), "tests must never run on a real database"
        _build_cities()
    yield
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:  # threads of the live server may still hold connections
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        teardown_databases(config, verbosity=request.config.option.verbose)


def _build_cities() -> None:
    platform_ensure()
    tenant_template_ensure()
    for spec in CITIES.values():
        city = onboard_municipality(**spec).municipality
        lgwan_ranges_set(city, LOOPBACK_RANGES, actor=None, reason="tests reach the staff console from loopback")
    connection.set_schema_to_public()


def _admin_connection():
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


def _clone_test_database() -> str:
    """A copy of the session database for this process, built once by whichever worker comes first."""
    from django.test.utils import setup_databases

    base = f"test_{_DATABASE_NAME}_base_{_migrations_fingerprint()}"
    name = f"test_{_DATABASE_NAME}_{os.getpid()}"
    with _admin_connection() as admin:
        admin.execute("SELECT pg_advisory_lock(4242)")
        try:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [base]).fetchone():
                stale = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                      [f"test_{_DATABASE_NAME}_base_%"]).fetchall()
                for (old,) in stale:  # built from other migrations
                    admin.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
                connection.settings_dict.setdefault("TEST", {})["NAME"] = base
                setup_databases(verbosity=0, interactive=False, aliases={"default"})
                _build_cities()
                connection.close()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
        finally:
            admin.execute("SELECT pg_advisory_unlock(4242)")
    connection.close()
    connection.settings_dict["NAME"] = name
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    return name


def _migrations_fingerprint() -> str:
    """Changes whenever a migration is added or edited, so a copied database is never stale."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _drop_database(name: str) -> None:
    connection.close()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 512  # many clients connect at once in the concurrency tests


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ClosingHandler(StaticFilesHandler):
    """Each request thread closes its database connection when done."""

    def __call__(self, environ, start_response):
        try:
            return super().__call__(environ, start_response)
        finally:
            connections.close_all()


@pytest.fixture(scope="session")
def live_port(django_db_setup, django_db_blocker):
    """The whole application on 127.0.0.1, against the test database, for the session."""
    with django_db_blocker.unblock():
        server = make_server("127.0.0.1", 0, _ClosingHandler(get_wsgi_application()),
                             server_class=_ThreadingServer, handler_class=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.server_port
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole session (a second Playwright is refused)."""
    from pathlib import Path

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make install` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own database calls
    # stay synchronous, so Django's guard against ORM calls from async code does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts():
    """test-artifacts/screenshots, emptied once per session."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.MADOGUCHI_TEST_ARTIFACTS) / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def shared_cache(settings):
    """The shared cache of web processes, in this process's memory and empty (the tests' default
    is a cache that keeps nothing)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "shared-cache-tests"}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def city_a(db) -> Municipality:
    return Municipality.objects.get(schema_name="alpha")


@pytest.fixture
def city_b(db) -> Municipality:
    return Municipality.objects.get(schema_name="beta")


@pytest.fixture
def in_city_a(city_a):
    with tenant_context(city_a):
        yield city_a


@pytest.fixture
def in_city_b(city_b):
    with tenant_context(city_b):
        yield city_b


def site_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture
def client_a(db) -> Client:
    return site_client("alpha.localhost")


@pytest.fixture
def client_b(db) -> Client:
    return site_client("beta.localhost")


@pytest.fixture
def platform_client(db) -> Client:
    return site_client("localhost")


@pytest.fixture
def staff_a(city_a):
    return MembershipFactory(municipality=city_a, role=Role.STAFF).user


@pytest.fixture
def staff_b(city_b):
    return MembershipFactory(municipality=city_b, role=Role.STAFF).user


@pytest.fixture
def operator_ab(city_a, city_b):
    """An operator answering for both cities."""
    user = UserFactory(language_skills=["ja", "en"])
    MembershipFactory(user=user, municipality=city_a, role=Role.OPERATOR)
    MembershipFactory(user=user, municipality=city_b, role=Role.OPERATOR)
    return user


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_platform_admin=True)
