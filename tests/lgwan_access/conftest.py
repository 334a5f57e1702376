"""Staff clients for the console's tests: logged in on a city's host AND past the second factor.

    def test_something(staff_client_a):
        client = staff_client_a()                    # role "staff" in city A (alpha.localhost)
        admin = staff_client_a(role="staff_admin")   # client.user is the user
        other = staff_client_b()                     # city B's staff on beta.localhost

Outside these fixtures: `tests.lgwan_access.auth.verified_login(client, user)`.
"""
from __future__ import annotations

import pytest

from tenants.models import Role
from tests.conftest import site_client
from tests.lgwan_access.auth import verified_login
from tests.tenants.factories import MembershipFactory


def _staff_client_factory(city, host):
    def make(role: str = Role.STAFF, user=None, **client_kwargs):
        if user is None:
            user = MembershipFactory(municipality=city, role=role).user
        client = site_client(host)
        for key, value in client_kwargs.items():
            client.defaults[key] = value
        verified_login(client, user)
        client.user = user
        return client

    return make


@pytest.fixture
def staff_client_a(city_a):
    """Factory: a verified staff client of city A; `role` "staff" (default) or "staff_admin"."""
    return _staff_client_factory(city_a, "alpha.localhost")


@pytest.fixture
def staff_client_b(city_b):
    """Factory: a verified staff client of city B."""
    return _staff_client_factory(city_b, "beta.localhost")


@pytest.fixture
def staff_client(staff_client_a):
    """A verified client of city A's plain staff (the common case)."""
    return staff_client_a()


@pytest.fixture
def staff_admin_client(staff_client_a):
    """A verified client of city A's staff_admin."""
    return staff_client_a(role=Role.STAFF_ADMIN)
