"""The status page's data, kept as a snapshot that needs no database to be shown (SEC-6).

The monitor writes the snapshot after every round of checks (and a web process whenever it had
to read the database for a page); the page is served from it, so it still answers while the
database is down. It is kept in Django's cache (shared by every web server when the cache is
Redis) and in a file on local disk (the copy that survives everything else).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from operations.models import Component, Incident
from tenants.models import Domain
from tenants.selectors import dangerously_active_cities

logger = logging.getLogger(__name__)
CACHE_KEY = "operations:status-snapshot"
RECENT = dt.timedelta(days=3)  # resolved incidents stay on the page this long


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def status_snapshot_build(*, now: dt.datetime | None = None, database_down: str = "") -> dict:
    """Everything the page needs, from the database (or, with `database_down`, from the last snapshot)."""
    now = now or timezone.now()
    if database_down:
        snapshot = status_snapshot_read() or {"cities": {}, "domains": {}, "incidents": []}
        snapshot["database_down"] = {"since": snapshot.get("database_down", {}).get("since") or now.isoformat(),
                                     "detail": database_down}
        snapshot["generated_at"] = now.isoformat()
        return snapshot
    cities = {}
    for city in dangerously_active_cities():
        cities[city.schema_name] = {"names": {code: city.display_name(code) for code in city.languages()},
                                    "languages": city.languages()}
    domains = dict(Domain.objects.filter(tenant__schema_name__in=cities).values_list("domain", "tenant__schema_name"))
    incidents = Incident.objects.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=now - RECENT))
    rows = []
    for incident in incidents.prefetch_related("updates").order_by("-opened_at")[:50]:
        rows.append({
            "id": incident.pk, "check_name": incident.check_name, "scope": incident.scope, "title": incident.title,
            "component": incident.component, "severity": incident.severity, "opened_at": _iso(incident.opened_at),
            "acknowledged_at": _iso(incident.acknowledged_at), "resolved_at": _iso(incident.resolved_at),
            "progress_total": incident.progress_total, "progress_done": incident.progress_done,
            "updates": [{"created_at": _iso(update.created_at), "status": update.status,
                         "message_key": update.message_key, "params": update.params, "text": update.text}
                        for update in incident.updates.all()],
        })
    return {"generated_at": now.isoformat(), "cities": cities, "domains": domains, "incidents": rows,
            "components": list(Component.values)}


def status_snapshot_save(snapshot: dict) -> None:
    text = json.dumps(snapshot, ensure_ascii=False)
    try:
        cache.set(CACHE_KEY, text, timeout=None)
    except Exception:  # noqa: BLE001 - a cache that is down must not stop the file copy
        logger.warning("status snapshot not cached", exc_info=True)
    path = Path(settings.OPERATIONS_STATUS_SNAPSHOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)  # readers see the old copy or the new one, never half of one


def status_snapshot_read() -> dict | None:
    """The newest of the cached copy and the file (a process's own cache may lag behind the file)."""
    copies = []
    for read in (_from_cache, _from_file):
        try:
            text = read()
            if text:
                copies.append(json.loads(text))
        except Exception:  # noqa: BLE001 - a copy that cannot be read: take the other
            logger.warning("a status snapshot copy could not be read", exc_info=True)
    return max(copies, key=lambda copy: copy.get("generated_at", ""), default=None)


def _from_cache() -> str | None:
    return cache.get(CACHE_KEY)


def _from_file() -> str | None:
    path = Path(settings.OPERATIONS_STATUS_SNAPSHOT)
    return path.read_text(encoding="utf-8") if path.exists() else None


def status_snapshot_refresh(*, now: dt.datetime | None = None) -> dict:
    snapshot = status_snapshot_build(now=now)
    status_snapshot_save(snapshot)
    return snapshot


def status_snapshot_age(snapshot: dict, now: dt.datetime | None = None) -> float:
    generated = dt.datetime.fromisoformat(snapshot["generated_at"])
    return ((now or timezone.now()) - generated).total_seconds()
