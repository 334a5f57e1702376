"""Factories for public-schema objects. Booking factories are in tests/booking/factories.py."""
from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from tenants.models import Membership, Role, User

TEST_PASSWORD = "correct-horse-battery-42"
_TEST_PASSWORD_HASH = None


def _hash() -> str:
    global _TEST_PASSWORD_HASH
    if _TEST_PASSWORD_HASH is None:
        _TEST_PASSWORD_HASH = make_password(TEST_PASSWORD)
    return _TEST_PASSWORD_HASH


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.LazyFunction(_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.STAFF
