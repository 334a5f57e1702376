"""The audit trail (SEC-9): every write that touches a booking or a notice records who, how, what."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from booking.models import AuditEntry, Channel, Notice
from booking.services.bulk import rows_copy
from kernel.prepared import prepared_cursor


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


@cache
def _insert_statement() -> tuple[str, tuple]:
    """The INSERT that `save(force_insert=True)` would compile for an entry, written once: every
    login and every booking records one."""
    fields = tuple(column for column in AuditEntry._meta.concrete_fields if not column.primary_key)
    columns = ", ".join(connection.ops.quote_name(column.column) for column in fields)
    return (f"INSERT INTO {connection.ops.quote_name(AuditEntry._meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {connection.ops.quote_name('id')}"), fields


def audit_record(*, actor: Actor, action: str, notice=None, reservation=None,
                 changes: dict | None = None) -> AuditEntry:
    entry = _entry(actor, action, notice, reservation, changes)
    sql, fields = _insert_statement()
    # each value as the ORM's insert prepares it (created_at is set here, as auto_now_add sets it)
    values = [column.get_db_prep_save(column.pre_save(entry, add=True), connection) for column in fields]
    with prepared_cursor() as cursor:
        cursor.execute(sql, values)
        (entry.pk,) = cursor.fetchone()
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


COPY_ABOVE = 2000  # from this many entries on, they are written with COPY


def audit_record_many(*, actor: Actor, action: str, notices=(), changes_of=lambda notice: {},
                      changes_by_notice_id: dict[int, dict] | None = None) -> int:
    """One audit entry per notice, written together (bulk imports).

    Either `notices` with `changes_of(notice)`, or `changes_by_notice_id` (no model instances:
    imports of many thousands of notices).
    """
    if changes_by_notice_id is None:
        changes_by_notice_id = {notice.pk: changes_of(notice) for notice in notices}
    if len(changes_by_notice_id) < COPY_ABOVE:
        entries = [_entry(actor, action, Notice(pk=pk), None, changes) for pk, changes in changes_by_notice_id.items()]
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        return len(entries)
    now = timezone.now()
    user_id = getattr(actor.user, "pk", None)
    rows_copy("booking_auditentry", ("created_at", "actor_kind", "actor_user_id", "actor_label", "channel", "action",
                                     "notice_id", "changes"),
              ((now, actor.kind, user_id, actor.label[:150], actor.channel, action, pk,
                json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False))
               for pk, changes in changes_by_notice_id.items()))
    return len(changes_by_notice_id)
