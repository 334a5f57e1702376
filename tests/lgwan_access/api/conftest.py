"""Fixtures of the staff API tests: staff of either city, their tokens, clients that carry them."""
from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from lgwan_access.services.api_tokens import api_token_create
from tenants.models import Role
from tests.tenants.factories import MembershipFactory

HOSTS = {"alpha": "alpha.localhost", "beta": "beta.localhost"}


def make_token(user, city, name: str = "test") -> str:
    with tenant_context(city):
        return api_token_create(user=user, municipality=city, name=name).secret


def token_client(city, secret: str | None, **extra) -> Client:
    headers = {"HTTP_HOST": HOSTS[city.schema_name], **extra}
    if secret:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return Client(**headers)


@pytest.fixture
def staff_admin_a(city_a):
    return MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user


@pytest.fixture
def staff_token_a(staff_a, city_a) -> str:
    return make_token(staff_a, city_a)


@pytest.fixture
def admin_token_a(staff_admin_a, city_a) -> str:
    return make_token(staff_admin_a, city_a)


@pytest.fixture
def api_a(city_a, staff_token_a) -> Client:
    """city_a's staff API with a staff user's token."""
    return token_client(city_a, staff_token_a)


@pytest.fixture
def admin_api_a(city_a, admin_token_a) -> Client:
    return token_client(city_a, admin_token_a)
