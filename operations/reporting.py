"""The month's incidents of a city, as plain data for the completion report (billing names this function
in BILLING_INCIDENTS_SOURCE: billing sits beside operations in the layers and never imports it)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from operations.models import Incident, Severity


def incidents_for_report(*, scope: str, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Incidents of the city (`scope` = its schema) or of the whole platform that overlap [start, end).

    `downtime_minutes` is the part of an outage (severity major) inside the period; degraded
    performance counts as an incident without downtime.
    """
    found = (Incident.objects.filter(Q(scope=scope) | Q(scope=""), opened_at__lt=end)
             .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start)).order_by("opened_at"))
    rows = []
    for incident in found:
        until = min(incident.resolved_at or end, end)
        minutes = max(0, int((until - max(incident.opened_at, start)).total_seconds() // 60))
        rows.append({
            "opened_at": timezone.localtime(incident.opened_at).isoformat(),
            "resolved_at": timezone.localtime(incident.resolved_at).isoformat() if incident.resolved_at else "",
            "title": incident.title or incident.check_name,
            "component": incident.component,
            "severity": incident.severity,
            "platform_wide": incident.scope == "",
            "downtime_minutes": minutes if incident.severity == Severity.MAJOR else 0,
        })
    return rows
