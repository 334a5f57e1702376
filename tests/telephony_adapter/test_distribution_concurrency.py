"""Calls and operators race on real database connections: no operator ever gets two calls (CC-10)."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from telephony_adapter.routing.models import CallRoute, OperatorPresence, RouteStatus
from telephony_adapter.services.distribution import operator_ready, route_try_assign
from tenants.models import Membership, Municipality, Role, User
from tests.races import race as shared_race

pytestmark = pytest.mark.slow


@pytest.fixture
def race_city(django_db_setup, django_db_blocker):
    """beta, with committed operators and calls visible to every connection; removed afterwards."""
    with django_db_blocker.unblock():
        city = Municipality.objects.get(schema_name="beta")
        made: dict[str, list] = {"users": [], "routes": []}
        try:
            yield city, made
        finally:
            CallRoute.objects.filter(pk__in=[route.pk for route in made["routes"]]).delete()
            User.objects.filter(pk__in=[user.pk for user in made["users"]]).delete()
        connection.close()


def operators(city, made, count, *, available=True):
    now = timezone.now()
    users = []
    for n in range(count):
        user = User.objects.create(username=f"race-op-{uuid.uuid4().hex[:10]}", language_skills=["ja"])
        Membership.objects.create(user=user, municipality=city, role=Role.OPERATOR)
        OperatorPresence.objects.create(user=user, status="available" if available else "offline",
                                        since=now - dt.timedelta(seconds=count - n))
        users.append(user)
    made["users"] += users
    return users


def waiting_calls(city, made, count):
    now = timezone.now()
    routes = [CallRoute.objects.create(provider="twilio", call_id=f"CArace{uuid.uuid4().hex}", municipality=city,
                                       language="ja", status=RouteStatus.WAITING, created_at=now,
                                       enqueued_at=now - dt.timedelta(seconds=count - n)) for n in range(count)]
    made["routes"] += routes
    return routes


def race(jobs):
    return [repr(outcome) if isinstance(outcome, Exception) else outcome for outcome in shared_race(jobs)]


def assert_no_operator_holds_two_calls(routes):
    live = [route for route in CallRoute.objects.filter(pk__in=[r.pk for r in routes])
            if route.status in (RouteStatus.OFFERED, RouteStatus.CONNECTED)]
    per_operator = Counter(route.operator_id for route in live)
    assert all(count == 1 for count in per_operator.values()), per_operator
    for route in live:
        presence = OperatorPresence.objects.get(user_id=route.operator_id)
        assert presence.status == "busy" and presence.call_id == route.call_id
    return live


def test_many_calls_at_once_take_each_free_operator_once(race_city):
    city, made = race_city
    staff = operators(city, made, 6)
    routes = waiting_calls(city, made, 20)
    outcomes = race([lambda route=route: route_try_assign(route_id=route.pk).status for route in routes])
    assert Counter(outcomes) == {"offered": 6, "waiting": 14}, outcomes
    live = assert_no_operator_holds_two_calls(routes)
    assert {route.operator_id for route in live} == {user.pk for user in staff}


def test_operators_becoming_available_at_once_never_share_a_call(race_city):
    city, made = race_city
    staff = operators(city, made, 12, available=False)
    routes = waiting_calls(city, made, 5)
    outcomes = race([lambda user=user: bool(operator_ready(user=user)) for user in staff])
    assert Counter(outcomes) == {True: 5, False: 7}, outcomes
    live = assert_no_operator_holds_two_calls(routes)
    assert len(live) == 5


def test_calls_and_operators_racing_together_pair_up_once(race_city):
    city, made = race_city
    staff = operators(city, made, 8, available=False)
    routes = waiting_calls(city, made, 8)
    jobs = [lambda route=route: route_try_assign(route_id=route.pk).status for route in routes]
    jobs += [lambda user=user: bool(operator_ready(user=user)) for user in staff]
    outcomes = race(jobs)
    assert not [o for o in outcomes if isinstance(o, str) and o.startswith(("Integrity", "Operational", "<"))]
    live = assert_no_operator_holds_two_calls(routes)
    # a call and an operator deciding at the same instant may miss each other until the next poll:
    for route in routes:
        route_try_assign(route_id=route.pk)
    assert len(assert_no_operator_holds_two_calls(routes)) == 8 >= len(live)
