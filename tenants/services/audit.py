"""The platform's audit trail: every state change of a city, a user or a membership (SEC-9)."""
from __future__ import annotations

from tenants.models import Municipality, PlatformAuditEntry, User


def platform_audit_record(*, actor: User | None, action: str, municipality: Municipality | None = None,
                          subject_user: User | None = None, changes: dict | None = None,
                          reason: str = "") -> PlatformAuditEntry:
    """`actor` None means the platform itself (a command, a scheduled task, the demo seed)."""
    return PlatformAuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor.get_username() if getattr(actor, "pk", None) else "system")[:150],
        action=action, municipality=municipality, subject_user=subject_user, changes=changes or {},
        reason=(reason or "")[:500],
    )
