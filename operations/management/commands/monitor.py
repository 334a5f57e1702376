"""The monitor: health checks, incidents, calls until acknowledged, the status snapshot (SEC-4, SEC-6).

    python manage.py monitor           every OPERATIONS_CHECK_SECONDS until SIGTERM/SIGINT
    python manage.py monitor --once    one round, then exit
"""
from __future__ import annotations

import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from operations.monitor import Monitor, logger


class Command(BaseCommand):
    help = "Run the health checks and the escalation of incidents, again and again."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        monitor = Monitor()
        every = settings.OPERATIONS_CHECK_SECONDS
        logger.info("monitor started: checks every %s s", every)
        while not stop.is_set():
            started = time.monotonic()
            try:
                report = monitor.run_round()
            except Exception:  # noqa: BLE001 - one bad round must not end the monitor
                logger.exception("monitor round failed")
            else:
                for incident in report.changed:
                    logger.warning("incident %s %s", incident, "resolved" if incident.resolved_at else "opened")
            if once:
                break
            stop.wait(max(every - (time.monotonic() - started), 0.5))
