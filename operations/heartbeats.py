"""Signs of life of the processes that have no port to ask: worker, beat, relay, monitor."""
from __future__ import annotations

import time

from celery.beat import PersistentScheduler
from django.db import DatabaseError, connection
from django.utils import timezone

from operations.models import Heartbeat

BEAT_EVERY_SECONDS = 15.0


def heartbeat_record(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's own scheduler, which also says it is alive (the beat check reads it)."""

    _last_heartbeat = float("-inf")  # never yet (time.monotonic() counts from the boot)

    def tick(self, *args, **kwargs):
        if time.monotonic() - self._last_heartbeat >= BEAT_EVERY_SECONDS:
            try:
                heartbeat_record("beat")
                self._last_heartbeat = time.monotonic()
            except DatabaseError:
                connection.close()  # the database check reports it; beat goes on scheduling
        return min(super().tick(*args, **kwargs), BEAT_EVERY_SECONDS)
