"""Reading incidents and policies for the console (platform administrators only)."""
from __future__ import annotations

from operator import itemgetter

from django.db import DatabaseError, connection
from django.db.models import Q

from kernel.outbox.models import OutboxMessage
from operations.models import CheckState, EscalationPolicy, Incident, Notification
from tenants.access import access_is_platform_admin


def incidents_for_console(user):
    if not access_is_platform_admin(user):
        return Incident.objects.none()
    return Incident.objects.order_by("resolved_at", "-opened_at")


def policies_for_console(user):
    if not access_is_platform_admin(user):
        return EscalationPolicy.objects.none()
    return EscalationPolicy.objects.prefetch_related("contacts").order_by("scope")


def incident_timeline(incident: Incident) -> list:
    """Updates and every mail or call, in the order they happened."""
    updates = [("update", entry.created_at, entry) for entry in incident.updates.all()]
    calls = [("notification", entry.created_at, entry) for entry in
             Notification.objects.filter(escalation__incident=incident).select_related("contact", "escalation__policy")]
    return sorted(updates + calls, key=itemgetter(1))


# --- figures per city for the platform console's summaries (a scheduled task reads them: no acting
# user, so no access check; they count rows, they show none) ---------------------------------------

def dangerously_open_incident_count(scope: str) -> int:
    """Unresolved incidents of the city `scope`, and platform-wide ones (they reach every city)."""
    return Incident.objects.filter(resolved_at__isnull=True, scope__in=[scope, ""]).count()


def dangerously_error_count(scope: str, *, since) -> int:
    """The city's errors since `since`: side effects that failed (outbox) and checks failing now."""
    failed = (OutboxMessage.objects.filter(schema_name=scope, created_at__gte=since)
              .filter(Q(state=OutboxMessage.State.PARKED) | ~Q(last_error="")).count())
    checks = CheckState.objects.filter(scope=scope, ok=False, checked_at__gte=since).count()
    return failed + checks


def replication_lag_seconds() -> float | None:
    """The largest replay lag of the streaming standbys, or None when there is none (or no right to see it)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(extract(epoch FROM replay_lag)), count(*) FROM pg_stat_replication "
                           "WHERE state = 'streaming'")
            lag, standbys = cursor.fetchone()
    except DatabaseError:
        return None
    if not standbys:
        return None
    return float(lag or 0.0)
