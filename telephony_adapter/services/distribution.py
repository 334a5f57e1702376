"""Automatic call distribution (CC-10, CC-11, CC-12), in the public schema across cities.

A call that wants an operator goes to the longest-idle available operator who speaks its language
and answers for its city; with nobody free it waits, and each operator who becomes available takes
the longest-waiting call they can answer. Every decision is one transaction that locks the rows it
changes: `SELECT … FOR UPDATE SKIP LOCKED` on operator presence (or on waiting calls), so two calls
arriving together never get the same operator and two operators never take the same call; a
partial unique index keeps one live call per operator as the database's own guarantee.

A call and an operator that miss each other because both were deciding at the same instant meet
at the call's next queue poll (every few seconds), never later.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from telephony_adapter.routing.models import (
    CallRoute,
    OperatorPresence,
    PresenceStatus,
    ProviderEvent,
    RejectedRequest,
    RouteStatus,
)
from tenants.access import access_municipalities, dangerously_operator_user_ids

logger = logging.getLogger(__name__)


def route_open(*, provider: str, call_id: str, municipality, language: str = "ja",
               now: dt.datetime | None = None) -> CallRoute:
    route, _created = CallRoute.objects.get_or_create(
        provider=provider, call_id=call_id,
        defaults={"municipality": municipality, "language": language, "created_at": now or timezone.now()})
    return route


def route_set_language(*, route: CallRoute, language: str) -> None:
    CallRoute.objects.filter(pk=route.pk).update(language=language)
    route.language = language


def presence_of(user, now: dt.datetime | None = None) -> OperatorPresence:
    presence, _ = OperatorPresence.objects.get_or_create(user=user, defaults={"since": now or timezone.now()})
    return presence


def call_enqueue(*, route: CallRoute, now: dt.datetime | None = None) -> CallRoute:
    """The caller asked for an operator: queue the call (keeping its place) and try to assign it."""
    now = now or timezone.now()
    CallRoute.objects.filter(pk=route.pk, status=RouteStatus.IVR).update(
        status=RouteStatus.WAITING, enqueued_at=now)
    return route_try_assign(route_id=route.pk, now=now)


def route_try_assign(*, route_id: int, now: dt.datetime | None = None) -> CallRoute:
    """Give a waiting call to the longest-idle available operator with its language and city."""
    now = now or timezone.now()
    with transaction.atomic():
        route = CallRoute.objects.select_for_update().get(pk=route_id)
        if route.status != RouteStatus.WAITING:
            return route
        presence = (OperatorPresence.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(status=PresenceStatus.AVAILABLE, user__language_skills__contains=[route.language],
                            user_id__in=dangerously_operator_user_ids(route.municipality_id))
                    .order_by("since", "pk").first())
        if presence is None:
            return route
        _assign(route, presence, now)
        return route


def operator_ready(*, user, now: dt.datetime | None = None) -> CallRoute | None:
    """The operator is available (again): idle from now; they take the longest-waiting call they can."""
    now = now or timezone.now()
    presence_of(user, now)
    with transaction.atomic():
        presence = OperatorPresence.objects.select_for_update().get(user=user)
        if presence.status != PresenceStatus.AVAILABLE or presence.call_id:
            presence.status, presence.call_id, presence.since = PresenceStatus.AVAILABLE, "", now
            presence.save(update_fields=["status", "call_id", "since"])
        route = (CallRoute.objects.select_for_update(skip_locked=True)
                 .filter(status=RouteStatus.WAITING, language__in=list(user.language_skills or []),
                         municipality__in=access_municipalities(user).order_by().values("pk"))
                 .order_by("enqueued_at", "pk").first())
        if route is None:
            return None
        _assign(route, presence, now)
        return route


def operator_set_status(*, user, status: str, now: dt.datetime | None = None) -> OperatorPresence:
    """Offline, busy or wrap-up (not taking calls) by the operator's choice; available goes through
    `operator_ready`. Wrap-up is the after-call work (notes, a call-back) an operator may also choose
    by hand; a call in progress is finished first."""
    now = now or timezone.now()
    presence_of(user, now)
    with transaction.atomic():
        presence = OperatorPresence.objects.select_for_update().get(user=user)
        if presence.call_id and status in (PresenceStatus.OFFLINE, PresenceStatus.BUSY, PresenceStatus.WRAP_UP):
            return presence  # a call in progress or in wrap-up is finished first
        presence.status, presence.since = status, now
        presence.save(update_fields=["status", "since"])
    return presence


def _assign(route: CallRoute, presence: OperatorPresence, now: dt.datetime) -> None:
    try:
        with transaction.atomic():
            route.status, route.operator_id, route.offered_at = RouteStatus.OFFERED, presence.user_id, now
            route.save(update_fields=["status", "operator", "offered_at"])
            presence.status, presence.call_id, presence.since = PresenceStatus.BUSY, route.call_id, now
            presence.calls_taken = F("calls_taken") + 1
            presence.save(update_fields=["status", "call_id", "since", "calls_taken"])
            presence.refresh_from_db(fields=["calls_taken"])
    except IntegrityError:  # the database refused a second live call for this operator
        logger.error("distribution: operator %s already holds a live call; %s stays queued",
                     presence.user_id, route.call_id)
        route.refresh_from_db()


def route_answered(*, route: CallRoute, now: dt.datetime | None = None) -> bool:
    """The operator picked up. False when the call was not ringing there any more."""
    return bool(CallRoute.objects.filter(pk=route.pk, status=RouteStatus.OFFERED).update(
        status=RouteStatus.CONNECTED))


def route_not_answered(*, route: CallRoute, now: dt.datetime | None = None) -> CallRoute:
    """The operator did not pick up: they go offline, the call keeps its place and is offered again."""
    now = now or timezone.now()
    with transaction.atomic():
        route = CallRoute.objects.select_for_update().get(pk=route.pk)
        if route.status != RouteStatus.OFFERED:
            return route
        OperatorPresence.objects.filter(user_id=route.operator_id, call_id=route.call_id).update(
            status=PresenceStatus.OFFLINE, call_id="", since=now)
        route.status, route.operator_id, route.offered_at = RouteStatus.WAITING, None, None
        route.save(update_fields=["status", "operator", "offered_at"])
    return route_try_assign(route_id=route.pk, now=now)


def route_back_to_ivr(*, route: CallRoute) -> bool:
    """A waiting call overflows to the automated menu (the city's longest wait has passed)."""
    return bool(CallRoute.objects.filter(pk=route.pk, status=RouteStatus.WAITING).update(status=RouteStatus.IVR))


def route_end(*, route: CallRoute, now: dt.datetime | None = None) -> str:
    """The call ended; returns the status it had. Its operator goes to wrap-up (or back to idle if it
    was only ringing there)."""
    now = now or timezone.now()
    with transaction.atomic():
        route = CallRoute.objects.select_for_update().get(pk=route.pk)
        previous = route.status
        if previous == RouteStatus.ENDED:
            return previous
        if route.operator_id:
            presence = OperatorPresence.objects.select_for_update().filter(
                user_id=route.operator_id, call_id=route.call_id).first()
            if presence is not None and previous == RouteStatus.CONNECTED:
                presence.status, presence.since = PresenceStatus.WRAP_UP, now
                presence.save(update_fields=["status", "since"])
            elif presence is not None:
                presence.status, presence.call_id, presence.since = PresenceStatus.AVAILABLE, "", now
                presence.save(update_fields=["status", "call_id", "since"])
        route.status = RouteStatus.ENDED
        route.save(update_fields=["status"])
    return previous


def queue_position(route: CallRoute) -> int:
    """1 for the first caller waiting in this city and language."""
    if route.enqueued_at is None:
        return 1
    return CallRoute.objects.filter(
        status=RouteStatus.WAITING, municipality_id=route.municipality_id, language=route.language,
        enqueued_at__lt=route.enqueued_at).count() + 1


def routing_purge(*, now: dt.datetime | None = None, keep_days: int = 30) -> int:
    """Forget provider events and ended routes older than `keep_days` (the calls' records stay in the cities)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    events, _ = ProviderEvent.objects.filter(received_at__lt=cutoff).delete()
    routes, _ = CallRoute.objects.filter(status=RouteStatus.ENDED, created_at__lt=cutoff).delete()
    rejected, _ = RejectedRequest.objects.filter(created_at__lt=cutoff).delete()
    return events + routes + rejected
