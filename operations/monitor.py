"""One round of the monitor: checks → incidents → escalation → status snapshot; and its loop.

The monitor is a process of its own (`manage.py monitor`, the `monitor` line of platform/Procfile),
not a Celery task: it must keep working when the broker, the worker or beat is what failed.
Incidents live in the database; while the database itself is gone the monitor still writes the
status snapshot (the page then says so) and calls the platform's on-call from the copy of their
policy it keeps on disk, every `repeat` minutes until the database answers again (nobody can
acknowledge without it); then the outage is recorded as an incident, opened when it began.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from operations.checks import run_checks
from operations.fallback import FallbackAlerts
from operations.heartbeats import heartbeat_record
from operations.models import RequestTally
from operations.services.escalation import escalations_run
from operations.services.incidents import checks_record
from operations.services.status_page import status_snapshot_build, status_snapshot_refresh, status_snapshot_save
from operations.tasks import WORKER_HEARTBEAT
from tenants.selectors import dangerously_active_cities

logger = logging.getLogger("operations.monitor")
PURGE_EVERY_SECONDS = 3600


@dataclass
class MonitorRound:
    results: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    notifications: int = 0
    database_down: str = ""


def ask_worker_for_heartbeat() -> None:
    """Through the broker, as every task goes: a worker that takes it is alive."""
    from kernel.outbox.relay import registered_task  # noqa: PLC0415

    try:
        registered_task(WORKER_HEARTBEAT).apply_async(retry=False, expires=settings.OPERATIONS_CHECK_SECONDS * 4,
                                                      headers={"_schema_name": "public"})
    except Exception as error:  # noqa: BLE001 - the broker check reports it
        logger.debug("worker heartbeat not sent: %s", error)


def _cities_to_probe():
    cities = []
    for city in dangerously_active_cities():
        domain = city.get_primary_domain()
        cities.append((city, domain.domain if domain else None))
    return cities


class Monitor:
    def __init__(self):
        # never yet: time.monotonic() counts from the machine's boot, which may be minutes ago
        self.probed_at = float("-inf")
        self.purged_at = float("-inf")
        self.fallback = FallbackAlerts()

    def run_round(self, *, now: dt.datetime | None = None, probe_cities: bool | None = None) -> MonitorRound:
        now = now or timezone.now()
        report = MonitorRound()
        ask_worker_for_heartbeat()
        if probe_cities is None:
            probe_cities = time.monotonic() - self.probed_at >= settings.OPERATIONS_PROBE_EVERY_SECONDS
        try:
            cities = _cities_to_probe() if probe_cities else []
            if probe_cities:
                self.probed_at = time.monotonic()
            report.results = run_checks(now=now, cities=cities)
            if report.results[0].ok is False and "unreachable" in report.results[0].detail:
                raise DatabaseError(report.results[0].detail)
            self.fallback.database_back(now=now)
            report.changed = checks_record(report.results, now=now)
            report.notifications = escalations_run(now=now)
            heartbeat_record("monitor")
            status_snapshot_refresh(now=now)
            if time.monotonic() - self.purged_at >= PURGE_EVERY_SECONDS:
                RequestTally.objects.filter(minute__lt=now - dt.timedelta(days=1)).delete()  # the check reads minutes
                self.purged_at = time.monotonic()
            self.fallback.keep_copy()
        except DatabaseError as error:
            connection.close()
            report.database_down = str(error) or "database unavailable"
            logger.error("monitor: database unavailable: %s", report.database_down)
            status_snapshot_save(status_snapshot_build(now=now, database_down=report.database_down))
            report.notifications = self.fallback.database_down(now=now, detail=report.database_down)
        for result in report.results:
            if result.ok is False:
                logger.warning("check %s%s failing: %s", result.check_name,
                               f" ({result.scope})" if result.scope else "", result.detail)
        return report
