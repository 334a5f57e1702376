"""Staff users and their clients for the counter, bulk notice and lists sections' tests."""
from __future__ import annotations

from django.test import Client

from tenants.models import Role
from tests.tenants.factories import MembershipFactory, UserFactory

HOSTS = {"alpha": "alpha.localhost", "beta": "beta.localhost"}


def staff_user(city, *, role=Role.STAFF, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, municipality=city, role=role)
    return user


def staff_client(city, *, role=Role.STAFF, user=None) -> tuple[Client, object]:
    """A client on the city's domain, logged in as a staff user of the city (the second factor
    is a placeholder until the access helper's guard lands)."""
    user = user or staff_user(city, role=role)
    client = Client(HTTP_HOST=HOSTS[city.schema_name])
    client.force_login(user)
    return client, user
