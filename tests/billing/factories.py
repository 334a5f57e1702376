"""Plans, bookings and calls for billing tests."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import DateStyle, Plan
from booking.models import Place
from booking.services.reservations import reservation_book, reservation_cancel
from telephony_adapter.models import CallRecord, IvrSession
from tests.booking.factories import STAFF, NoticeFactory, make_slot, open_weekday

TOKYO = dt.timezone(dt.timedelta(hours=9))
_calls = itertools.count(1)


def make_plan(city, **overrides) -> Plan:
    values = {"effective_from": dt.date(2026, 1, 1), "base_fee_yen": 50000, "per_booking_yen": Decimal("100"),
              "per_call_minute_yen": Decimal("20"), "per_ivr_session_yen": Decimal("15"),
              "credit_cancelled_in_month": True, "date_style": DateStyle.JAPANESE_ERA}
    values.update(overrides)
    return Plan.objects.create(municipality=city, **values)


def book(city, when: dt.datetime):
    """A booking made by the counter at `when` (the clock frozen there), through reservation_book."""
    with time_machine.travel(when, tick=False), tenant_context(city):
        place = Place.objects.order_by("sort_order", "pk").first()
        slot = make_slot(place, open_weekday(min_days=2), capacity=50)
        return reservation_book(notice=NoticeFactory(), slot=slot, actor=STAFF).reservation


def cancel(city, reservation, when: dt.datetime):
    with time_machine.travel(when, tick=False), tenant_context(city):
        return reservation_cancel(reservation=reservation, actor=STAFF)


def call(city, started: dt.datetime, seconds: int, *, ivr: bool = False) -> CallRecord:
    with tenant_context(city):
        record = CallRecord.objects.create(provider="twilio", call_id=f"CAbill{next(_calls)}", started_at=started,
                                           ended_at=started + dt.timedelta(seconds=seconds))
        if ivr:
            IvrSession.objects.create(call=record)
        return record


def now() -> dt.datetime:
    return timezone.now()
