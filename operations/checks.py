"""Health checks: each looks at one part and says ok, failing (with why), or cannot tell (None).

They only read. `operations.services.incidents.checks_record` turns their results into incidents.
A check whose cause lies elsewhere says None rather than failing (no worker incident while the
broker is down: the broker incident says it all).
"""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from celery import current_app as app
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from kernel.outbox.selectors import outbox_backlog
from operations.models import Component, Heartbeat, RequestTally, Severity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckSpec:
    name: str
    component: str
    severity: str
    title: object  # lazily translated, shown on the status page and in alerts
    per_city: bool = False


SPECS = {spec.name: spec for spec in [
    CheckSpec("database_primary", Component.DATABASE, Severity.MAJOR, _("Booking data cannot be saved")),
    CheckSpec("database_standby", Component.DATABASE, Severity.MINOR, _("The standby database is not in step")),
    CheckSpec("replication_lag", Component.DATABASE, Severity.MINOR, _("The standby database is falling behind")),
    CheckSpec("broker", Component.MAIL, Severity.MAJOR, _("Mails are held back: the task queue cannot be reached")),
    CheckSpec("worker", Component.MAIL, Severity.MAJOR, _("Mails are held back: no worker is sending them")),
    CheckSpec("beat", Component.MAIL, Severity.MINOR, _("Reminders are held back: the scheduler is not running")),
    CheckSpec("mail_backlog", Component.MAIL, Severity.MINOR, _("Confirmation mails are delayed")),
    CheckSpec("disk", Component.PLATFORM, Severity.MINOR, _("Disk space is running low")),
    CheckSpec("error_rate", Component.BOOKING_SITE, Severity.MAJOR, _("Many pages end in an error")),
    CheckSpec("booking_path", Component.BOOKING_SITE, Severity.MAJOR, _("Booking does not work"), per_city=True),
]}


@dataclass
class CheckResult:
    check_name: str
    ok: bool | None
    detail: str = ""
    scope: str = ""
    waiting: int | None = None  # work held back (mails waiting), for the recovery progress
    figures: dict = field(default_factory=dict)


# --- database -------------------------------------------------------------------------------
def check_database() -> list[CheckResult]:
    """Primary writable; standbys streaming (pg_stat_replication) and their lag, where there are any."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            in_recovery = cursor.fetchone()[0]
            standbys = []
            if not in_recovery:
                cursor.execute("""SELECT coalesce(application_name, ''), coalesce(state, ''), coalesce(sync_state, ''),
                                         pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn),
                                         extract(epoch FROM replay_lag)
                                  FROM pg_stat_replication""")
                standbys = cursor.fetchall()
    except DatabaseError as error:
        connection.close()
        return [CheckResult("database_primary", False, f"database unreachable: {error}".strip()),
                CheckResult("database_standby", None), CheckResult("replication_lag", None)]
    if in_recovery:
        return [CheckResult("database_primary", False, "connected to a standby in recovery: writes are refused"),
                CheckResult("database_standby", None), CheckResult("replication_lag", None)]
    results = [CheckResult("database_primary", True, "primary accepts writes")]
    expected = settings.OPERATIONS_EXPECTED_STANDBYS
    streaming = [row for row in standbys if row[1] == "streaming"]
    listing = ", ".join(f"{name or '?'} {state} {sync}" for name, state, sync, _lag, _s in standbys) or "none"
    if expected == 0 and not standbys:
        results.append(CheckResult("database_standby", None, "no standby expected here"))
    else:
        ok = len(streaming) >= max(expected, 1)
        detail = f"{len(streaming)} of {max(expected, 1)} streaming: {listing}"
        results.append(CheckResult("database_standby", ok, detail, figures={"streaming": len(streaming)}))
    if streaming:
        lag_bytes = max(float(row[3] or 0) for row in streaming)
        lag_seconds = max(float(row[4] or 0) for row in streaming)
        ok = lag_seconds <= settings.OPERATIONS_MAX_LAG_SECONDS and lag_bytes <= settings.OPERATIONS_MAX_LAG_BYTES
        results.append(CheckResult("replication_lag", ok, f"replay lag {lag_seconds:.1f} s, {lag_bytes:.0f} bytes",
                                   figures={"seconds": lag_seconds, "bytes": lag_bytes}))
    else:
        results.append(CheckResult("replication_lag", None, "no streaming standby"))
    return results


# --- task queue -----------------------------------------------------------------------------
def broker_queue_depth() -> int | None:
    """Messages waiting in the default queue, or None when the broker cannot say."""
    try:
        with app.connection_for_read() as conn:
            queue = app.conf.task_default_queue
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
    except Exception:  # noqa: BLE001 - a transport that cannot count (filesystem) or a broker gone
        return None


def check_broker() -> CheckResult:
    started = time.monotonic()
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=3)
    except Exception as error:  # noqa: BLE001 - whatever the transport raises, the broker is not there
        return CheckResult("broker", False, f"{type(error).__name__}: {error}")
    return CheckResult("broker", True, f"connected in {1000 * (time.monotonic() - started):.0f} ms")


def _heartbeat_age(name: str, now: dt.datetime) -> float | None:
    beat = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat is None else (now - beat).total_seconds()


def check_worker(*, broker_ok: bool | None, now: dt.datetime, waiting: int | None) -> CheckResult:
    if broker_ok is False:
        return CheckResult("worker", None, "broker down: the worker cannot be asked", waiting=waiting)
    age = _heartbeat_age("worker", now)
    limit = settings.OPERATIONS_WORKER_STALE_SECONDS
    if age is None:  # the monitor asks every round: a worker that never answered is not there
        return CheckResult("worker", False, "no worker has ever answered the heartbeat", waiting=waiting)
    ok = age <= limit
    return CheckResult("worker", ok, f"last worker heartbeat {age:.0f} s ago (limit {limit} s)", waiting=waiting)


def check_beat(*, now: dt.datetime) -> CheckResult:
    age = _heartbeat_age("beat", now)
    limit = settings.OPERATIONS_BEAT_STALE_SECONDS
    if age is None:
        return CheckResult("beat", None, "no heartbeat from the scheduler yet")
    return CheckResult("beat", age <= limit, f"last scheduler tick {age:.0f} s ago (limit {limit} s)")


def check_mail_backlog(*, queue_depth: int | None) -> CheckResult:
    backlog = outbox_backlog()
    waiting = backlog.pending + (queue_depth or 0)
    too_old = backlog.oldest_age_seconds > settings.OPERATIONS_OUTBOX_MAX_AGE_SECONDS
    ok = not too_old and backlog.parked == 0
    detail = (f"outbox: {backlog.pending} pending (oldest {backlog.oldest_age_seconds:.0f} s), "
              f"{backlog.parked} parked; broker queue: {'?' if queue_depth is None else queue_depth}")
    return CheckResult("mail_backlog", ok, detail, waiting=waiting,
                       figures={"pending": backlog.pending, "parked": backlog.parked, "queue": queue_depth})


# --- machine and web ------------------------------------------------------------------------
def check_disk() -> CheckResult:
    path = settings.VAR_DIR if settings.VAR_DIR.exists() else settings.BASE_DIR
    usage = shutil.disk_usage(path)
    free = 100 * usage.free / usage.total
    limit = settings.OPERATIONS_DISK_MIN_FREE_PERCENT
    return CheckResult("disk", free >= limit, f"{free:.0f} % free at {path} (at least {limit} %)",
                       figures={"free_percent": free})


def check_error_rate(*, now: dt.datetime) -> CheckResult:
    since = now - dt.timedelta(minutes=settings.OPERATIONS_ERROR_WINDOW_MINUTES)
    totals = RequestTally.objects.filter(minute__gte=since).aggregate(requests=Sum("requests"), errors=Sum("errors"))
    requests, errors = totals["requests"] or 0, totals["errors"] or 0
    if requests < settings.OPERATIONS_ERROR_MIN_REQUESTS:
        return CheckResult("error_rate", None if errors == 0 else errors < 5,
                           f"{errors} errors in {requests} requests (too few to judge a rate)")
    rate = errors / requests
    return CheckResult("error_rate", rate <= settings.OPERATIONS_ERROR_RATE,
                       f"{errors} server errors in {requests} requests ({100 * rate:.1f} %)",
                       figures={"requests": requests, "errors": errors})


# --- the booking path, per city ---------------------------------------------------------------
def check_booking_path(city, domain: str | None) -> CheckResult:
    """A booking made through the booking service and rolled back, and the city's start page over HTTP."""
    from booking.services.probes import booking_path_probe  # noqa: PLC0415 - the domain's own probe

    problems, parts = [], []
    try:
        with tenant_context(city):
            outcome = booking_path_probe()
        parts.append(outcome.detail)
        if outcome.ok is False:
            problems.append(outcome.detail)
    except DatabaseError as error:
        connection.close()
        problems.append(f"booking service: {error}")
    base = settings.OPERATIONS_PROBE_BASE_URL
    if base and domain:
        started = time.monotonic()
        request = urllib.request.Request(base.rstrip("/") + "/",
                                         headers={"Host": domain, "User-Agent": "madoguchi-monitor"})
        try:
            with urllib.request.urlopen(request, timeout=settings.OPERATIONS_PROBE_TIMEOUT_SECONDS) as response:
                body = response.read(200_000).decode("utf-8", "replace")
                queueing = "/waiting-room/" in response.geturl()  # the release rush's line: working as meant
                if response.status != 200 or ("notice_number" not in body and not queueing):
                    problems.append(f"start page answered {response.status} without the login form")
        except urllib.error.HTTPError as error:
            problems.append(f"start page answered {error.code}")
        except (OSError, ValueError) as error:
            problems.append(f"start page unreachable: {error}")
        parts.append(f"start page in {1000 * (time.monotonic() - started):.0f} ms")
    return CheckResult("booking_path", not problems, "; ".join(problems or parts), scope=city.schema_name)


def run_checks(*, now: dt.datetime | None = None, cities=None) -> list[CheckResult]:
    """Every platform check, and the booking path of each city in `cities` [(municipality, domain)]."""
    now = now or timezone.now()
    results = check_database()
    if results[0].ok is False:  # without the database nothing else can be read or told apart
        return results
    broker = check_broker()
    depth = broker_queue_depth() if broker.ok else None
    backlog = check_mail_backlog(queue_depth=depth)
    results += [broker, check_worker(broker_ok=broker.ok, now=now, waiting=backlog.waiting), check_beat(now=now),
                backlog, check_disk(), check_error_rate(now=now)]
    for city, domain in cities or []:
        results.append(check_booking_path(city, domain))
    return results
