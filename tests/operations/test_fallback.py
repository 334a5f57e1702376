"""While the database is gone, the platform's on-call is still called, from the copy kept on disk."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from operations.fallback import FallbackAlerts
from operations.models import Incident

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_calls_at_the_policys_interval_while_the_database_is_down_then_records_the_outage(
        platform_policy, carrier):
    fallback = FallbackAlerts()
    fallback.keep_copy()  # the last good round
    assert fallback.database_down(now=at(0), detail="connection refused") == 0  # one failure opens nothing
    assert fallback.database_down(now=at(0.25), detail="connection refused") == 2  # mail + call, first contact
    assert [m.to for m in mail.outbox] == [["oncall@example.jp"]] and "データベース" in mail.outbox[0].subject
    assert carrier[-1]["to"] == "+81-3-1111-1111" and carrier[-1]["gather_action_url"].endswith("/status/")
    assert fallback.database_down(now=at(3), detail="connection refused") == 0  # not yet: every 5 minutes
    assert fallback.database_down(now=at(5.25), detail="connection refused") == 2
    assert fallback.database_down(now=at(10.25), detail="connection refused") == 4  # the lead joins at +10 min

    incident = fallback.database_back(now=at(12))
    assert incident.opened_at == at(0) and incident.resolved_at == at(12)
    assert Incident.objects.get().check_name == "database_primary"
    assert [u.message_key for u in incident.updates.all()] == ["detected", "recovered"]
    assert "Recovered" in mail.outbox[-1].subject or "answers again" in mail.outbox[-1].body
    assert fallback.database_down(now=at(13), detail="x") == 0  # a new outage counts from one again


def test_a_blip_of_one_round_records_nothing(platform_policy, carrier):
    fallback = FallbackAlerts()
    fallback.keep_copy()
    fallback.database_down(now=at(0), detail="timeout")
    assert fallback.database_back(now=at(0.25)) is None and not Incident.objects.exists() and carrier == []
