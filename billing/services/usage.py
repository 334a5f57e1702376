"""Usage recorded from each city's own events, exactly once (PLT-3).

The scheduled task reads, in each city's schema, the events since the city's watermark: bookings
made and cancelled (the booking audit trail, `booking.AuditEntry`), and calls that ended (the call
records; their minutes, and whether the automated menu answered). Each event becomes one
`UsageRecord` keyed by the event itself (`reservation:<id>`, `call:<provider>:<call id>`), inserted
with `INSERT … ON CONFLICT DO NOTHING` on (city, kind, event key): an event read twice — the reads
overlap by `OVERLAP` to catch rows committed late, a task runs twice, two workers race — counts once.

A cancellation of a booking made in the same month is recorded with `same_month`; whether it takes
the booking off the bill is the plan's choice (`Plan.credit_cancelled_in_month`), applied when the
statement is drafted. A cancellation in a later month changes nothing: that month's statement was
already due.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import UsageKind, UsageRecord, UsageWatermark
from booking.models import AuditEntry
from telephony_adapter.models import CallRecord, IvrSession
from tenants.models import Municipality

OVERLAP = dt.timedelta(minutes=15)
BOOKING_ACTIONS = ("reservation.create", "reservation.walk_in")
SOURCE_AUDIT = "audit"
SOURCE_CALLS = "calls"


@dataclass(frozen=True)
class UsageEvent:
    kind: str
    event_key: str
    occurred_at: dt.datetime
    quantity: int = 1
    same_month: bool = False


def month_of(moment: dt.datetime, municipality: Municipality) -> dt.date:
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(municipality.time_zone or "Asia/Tokyo"))
    return local.date().replace(day=1)


def usage_events_record(*, municipality: Municipality, events: list[UsageEvent]) -> None:
    """Record events (ON CONFLICT DO NOTHING: an event already recorded is left as it is)."""
    rows = [UsageRecord(municipality=municipality, kind=event.kind, event_key=event.event_key,
                        occurred_at=event.occurred_at, month=month_of(event.occurred_at, municipality),
                        quantity=event.quantity, same_month=event.same_month) for event in events]
    UsageRecord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def _audit_events(municipality: Municipality, since: dt.datetime | None, until: dt.datetime) -> list[UsageEvent]:
    entries = (AuditEntry.objects.filter(action__in=(*BOOKING_ACTIONS, "reservation.cancel"), created_at__lt=until,
                                         reservation__isnull=False)
               .select_related("reservation").only("action", "created_at", "reservation__created_at")
               .order_by("id"))
    if since is not None:
        entries = entries.filter(created_at__gte=since - OVERLAP)
    events = []
    for entry in entries:
        key = f"reservation:{entry.reservation_id}"
        if entry.action in BOOKING_ACTIONS:
            events.append(UsageEvent(UsageKind.BOOKING, key, entry.created_at))
        else:
            same = month_of(entry.reservation.created_at, municipality) == month_of(entry.created_at, municipality)
            events.append(UsageEvent(UsageKind.BOOKING_CANCELLED, key, entry.created_at, same_month=same))
    return events


def call_minutes(call: CallRecord) -> int:
    """Started minutes of a call, from ringing to hang-up (a call of 61 s is 2 minutes)."""
    seconds = (call.ended_at - call.started_at).total_seconds()
    return max(1, math.ceil(seconds / 60)) if seconds > 0 else 0


def _call_events(since: dt.datetime | None, until: dt.datetime) -> list[UsageEvent]:
    calls = (CallRecord.objects.filter(ended_at__isnull=False, ended_at__lt=until)
             .only("provider", "call_id", "started_at", "ended_at").order_by("id"))
    if since is not None:
        calls = calls.filter(ended_at__gte=since - OVERLAP)
    calls = list(calls)
    with_menu = set(IvrSession.objects.filter(call_id__in=[call.pk for call in calls])
                    .values_list("call_id", flat=True))
    events = []
    for call in calls:
        key = f"call:{call.provider}:{call.call_id}"
        minutes = call_minutes(call)
        if minutes:
            events.append(UsageEvent(UsageKind.CALL_MINUTES, key, call.started_at, quantity=minutes))
        if call.pk in with_menu:
            events.append(UsageEvent(UsageKind.IVR_SESSION, key, call.started_at))
    return events


def usage_record_city(*, municipality: Municipality, now: dt.datetime | None = None) -> int:
    """Read the city's events since its watermarks and record them; returns the events read."""
    until = now or timezone.now()
    marks = {mark.source: mark.read_until
             for mark in UsageWatermark.objects.filter(municipality=municipality)}
    with tenant_context(municipality):
        with transaction.atomic():
            events = _audit_events(municipality, marks.get(SOURCE_AUDIT), until)
            events += _call_events(marks.get(SOURCE_CALLS), until)
            usage_events_record(municipality=municipality, events=events)
            for source in (SOURCE_AUDIT, SOURCE_CALLS):
                UsageWatermark.objects.update_or_create(municipality=municipality, source=source,
                                                        defaults={"read_until": until})
    return len(events)
