"""Rendering the status page from the snapshot, in the reader's language, without the database."""
from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.middleware import SecurityHeadersMiddleware
from operations.checks import SPECS
from operations.models import Component, Severity, UpdateStatus
from operations.services.status_page import status_snapshot_age, status_snapshot_read, status_snapshot_refresh

logger = logging.getLogger(__name__)
ALL_LANGUAGES = [code for code, _name in settings.LANGUAGES]
MESSAGES = {
    "detected": gettext_lazy("Our monitoring detected the problem. We are investigating."),
    "acknowledged": gettext_lazy("The people responsible have been reached and are working on it."),
    "recovering": gettext_lazy("The service is recovering. We are watching it."),
    "recovered": gettext_lazy("The service works normally again."),
}
STATE_LABELS = {
    "operational": gettext_lazy("Operational"),
    Severity.MINOR: gettext_lazy("Degraded performance"),
    Severity.MAJOR: gettext_lazy("Outage"),
}
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_DOMAIN_REFRESH_SECONDS = 5


def _host(request) -> str:
    try:
        return request.get_host().rsplit(":", 1)[0].lower()
    except Exception:  # noqa: BLE001 - a host Django refuses: not ours to answer
        return ""


def _snapshot() -> dict | None:
    """The snapshot, refreshed from the database when it is older than it should be and the database answers."""
    snapshot = status_snapshot_read()
    if snapshot is None or status_snapshot_age(snapshot) > settings.OPERATIONS_STATUS_FRESH_SECONDS:
        try:
            snapshot = status_snapshot_refresh()
        except DatabaseError as error:
            connection.close()
            logger.warning("status page served from the last snapshot: database unavailable (%s)", error)
    return snapshot


def _refreshed(snapshot: dict) -> dict:
    try:
        return status_snapshot_refresh()
    except DatabaseError:
        connection.close()
        return snapshot


def _language(request, allowed: list[str]) -> str:
    asked = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
    asked = asked.lower().replace("_", "-")
    if asked in allowed:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()
        for candidate in (code, code.split("-")[0], "zh-hans" if code.startswith("zh") else ""):
            if candidate in allowed:
                return candidate
    return allowed[0] if allowed else "ja"


def _when(value: str | None) -> str:
    if not value:
        return ""
    return dt.datetime.fromisoformat(value).astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


def _title(row: dict) -> str:
    spec = SPECS.get(row["check_name"])
    return row["title"] or (str(spec.title) if spec else row["check_name"])


def status_page_response(request) -> HttpResponse | None:
    host = _host(request)
    snapshot = _snapshot()
    if snapshot and host not in settings.MADOGUCHI_PUBLIC_DOMAINS and host not in snapshot.get("domains", {}) \
            and status_snapshot_age(snapshot) > NEW_DOMAIN_REFRESH_SECONDS:
        snapshot = _refreshed(snapshot)  # a city onboarded since the snapshot was written
    if host in settings.MADOGUCHI_PUBLIC_DOMAINS:
        scope, city = "", None
    elif snapshot and host in snapshot.get("domains", {}):
        scope = snapshot["domains"][host]
        city = snapshot["cities"].get(scope)
    else:
        return None  # not a site we know of here: the usual pipeline answers
    allowed = [code for code in (city["languages"] if city else ALL_LANGUAGES) if code in ALL_LANGUAGES] or ["ja"]
    language = _language(request, allowed)
    with translation.override(language):
        context = _context(snapshot, scope, city, language, allowed)
        html = render_to_string("operations/status.html", context)
    response = HttpResponse(html, status=200 if snapshot else 503)
    response["Content-Language"] = language
    response["Cache-Control"] = "public, max-age=15"
    response["Content-Security-Policy"] = SecurityHeadersMiddleware.POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    response["X-Frame-Options"] = "DENY"
    return response


def _context(snapshot: dict | None, scope: str, city: dict | None, language: str, allowed: list[str]) -> dict:
    names = {schema: info["names"] for schema, info in (snapshot or {}).get("cities", {}).items()}

    def city_name(schema: str) -> str:
        found = names.get(schema, {})
        return found.get(language) or found.get("ja") or schema

    rows = [row for row in (snapshot or {}).get("incidents", [])
            if scope == "" or row["scope"] in ("", scope)]
    open_rows = [row for row in rows if not row["resolved_at"]]
    worst = {}
    for row in open_rows:
        if row["severity"] == Severity.MAJOR or worst.get(row["component"]) != Severity.MAJOR:
            worst[row["component"]] = row["severity"]
    database_down = (snapshot or {}).get("database_down")
    if database_down:
        worst[Component.DATABASE] = worst[Component.BOOKING_SITE] = Severity.MAJOR
    components = [{"label": label, "state": worst.get(value, "operational"),
                   "state_label": STATE_LABELS[worst.get(value, "operational")]}
                  for value, label in Component.choices]
    incidents = []
    for row in rows:
        total, done = row["progress_total"], row["progress_done"]
        incidents.append({
            "title": _title(row), "open": not row["resolved_at"], "severity": row["severity"],
            "where": city_name(row["scope"]) if row["scope"] else _("Every city"),
            "component": Component(row["component"]).label if row["component"] in Component.values else "",
            "opened_at": _when(row["opened_at"]), "acknowledged_at": _when(row["acknowledged_at"]),
            "resolved_at": _when(row["resolved_at"]),
            "progress": ({"done": done, "total": total, "percent": min(100, round(100 * (done or 0) / total))}
                         if total else None),
            "updates": [{"at": _when(update["created_at"]), "status": UpdateStatus(update["status"]).label,
                         "text": update["text"] or str(MESSAGES.get(update["message_key"], ""))}
                        for update in reversed(row["updates"])],
        })
    age = status_snapshot_age(snapshot) if snapshot else None
    return {
        "language": language, "languages": [(code, dict(settings.LANGUAGES)[code]) for code in allowed],
        "site_name": city_name(scope) if city else "madoguchi", "is_city": city is not None,
        "components": components, "open_incidents": [i for i in incidents if i["open"]],
        "past_incidents": [i for i in incidents if not i["open"]],
        "all_operational": not worst, "database_down": bool(database_down),
        "updated_at": _when(snapshot["generated_at"]) if snapshot else "",
        "stale": age is not None and age > 2 * settings.OPERATIONS_STATUS_FRESH_SECONDS,
        "no_snapshot": snapshot is None,
    }
