"""An audit entry written by its own statement reads back as the ORM would have written it."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from booking.models import AuditEntry, Channel
from booking.services.audit import Actor, audit_record
from tests.booking.factories import NoticeFactory

pytestmark = pytest.mark.django_db


def test_an_entry_is_stored_whole_and_dated_now(in_city_a, staff_a):
    notice = NoticeFactory()
    before = timezone.now()
    entry = audit_record(actor=Actor.for_user(staff_a, channel=Channel.STAFF), action="notice.unlock",
                         notice=notice, changes={"number": notice.number, "note": "窓口で本人確認"})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_user_id == staff_a.pk and stored.actor_label == staff_a.get_username()
    assert (stored.channel, stored.action, stored.notice_id) == (Channel.STAFF, "notice.unlock", notice.pk)
    assert stored.changes == {"number": notice.number, "note": "窓口で本人確認"}
    assert before <= stored.created_at <= timezone.now() + dt.timedelta(seconds=1)
    assert entry.created_at == stored.created_at and not entry._state.adding


def test_a_long_label_is_cut_and_no_changes_are_an_empty_record(in_city_a):
    entry = audit_record(actor=Actor(kind=AuditEntry.ActorKind.SYSTEM, channel=Channel.SYSTEM, label="x" * 400),
                         action="notice.login")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_label == "x" * 150 and stored.changes == {} and stored.notice_id is None
