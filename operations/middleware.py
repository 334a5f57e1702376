"""The status page before anything needs the database, and the tally of requests and server errors."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import DatabaseError, connection
from django.utils import timezone

from operations.status_view import status_page_response

logger = logging.getLogger(__name__)
STATUS_PATHS = ("/status/", "/status")


class StatusPageMiddleware:
    """`/status/` on the platform's and every city's domain, served from the snapshot, so it answers
    while the database (which the tenancy middleware after this one needs) is down. First in line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in STATUS_PATHS:
            response = status_page_response(request)
            if response is not None:
                return response
        return self.get_response(request)


class RequestTallyMiddleware:
    """Counts this process's requests and 5xx answers per minute, written every few seconds (one upsert)."""

    FLUSH_EVERY_SECONDS = 10.0

    def __init__(self, get_response):
        self.get_response = get_response
        self.lock = threading.Lock()
        self.counts: dict = {}
        self.flushed_at = time.monotonic()
        self.process = f"{socket.gethostname()}:{os.getpid()}"[:80]

    def __call__(self, request):
        response = self.get_response(request)
        minute = timezone.now().replace(second=0, microsecond=0)
        with self.lock:
            requests, errors = self.counts.get(minute, (0, 0))
            self.counts[minute] = (requests + 1, errors + (response.status_code >= 500))
            due = time.monotonic() - self.flushed_at >= self.FLUSH_EVERY_SECONDS
            if due:
                counts, self.counts, self.flushed_at = self.counts, {}, time.monotonic()
        if due:
            self._flush(counts)
        return response

    def _flush(self, counts: dict) -> None:
        try:
            with connection.cursor() as cursor:
                for minute, (requests, errors) in counts.items():
                    cursor.execute(
                        """INSERT INTO public.operations_requesttally (minute, process, requests, errors)
                           VALUES (%s, %s, %s, %s)
                           ON CONFLICT (minute, process) DO UPDATE SET
                             requests = operations_requesttally.requests + EXCLUDED.requests,
                             errors = operations_requesttally.errors + EXCLUDED.errors""",
                        [minute, self.process, requests, errors])
        except DatabaseError:  # the database check says why; these figures are lost, nothing else
            logger.warning("request tally not written", exc_info=True)
