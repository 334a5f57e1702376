"""The password login's throttle (SYS-5): per account and per client address, no sleeps, no races.

Why not django-axes: axes decides on a failure count it read before the attempt and writes the
new count after the password check (its database handler's get-then-update), so attempts sent
together all see the same count and all get their password compared; it also needs its own
authentication backend, middleware and lockout responses beside the citizen login's guards.
This reuses the citizen login's pattern (booking.services.citizen_login) on a public table:

* every attempt is counted BEFORE the password is compared, by one conditional upsert per key
  (`INSERT … ON CONFLICT DO UPDATE … WHERE attempts < limit RETURNING`): the database decides,
  so however many attempts arrive together, at most `limit` per window are ever compared;
* a refused attempt costs one statement and gets 429 with Retry-After (the window's end);
* a successful login clears its account's count and gives the address its attempt back.

Limits (settings): `STAFF_LOGIN_ACCOUNT_LIMIT` attempts per account and
`STAFF_LOGIN_ADDRESS_LIMIT` per client address within `STAFF_LOGIN_WINDOW_SECONDS`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from kernel.prepared import prepared_cursor
from tenants.models import LoginThrottle

security_log = logging.getLogger("madoguchi.security")

_ADMIT = """
WITH attempt AS (
    INSERT INTO {table} AS g (key, attempts, window_started_at)
    VALUES (%(key)s, 1, %(now)s)
    ON CONFLICT (key) DO UPDATE SET
        attempts = CASE WHEN g.window_started_at <= %(window_start)s THEN 1 ELSE g.attempts + 1 END,
        window_started_at = CASE WHEN g.window_started_at <= %(window_start)s THEN %(now)s
                                 ELSE g.window_started_at END
    WHERE g.window_started_at <= %(window_start)s OR g.attempts < %(limit)s
    RETURNING g.attempts
)
SELECT (SELECT attempts FROM attempt), g.window_started_at
FROM (SELECT 1) AS one LEFT JOIN {table} AS g ON g.key = %(key)s
"""


class LoginThrottled(Exception):
    def __init__(self, retry_after: int, scope: str):
        super().__init__(scope)
        self.retry_after = retry_after
        self.scope = scope


@dataclass(frozen=True)
class LoginTicket:
    """The keys an admitted attempt was counted under (to settle it after the password check)."""

    account_key: str
    address_key: str


def _key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:64]}"


def _admit(key: str, limit: int, now: dt.datetime, window: dt.timedelta) -> int | None:
    """Count one attempt under `key`; the seconds to wait when it is over the limit, else None."""
    with prepared_cursor() as cursor:
        cursor.execute(_ADMIT.format(table=LoginThrottle._meta.db_table),
                       {"key": key, "now": now, "window_start": now - window, "limit": limit})
        admitted, window_started_at = cursor.fetchone()
    if admitted is not None:
        return None
    if window_started_at is None:  # the row was written by an attempt that committed after this statement began
        window_started_at = (LoginThrottle.objects.filter(key=key).values_list("window_started_at", flat=True)
                             .first() or now)
    return max(1, math.ceil((window_started_at + window - now).total_seconds()))


def _give_back(key: str) -> None:
    LoginThrottle.objects.filter(key=key, attempts__gt=0).update(attempts=F("attempts") - 1)


def login_throttle_admit(username: str, address: str) -> LoginTicket:
    """Count a password attempt for this account and address, or raise LoginThrottled (nothing compared)."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.STAFF_LOGIN_WINDOW_SECONDS)
    ticket = LoginTicket(_key("account", (username or "").strip().lower()), _key("address", address or ""))
    wait = _admit(ticket.address_key, settings.STAFF_LOGIN_ADDRESS_LIMIT, now, window)
    if wait is not None:
        security_log.warning("password login refused: too many attempts from address %s", address)
        raise LoginThrottled(wait, "address")
    wait = _admit(ticket.account_key, settings.STAFF_LOGIN_ACCOUNT_LIMIT, now, window)
    if wait is not None:
        _give_back(ticket.address_key)
        security_log.warning("password login refused: too many attempts for one account (from %s)", address)
        raise LoginThrottled(wait, "account")
    return ticket


def login_throttle_succeeded(ticket: LoginTicket) -> None:
    """The password was right: the account starts afresh, the address gets its attempt back."""
    LoginThrottle.objects.filter(key=ticket.account_key).delete()
    _give_back(ticket.address_key)


def login_throttle_purge(now: dt.datetime | None = None) -> int:
    """Forget counters whose window ended a day ago (the nightly beat task)."""
    now = now or timezone.now()
    deleted, _ = LoginThrottle.objects.filter(window_started_at__lt=now - dt.timedelta(days=1)).delete()
    return deleted
