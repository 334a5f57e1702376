"""The audit trail (SEC-9): every write that touches a booking or a notice records who, how, what."""
from __future__ import annotations

from dataclasses import dataclass, field

from booking.models import AuditEntry, Channel


@dataclass(frozen=True)
class Actor:
    """Who acts: a citizen logged in with a notice, a user (staff, operator), or the system."""

    kind: str
    channel: str
    user: object | None = None
    label: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def citizen(cls, *, channel: str = Channel.WEB, notice=None) -> Actor:
        return cls(kind=AuditEntry.ActorKind.CITIZEN, channel=channel,
                   label=f"notice:{notice.pk}" if notice is not None else "")

    @classmethod
    def for_user(cls, user, *, channel: str) -> Actor:
        return cls(kind=AuditEntry.ActorKind.USER, channel=channel, user=user, label=user.get_username())

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind=AuditEntry.ActorKind.SYSTEM, channel=Channel.SYSTEM, label=label)


def _entry(actor: Actor, action: str, notice, reservation, changes: dict | None) -> AuditEntry:
    return AuditEntry(actor_kind=actor.kind, actor_user=actor.user, actor_label=actor.label[:150],
                      channel=actor.channel, action=action, notice=notice, reservation=reservation,
                      changes=changes or {})


def audit_record(*, actor: Actor, action: str, notice=None, reservation=None,
                 changes: dict | None = None) -> AuditEntry:
    entry = _entry(actor, action, notice, reservation, changes)
    entry.save(force_insert=True)
    return entry


def audit_record_many(*, actor: Actor, action: str, notices, changes_of=lambda notice: {}) -> int:
    """One audit entry per notice, written together (bulk imports)."""
    entries = [_entry(actor, action, notice, None, changes_of(notice)) for notice in notices]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
