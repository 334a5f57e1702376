"""Usage comes from the cities' own events, each counted once (PLT-3)."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from billing.models import UsageKind, UsageRecord
from billing.selectors import usage_totals
from billing.services.usage import UsageEvent, usage_events_record, usage_record_city
from billing.tasks import record_usage_for_all_cities
from tests.billing.factories import TOKYO, book, call, cancel

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def record_all(when=dt.datetime(2026, 12, 5, 9, tzinfo=TOKYO)):
    """The scheduled task, run at `when` (after every event of the test)."""
    with time_machine.travel(when, tick=False):
        return record_usage_for_all_cities()


def test_a_booking_read_twice_counts_once(city_a):
    book(city_a, dt.datetime(2026, 11, 10, 10, tzinfo=TOKYO))
    later = dt.datetime(2026, 11, 10, 10, 5, tzinfo=TOKYO)
    usage_record_city(municipality=city_a, now=later)
    usage_record_city(municipality=city_a, now=later + dt.timedelta(minutes=1))  # the overlap reads it again
    record_all()  # and the scheduled task once more

    assert usage_totals(city_a, NOV)["booking"] == 1
    assert UsageRecord.objects.filter(municipality=city_a, kind=UsageKind.BOOKING).count() == 1


def test_the_same_event_delivered_twice_is_one_record(city_a):
    event = UsageEvent(UsageKind.CALL_MINUTES, "call:twilio:CAdup", dt.datetime(2026, 11, 3, 9, tzinfo=TOKYO), 4)
    usage_events_record(municipality=city_a, events=[event])
    usage_events_record(municipality=city_a, events=[event, event])

    assert usage_totals(city_a, NOV)["call_minutes"] == 4


def test_usage_is_counted_per_city(city_a, city_b):
    book(city_a, dt.datetime(2026, 11, 10, 10, tzinfo=TOKYO))
    book(city_b, dt.datetime(2026, 11, 10, 11, tzinfo=TOKYO))
    book(city_b, dt.datetime(2026, 11, 10, 12, tzinfo=TOKYO))
    record_all()

    assert usage_totals(city_a, NOV)["booking"] == 1
    assert usage_totals(city_b, NOV)["booking"] == 2


def test_calls_become_started_minutes_and_automated_sessions(city_a):
    call(city_a, dt.datetime(2026, 11, 4, 9, tzinfo=TOKYO), 61)  # 2 minutes
    call(city_a, dt.datetime(2026, 11, 4, 10, tzinfo=TOKYO), 30, ivr=True)  # 1 minute, in the menu
    usage_record_city(municipality=city_a, now=dt.datetime(2026, 11, 4, 12, tzinfo=TOKYO))
    usage_record_city(municipality=city_a, now=dt.datetime(2026, 11, 4, 12, 10, tzinfo=TOKYO))

    totals = usage_totals(city_a, NOV)
    assert (totals["call_minutes"], totals["ivr_session"]) == (3, 1)


def test_a_booking_counts_in_the_month_of_the_city_clock(city_a):
    book(city_a, dt.datetime(2026, 11, 30, 23, 30, tzinfo=TOKYO))  # 14:30 UTC: still November in Tokyo
    record_all()

    assert usage_totals(city_a, NOV)["booking"] == 1


def test_a_cancellation_in_the_same_month_is_marked_and_a_later_one_is_not(city_a):
    same = book(city_a, dt.datetime(2026, 11, 2, 10, tzinfo=TOKYO))
    cancel(city_a, same, dt.datetime(2026, 11, 3, 10, tzinfo=TOKYO))
    late = book(city_a, dt.datetime(2026, 11, 27, 10, tzinfo=TOKYO))
    cancel(city_a, late, dt.datetime(2026, 12, 1, 9, tzinfo=TOKYO))
    record_all()

    november = usage_totals(city_a, NOV)
    december = usage_totals(city_a, dt.date(2026, 12, 1))
    assert (november["booking"], november["booking_cancelled"], november["booking_cancelled_same_month"]) == (2, 1, 1)
    assert (december["booking_cancelled"], december["booking_cancelled_same_month"]) == (1, 0)
