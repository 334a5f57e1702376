"""Citizens log in with the notice number and their day of birth (WEB-2), behind brute-force guards (WEB-11).

* A wrong pair gets the same generic error whether or not the number exists.
* Failures are counted per normalised number typed; after the city's limit (default 3) the number
  locks: even the right day is refused and the citizen is asked to call. Locks lapse after the
  city's lock period (0: only staff or operators unlock) and every lock and unlock is logged with
  its source.
* Failures are also counted per client address: a client that fails often is slowed, then
  refused until its window ends.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.clock import current_municipality
from booking.errors import BookingError
from booking.models import ClientLoginGuard, LoginLockEvent, Notice, NoticeLoginGuard
from booking.services.audit import Actor, audit_record
from booking.services.notices import normalise_notice_number
from config.errors import ApplicationError
from tenants.models import Municipality

logger = logging.getLogger(__name__)


class LoginFailedError(BookingError):
    default_message = _("The notice number or the date of birth is not correct.")


class NoticeLockedError(BookingError):
    status_code = 403
    default_message = _("This notice is locked after too many failed attempts. Please call us to unlock it.")


class ClientRefusedError(ApplicationError):
    status_code = 429
    default_message = _("Too many failed attempts from this connection. Please wait a while and try again.")


def _address_key(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _secret_matches(notice: Notice, day: int, month: int | None) -> bool:
    if notice.birth_day != day:
        return False
    if current_municipality().login_secret == Municipality.LoginSecret.MONTH_DAY:
        return notice.birth_month is not None and notice.birth_month == month
    return True


def _lock_is_active(guard: NoticeLoginGuard | None, now: dt.datetime) -> bool:
    if guard is None or guard.locked_at is None:
        return False
    hours = current_municipality().login_lock_hours
    return hours == 0 or now < guard.locked_at + dt.timedelta(hours=hours)


def _client_guard(address: str, now: dt.datetime) -> ClientLoginGuard:
    window = dt.timedelta(minutes=settings.BOOKING_CLIENT_WINDOW_MINUTES)
    guard, _created = ClientLoginGuard.objects.get_or_create(
        address_key=_address_key(address), defaults={"window_started_at": now})
    if now - guard.window_started_at > window:
        guard.failures, guard.window_started_at = 0, now
        guard.save(update_fields=["failures", "window_started_at"])
    return guard


def citizen_authenticate(*, number: str, day: int | None, month: int | None = None, address: str) -> Notice:
    """The notice for this number and secret, or a login error; counts and locks on failure.

    A successful login is recorded in the audit trail (SEC-9: who looked at which booking).
    """
    now = timezone.now()
    normalised = normalise_notice_number(number)
    client = _client_guard(address, now)
    if client.failures >= settings.BOOKING_CLIENT_REFUSE_AFTER:
        raise ClientRefusedError()
    if client.failures >= settings.BOOKING_CLIENT_SLOW_AFTER:
        time.sleep(settings.BOOKING_CLIENT_SLOWDOWN_SECONDS)

    guard = NoticeLoginGuard.objects.filter(number=normalised).first()
    if normalised and _lock_is_active(guard, now):
        _count_client_failure(client, address)
        raise NoticeLockedError()
    notice = Notice.objects.filter(number=normalised).first() if normalised else None
    if notice is not None and day is not None and _secret_matches(notice, day, month):
        if guard is not None and (guard.failures or guard.locked_at):
            NoticeLoginGuard.objects.filter(pk=guard.pk).update(failures=0, locked_at=None)
        audit_record(actor=Actor.citizen(notice=notice), action="notice.login", notice=notice)
        return notice
    _count_client_failure(client, address)
    if normalised and _count_notice_failure(normalised, address, now):
        raise NoticeLockedError()
    raise LoginFailedError()


def _count_client_failure(client: ClientLoginGuard, address: str) -> None:
    ClientLoginGuard.objects.filter(pk=client.pk).update(failures=F("failures") + 1)
    if client.failures + 1 == settings.BOOKING_CLIENT_REFUSE_AFTER:
        LoginLockEvent.objects.create(event=LoginLockEvent.Event.CLIENT_REFUSED, source_address=address)
        logger.warning("citizen login: a client was refused after %s failures", client.failures + 1)


def _count_notice_failure(number: str, address: str, now: dt.datetime) -> bool:
    """Count one failure for `number`; lock it when the limit is reached. True when now locked."""
    limit = current_municipality().login_failure_limit
    with transaction.atomic():
        guard, _created = NoticeLoginGuard.objects.select_for_update().get_or_create(number=number)
        if guard.locked_at is not None and not _lock_is_active(guard, now):
            guard.failures, guard.locked_at = 0, None  # an old lock lapsed: count afresh
        guard.failures += 1
        guard.last_failure_at = now
        locked_now = guard.failures >= limit and guard.locked_at is None
        if locked_now:
            guard.locked_at = now
            LoginLockEvent.objects.create(event=LoginLockEvent.Event.LOCKED, number=number, source_address=address)
        guard.save()
    return locked_now


def notice_login_unlock(*, number: str, actor_label: str, address: str | None = None) -> bool:
    """Staff or an operator unlocks a notice number (after checking the caller). True if it was locked."""
    normalised = normalise_notice_number(number)
    with transaction.atomic():
        updated = NoticeLoginGuard.objects.filter(number=normalised).exclude(locked_at=None).update(
            failures=0, locked_at=None)
        if updated:
            LoginLockEvent.objects.create(event=LoginLockEvent.Event.UNLOCKED, number=normalised,
                                          source_address=address, actor_label=actor_label)
    return bool(updated)


def client_address(request) -> str:
    """The client's address, trusting X-Forwarded-For only for the configured number of proxies."""
    hops = settings.BOOKING_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "0.0.0.0")
