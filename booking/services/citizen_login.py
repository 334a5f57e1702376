"""Citizens log in with the notice number and their day of birth (WEB-2), behind brute-force guards (WEB-11).

A birth day has 31 values, so the guards are what makes this login safe. Each is a counter in
the city's schema that every web process sees, counted by one SQL statement and decided on the
counted value, never read first and written later:

* **Per notice number** (as typed, normalised, whether or not such a notice exists, so locking
  tells nothing about which numbers are real). An attempt first reserves its place with one
  conditional upsert on the number's guard row, inside the transaction that then compares the
  secret; the row stays locked until that transaction ends, so parallel attempts queue up and at
  most the city's limit of wrong secrets is ever compared. The attempt that reaches the limit
  locks the number; nothing is accepted on a locked number, not even the right day. A lock lapses
  after the city's lock period (0: only staff or operators unlock), and a lapsed lock counts
  afresh. A successful login clears the count.
* **Per client** (an address or a caller's number, kept as a keyed hash): a client that fails
  often gets one attempt per interval, then is refused until its window ends. An attempt is
  counted before it is evaluated and given back when it succeeds, so parallel attempts cannot
  slip past the limit either.
* **Per city and minute**, across all clients: above the limit a logged event shows a spray of
  guesses spread over many addresses, and clients that already failed in this window wait for
  the next minute; clients with a clean record still log in.

Refusals cost the server one statement and no sleep: the caller answers with 429 and Retry-After.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import ipaddress
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from booking.clock import current_municipality
from booking.errors import ClientRefusedError, LoginFailedError, NoticeLockedError, NoticeNumberFormatError
from booking.models import Channel, ClientLoginGuard, LoginFailureMinute, LoginLockEvent, Notice, NoticeLoginGuard
from booking.notice_numbers import normalise_notice_number, notice_number_well_formed
from booking.selectors.joined_rows import table
from booking.selectors.lookups import notice_with_number
from booking.services.audit import Actor, audit_record
from kernel.prepared import prepared_cursor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientLimits:
    """The per-client and per-city limits (settings `BOOKING_CLIENT_*`, `BOOKING_CITY_*`)."""

    window: dt.timedelta
    slow_after: int
    slow_interval: dt.timedelta
    refuse_after: int
    city_failures_per_minute: int

    @classmethod
    def from_settings(cls) -> ClientLimits:
        return cls(
            window=dt.timedelta(minutes=settings.BOOKING_CLIENT_WINDOW_MINUTES),
            slow_after=settings.BOOKING_CLIENT_SLOW_AFTER,
            slow_interval=dt.timedelta(seconds=settings.BOOKING_CLIENT_SLOW_INTERVAL_SECONDS),
            refuse_after=settings.BOOKING_CLIENT_REFUSE_AFTER,
            city_failures_per_minute=settings.BOOKING_CITY_FAILURES_PER_MINUTE,
        )


def client_key(client: str) -> str:
    """The keyed hash a client is counted under; the address itself is never stored here."""
    return hmac.new(settings.SECRET_KEY.encode(), client.encode(), hashlib.sha256).hexdigest()


def _secret_matches(notice: Notice, day: int | None, month: int | None) -> bool:
    if day is None or notice.birth_day != day:
        return False
    if current_municipality().login_secret == "month_day":
        return notice.birth_month is not None and notice.birth_month == month
    return True


def _minute(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


def citizen_authenticate(*, number: str, day: int | None, month: int | None = None, client: str,
                         channel: str = Channel.WEB) -> Notice:
    """The notice for this number and secret, or a login error; counts and locks on failure.

    `client` names who is asking: the web's client address or the IVR caller's number. A
    successful login is recorded in the audit trail (SEC-9: who looked at which booking).
    Raises NoticeNumberFormatError, ClientRefusedError, NoticeLockedError or LoginFailedError.
    """
    now = timezone.now()
    normalised = normalise_notice_number(number)
    if not notice_number_well_formed(normalised):
        raise NoticeNumberFormatError()
    limits = ClientLimits.from_settings()
    key = client_key(client)
    _client_admit(key, now, limits)
    notice, outcome = _notice_attempt(normalised, day, month, client, channel, now)
    if outcome == _Outcome.ACCEPTED:
        _client_refund(key)
        return notice
    _city_failure_count(now, limits, client)
    if outcome == _Outcome.FAILED:
        raise LoginFailedError()
    raise NoticeLockedError()


# --- per client ------------------------------------------------------------------------------
_CLIENT_ADMIT = """
WITH attempt AS (
    INSERT INTO {table} AS g (address_key, failures, window_started_at, last_attempt_at)
    VALUES (%(key)s, 1, %(now)s, %(now)s)
    ON CONFLICT (address_key) DO UPDATE SET
        failures = CASE WHEN g.window_started_at <= %(window_start)s THEN 1 ELSE g.failures + 1 END,
        window_started_at = CASE WHEN g.window_started_at <= %(window_start)s THEN %(now)s
                                 ELSE g.window_started_at END,
        last_attempt_at = %(now)s
    WHERE g.window_started_at <= %(window_start)s
       OR ((g.failures < %(slow_after)s
            OR (g.failures < %(refuse_after)s AND g.last_attempt_at <= %(slow_cutoff)s))
           AND (g.failures = 0
                OR COALESCE((SELECT m.failures FROM {minutes} m WHERE m.minute = %(minute)s), 0)
                   < %(city_limit)s))
    RETURNING g.failures
)
SELECT (SELECT failures FROM attempt), g.failures, g.window_started_at, g.last_attempt_at
FROM (SELECT 1) AS one LEFT JOIN {table} AS g ON g.address_key = %(key)s
"""


def _client_admit(key: str, now: dt.datetime, limits: ClientLimits) -> None:
    """Count this attempt against the client, or refuse it (ClientRefusedError with Retry-After).

    One statement: the attempt is counted if the client may try now; otherwise the row as it
    stands tells how long to wait.
    """
    sql = _CLIENT_ADMIT.format(table=ClientLoginGuard._meta.db_table, minutes=LoginFailureMinute._meta.db_table)
    with prepared_cursor() as cursor:
        cursor.execute(sql, {
            "key": key, "now": now, "window_start": now - limits.window, "slow_after": limits.slow_after,
            "refuse_after": limits.refuse_after, "slow_cutoff": now - limits.slow_interval,
            "minute": _minute(now), "city_limit": limits.city_failures_per_minute,
        })
        admitted, failures, window_started_at, last_attempt_at = cursor.fetchone()
    if admitted is None:
        raise ClientRefusedError(retry_after=_retry_after(failures, window_started_at, last_attempt_at, now, limits))


def _retry_after(failures: int, window_started_at: dt.datetime, last_attempt_at: dt.datetime, now: dt.datetime,
                 limits: ClientLimits) -> int:
    """Seconds until a refused client may try again: the end of its window, its next slow attempt,
    or the next minute when the city is under a spray of failures."""
    window_ends = window_started_at + limits.window
    if failures >= limits.refuse_after:
        waits = window_ends
    elif failures >= limits.slow_after and last_attempt_at + limits.slow_interval > now:
        waits = last_attempt_at + limits.slow_interval
    else:
        waits = _minute(now) + dt.timedelta(minutes=1)
    return max(1, math.ceil((min(waits, window_ends) - now).total_seconds()))


def _client_refund(key: str) -> None:
    """A successful attempt gives its count back (but never clears earlier failures)."""
    with prepared_cursor() as cursor:  # every login: one statement written once
        cursor.execute(f"UPDATE {table(ClientLoginGuard)} SET failures = failures - 1 "
                       "WHERE address_key = %s AND failures > 0", [key])


# --- per city and minute -----------------------------------------------------------------------
_CITY_FAILURE = """
INSERT INTO {table} AS m (minute, failures) VALUES (%(minute)s, 1)
ON CONFLICT (minute) DO UPDATE SET failures = m.failures + 1
RETURNING m.failures
"""


def _city_failure_count(now: dt.datetime, limits: ClientLimits, client: str) -> None:
    with prepared_cursor() as cursor:
        cursor.execute(_CITY_FAILURE.format(table=LoginFailureMinute._meta.db_table), {"minute": _minute(now)})
        (failures,) = cursor.fetchone()
    if failures == limits.city_failures_per_minute:  # exactly once per minute
        LoginLockEvent.objects.create(event=LoginLockEvent.Event.SPRAY, source_address=_ip_or_none(client))
        logger.warning("citizen login: %s failed logins in one minute in %s (spray across clients)",
                       failures, connection.schema_name)


# --- per notice number -------------------------------------------------------------------------
_NOTICE_ADMIT = """
INSERT INTO {table} AS g (number, failures, last_failure_at, locked_at)
VALUES (%(number)s, 1, NULL, NULL)
ON CONFLICT (number) DO UPDATE SET
    failures = CASE WHEN {lapsed} THEN 1 ELSE g.failures + 1 END,
    locked_at = CASE WHEN {lapsed} THEN NULL ELSE g.locked_at END
WHERE {lapsed} OR (g.locked_at IS NULL AND g.failures < %(limit)s)
RETURNING g.failures
"""
_LAPSED = "(g.locked_at IS NOT NULL AND %(lapses)s AND g.locked_at <= %(lapse_cutoff)s)"


class _Outcome(enum.Enum):
    ACCEPTED = "accepted"
    FAILED = "failed"            # a wrong secret (or an unknown number), counted
    LOCKED_NOW = "locked_now"    # the failure that reached the limit
    LOCKED = "locked"            # refused before comparing anything


def _notice_attempt(number: str, day: int | None, month: int | None, client: str, channel: str,
                    now: dt.datetime) -> tuple[Notice | None, _Outcome]:
    municipality = current_municipality()
    limit = max(municipality.login_failure_limit, 1)
    hours = municipality.login_lock_hours
    sql = _NOTICE_ADMIT.format(table=NoticeLoginGuard._meta.db_table, lapsed=_LAPSED)
    with transaction.atomic():
        with prepared_cursor() as cursor:
            cursor.execute(sql, {"number": number, "limit": limit, "lapses": hours > 0,
                                 "lapse_cutoff": now - dt.timedelta(hours=hours)})
            reserved = cursor.fetchone()
        if reserved is None:  # locked, or the last allowed attempts are still being compared
            return None, _Outcome.LOCKED
        (attempt,) = reserved
        notice = notice_with_number(number)
        if notice is not None and _secret_matches(notice, day, month):
            with prepared_cursor() as cursor:  # never locked here: admitted (every login: no ORM to compile)
                cursor.execute(f"UPDATE {table(NoticeLoginGuard)} SET failures = 0 WHERE number = %s",
                               [number])
            audit_record(actor=Actor.citizen(channel=channel, notice=notice), action="notice.login", notice=notice)
            return notice, _Outcome.ACCEPTED
        if attempt < limit:
            NoticeLoginGuard.objects.filter(number=number).update(last_failure_at=now)
            return None, _Outcome.FAILED
        NoticeLoginGuard.objects.filter(number=number).update(last_failure_at=now, locked_at=now)
        LoginLockEvent.objects.create(event=LoginLockEvent.Event.LOCKED, number=number,
                                      source_address=_ip_or_none(client))
        logger.info("citizen login: a notice number was locked after %s failures", attempt)
        return None, _Outcome.LOCKED_NOW


def _ip_or_none(client: str) -> str | None:
    try:
        return str(ipaddress.ip_address(client))
    except ValueError:
        return None


def notice_login_unlock(*, number: str, actor: Actor, client: str | None = None) -> bool:
    """Staff or an operator unlocks a notice number (after checking the caller). True if it was locked."""
    normalised = normalise_notice_number(number)
    if not notice_number_well_formed(normalised):
        return False
    with transaction.atomic():
        updated = NoticeLoginGuard.objects.filter(number=normalised).exclude(locked_at=None).update(
            failures=0, locked_at=None)
        if updated:
            LoginLockEvent.objects.create(event=LoginLockEvent.Event.UNLOCKED, number=normalised,
                                          source_address=_ip_or_none(client) if client else None,
                                          actor_label=actor.label[:150])
            notice = Notice.objects.filter(number=normalised).first()
            audit_record(actor=actor, action="notice.unlock", notice=notice, changes={"number": normalised})
    return bool(updated)


def notice_login_locked(number: str) -> bool:
    """Whether this number is locked now (for the staff console and the operator console)."""
    guard = NoticeLoginGuard.objects.filter(number=normalise_notice_number(number)).first()
    if guard is None or guard.locked_at is None:
        return False
    hours = current_municipality().login_lock_hours
    return hours == 0 or timezone.now() < guard.locked_at + dt.timedelta(hours=hours)


def login_counters_purge(now: dt.datetime | None = None) -> int:
    """Forget per-client and per-minute counters whose windows ended a day ago (numbers' guards stay)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=1)
    clients, _ = ClientLoginGuard.objects.filter(window_started_at__lt=cutoff).delete()
    minutes, _ = LoginFailureMinute.objects.filter(minute__lt=cutoff).delete()
    return clients + minutes
