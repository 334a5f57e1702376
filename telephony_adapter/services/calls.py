"""A call's record in the city's schema, from ringing to its outcome (CC-7); and the end of a call."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from telephony_adapter.models import CallRecord, EndReason, IvrSession, Outcome
from telephony_adapter.routing.models import CallRoute, RouteStatus
from telephony_adapter.services.distribution import route_answered, route_end


def call_record_open(*, provider: str, call_id: str, caller: str, dialled: str, in_hours: bool,
                     now: dt.datetime) -> CallRecord:
    call, created = CallRecord.objects.get_or_create(
        provider=provider, call_id=call_id,
        defaults={"caller_number": caller, "dialled_number": dialled, "started_at": now, "in_hours": in_hours})
    if created:
        IvrSession.objects.create(call=call)
    return call


def call_record(route: CallRoute) -> CallRecord | None:
    return CallRecord.objects.select_related("ivr").filter(provider=route.provider, call_id=route.call_id).first()


def call_answered(*, route: CallRoute, call: CallRecord, now: dt.datetime | None = None) -> bool:
    """The operator picked up: the answer is timed now (average speed of answer, CC-2)."""
    now = now or timezone.now()
    if not route_answered(route=route, now=now) and call.answered_at is not None:
        return False
    route.refresh_from_db()
    if route.status != RouteStatus.CONNECTED:
        return False
    if call.answered_at is None:
        operator = route.operator
        CallRecord.objects.filter(pk=call.pk, answered_at__isnull=True).update(
            answered_at=now, operator_id=route.operator_id,
            operator_label=operator.get_username() if operator else "")
        call.refresh_from_db()
    return True


def _end_reason(previous: str, call: CallRecord) -> str:
    if call.end_reason == EndReason.TRANSFERRED:
        return call.end_reason
    if previous == RouteStatus.CONNECTED or call.answered_at is not None:
        return EndReason.OPERATOR
    if previous == RouteStatus.WAITING:
        return EndReason.ABANDONED
    if previous == RouteStatus.OFFERED:
        return EndReason.NOT_ANSWERED
    if call.enqueued_at is not None:
        return EndReason.OVERFLOW
    return EndReason.SELF_SERVICE if call.in_hours else EndReason.AFTER_HOURS


def call_hung_up(*, route: CallRoute, call: CallRecord, now: dt.datetime | None = None) -> CallRecord:
    """The provider says the call is over: route closed, operator to wrap-up, the record completed."""
    now = now or timezone.now()
    with transaction.atomic():
        previous = route_end(route=route, now=now)
        call = CallRecord.objects.select_for_update().get(pk=call.pk)
        if call.ended_at is not None:
            return call
        call.ended_at = now
        call.end_reason = _end_reason(previous, call)
        if not call.outcome and call.end_reason != EndReason.OPERATOR:
            # a call nobody wraps up gets its outcome here: what the IVR did, or "other"
            call.outcome = Outcome.ENQUIRY if call.notice_id else Outcome.OTHER
            call.wrapped_up_at = now
        call.save(update_fields=["ended_at", "end_reason", "outcome", "wrapped_up_at"])
    return call


def call_outcome_set(*, call: CallRecord, outcome: str, note: str = "", now: dt.datetime | None = None) -> CallRecord:
    """The operator closes the case with an outcome code (every call ends with one)."""
    if outcome not in Outcome.values:
        raise ValueError(outcome)
    now = now or timezone.now()
    CallRecord.objects.filter(pk=call.pk).update(outcome=outcome, outcome_note=note[:500], wrapped_up_at=now)
    call.refresh_from_db()
    return call
