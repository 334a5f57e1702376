"""Reading incidents and policies for the console (platform administrators only)."""
from __future__ import annotations

from operator import itemgetter

from operations.models import EscalationPolicy, Incident, Notification
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
