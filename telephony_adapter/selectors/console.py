"""What the operator console shows: the call on an operator's line (screen pop), the queues."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone
from django_tenants.utils import tenant_context

from telephony_adapter.models import Callback, CallRecord, Referral
from telephony_adapter.routing.models import CallRoute, OperatorPresence, PresenceStatus, RouteStatus
from tenants.access import dangerously_operator_user_ids_of
from tenants.models import Municipality


@dataclass(frozen=True)
class ScreenPop:
    """What an operator sees when a call reaches them (CC-12): city, language, caller, time waited."""

    city: Municipality
    call_id: str
    provider: str
    status: str
    language: str
    caller_number: str
    dialled_number: str
    waited_seconds: int
    started_at: dt.datetime
    answered: bool
    ended: bool
    notice_number: str
    outcome: str
    closed: bool  # the operator closed the case with its outcome (wrap-up done)


@dataclass(frozen=True)
class QueueLine:
    city: Municipality
    waiting: int
    longest_wait_seconds: int


def operator_presence(user) -> OperatorPresence | None:
    return OperatorPresence.objects.filter(user=user).first()


def operator_screen_pop(user, now: dt.datetime | None = None) -> ScreenPop | None:
    """The call on the operator's line (ringing, connected or in wrap-up), read in its city's schema."""
    now = now or timezone.now()
    presence = operator_presence(user)
    if presence is None or not presence.call_id:
        return None
    route = (CallRoute.objects.select_related("municipality")
             .filter(call_id=presence.call_id, operator=user).order_by("-created_at").first())
    if route is None:
        return None
    with tenant_context(route.municipality):
        call = (CallRecord.objects.select_related("notice")
                .filter(provider=route.provider, call_id=route.call_id).first())
        if call is None:
            return None
        until = call.answered_at or (now if route.status in (RouteStatus.WAITING, RouteStatus.OFFERED) else None)
        waited = int(((until or call.ended_at or now) - (call.enqueued_at or call.started_at)).total_seconds())
        return ScreenPop(
            city=route.municipality, call_id=route.call_id, provider=route.provider, status=route.status,
            language=call.language, caller_number=call.caller_number, dialled_number=call.dialled_number,
            waited_seconds=max(waited, 0), started_at=call.started_at, answered=call.answered_at is not None,
            ended=call.ended_at is not None or route.status == RouteStatus.ENDED,
            notice_number=call.notice.number if call.notice else "", outcome=call.outcome,
            closed=call.wrapped_up_at is not None and bool(call.outcome),
        )


def operator_call_record(user) -> tuple[Municipality, CallRecord] | tuple[None, None]:
    """The city and record of the call on the operator's line; read the record inside that city."""
    presence = operator_presence(user)
    if presence is None or not presence.call_id:
        return None, None
    route = (CallRoute.objects.select_related("municipality")
             .filter(call_id=presence.call_id, operator=user).order_by("-created_at").first())
    if route is None:
        return None, None
    with tenant_context(route.municipality):
        return route.municipality, CallRecord.objects.filter(provider=route.provider, call_id=route.call_id).first()


def queue_lines(cities, now: dt.datetime | None = None) -> list[QueueLine]:
    now = now or timezone.now()
    rows = {row["municipality"]: row for row in (
        CallRoute.objects.filter(status=RouteStatus.WAITING, municipality__in=cities)
        .values("municipality").annotate(waiting=Count("id"), oldest=Min("enqueued_at")))}
    lines = []
    for city in cities:
        row = rows.get(city.pk)
        oldest = row["oldest"] if row else None
        lines.append(QueueLine(city=city, waiting=row["waiting"] if row else 0,
                               longest_wait_seconds=int((now - oldest).total_seconds()) if oldest else 0))
    return lines


def operators_by_status(cities) -> dict[str, int]:
    """How many operators of these cities are available, busy, in wrap-up (the wallboard)."""
    users = dangerously_operator_user_ids_of(cities)
    counts = {status: 0 for status in PresenceStatus.values}
    for row in (OperatorPresence.objects.filter(user_id__in=users).values("status")
                .annotate(count=Count("id"))):
        counts[row["status"]] = row["count"]
    return counts


def open_callbacks(limit: int = 50) -> list[Callback]:
    return list(Callback.objects.filter(status=Callback.Status.OPEN).order_by("requested_at")[:limit])


def referral_directory(active_only: bool = True) -> list[Referral]:
    entries = Referral.objects.all()
    if active_only:
        entries = entries.filter(is_active=True)
    return list(entries.order_by("sort_order", "name"))


def recent_calls(limit: int = 20) -> list[CallRecord]:
    return list(CallRecord.objects.order_by("-started_at")[:limit])
