"""The outbox relay: a small long-running process that sends waiting side effects to the broker.

    python manage.py relay_outbox            run until SIGTERM/SIGINT
    python manage.py relay_outbox --once     one round, then exit (cron, tests)

It needs the database, not the broker: while the broker is gone it keeps the rows and retries
with backoff; while the database is gone it reconnects. Run one or several (rows are claimed
with SKIP LOCKED); under `make run` it is the `relay` process of platform/Procfile.
"""
from __future__ import annotations

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from kernel.outbox.relay import outbox_purge, outbox_relay

logger = logging.getLogger("kernel.outbox.relay")
PURGE_EVERY_SECONDS = 600


class Command(BaseCommand):
    help = "Send the outbox's waiting side effects to the task queue, retrying while the broker is down."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--batch", type=int, default=200)

    def handle(self, *args, once=False, batch=200, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        poll = settings.OUTBOX_RELAY_POLL_SECONDS
        pause, purged_at = poll, float("-inf")  # never yet (time.monotonic() counts from the boot)
        logger.info("outbox relay started (poll %.1f s)", poll)
        while not stop.is_set():
            try:
                report = outbox_relay(limit=batch)
                if time.monotonic() - purged_at > PURGE_EVERY_SECONDS:
                    outbox_purge()
                    purged_at = time.monotonic()
            except DatabaseError as error:
                logger.warning("outbox relay: database unavailable (%s); retrying", error)
                connection.close()
                pause = min(pause * 2, 10.0)
            else:
                if report.sent:
                    logger.info("outbox relay: sent %s message(s)", report.sent)
                if report.broker_error:
                    pause = min(max(pause, poll) * 2, 10.0)  # the broker is gone: ask less often
                elif report.claimed == batch:
                    pause = 0.0  # more are due: go on at once
                else:
                    pause = poll
            if once:
                break
            stop.wait(pause)
        logger.info("outbox relay stopped")
