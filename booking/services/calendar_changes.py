"""Calendar changes from the staff console (OPS-1, OPS-4): previewed before they are saved, audited when they are.

A change is one of: save a weekly window (new or edited), delete one, set a day's exception
(closed, holiday opening, special hours), clear it. `calendar_change_preview` runs the change in
a transaction it always rolls back and reports which days' slots would differ, or which
bookings would lose their seat; `calendar_change_apply` makes it, in one transaction with its
audit entry. A change that conflicts with bookings is refused by the calendar service
(`CalendarConflictError`) and nothing changes.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.clock import local
from booking.errors import BookingError, CalendarConflictError
from booking.models import OpeningRule, Place, Slot
from booking.services.audit import Actor, audit_record
from booking.services.calendars import (
    calendar_exception_clear,
    calendar_exception_set,
    opening_rule_delete,
    opening_rule_save,
)

ACTIONS = ("rule_save", "rule_delete", "exception_set", "exception_clear")
PREVIEW_DAYS = 31  # days listed in a preview; the rest are counted


@dataclass(frozen=True)
class CalendarChange:
    action: str
    place_id: int
    rule_id: int | None = None
    weekday: int | None = None
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    slot_minutes: int | None = None
    capacity: int | None = None
    date: dt.date | None = None
    kind: str = ""
    note: str = ""

    def for_audit(self) -> dict:
        return {key: (value.isoformat() if hasattr(value, "isoformat") else value)
                for key, value in asdict(self).items() if value not in (None, "")}


@dataclass(frozen=True)
class PreviewSlot:
    time: str
    capacity: int
    booked: int
    state: str  # "same" · "added" · "removed" · "changed"


@dataclass(frozen=True)
class DayPreview:
    day: dt.date
    slots: list[PreviewSlot]
    seats_before: int
    seats_after: int


@dataclass
class CalendarPreview:
    days: list[DayPreview] = field(default_factory=list)
    more_days: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0
    conflicts: list = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.conflicts)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.removed or self.changed)


class _Rollback(Exception):
    pass


def _future_slots(place: Place) -> dict[dt.datetime, tuple]:
    rows = Slot.objects.filter(place=place, starts_at__gt=timezone.now()).values_list(
        "starts_at", "ends_at", "capacity", "booked")
    return {starts_at: (ends_at, capacity, booked) for starts_at, ends_at, capacity, booked in rows}


def _make(change: CalendarChange, place: Place) -> None:
    if change.action == "rule_save":
        rule = None
        if change.rule_id is not None:
            rule = OpeningRule.objects.filter(pk=change.rule_id, place=place).first()
            if rule is None:
                raise BookingError(_("This opening window no longer exists."), field="rule_id")
        opening_rule_save(place=place, weekday=change.weekday, opens_at=change.opens_at, closes_at=change.closes_at,
                          slot_minutes=change.slot_minutes, capacity=change.capacity, rule=rule)
    elif change.action == "rule_delete":
        rule = OpeningRule.objects.filter(pk=change.rule_id, place=place).first()
        if rule is None:
            raise BookingError(_("This opening window no longer exists."), field="rule_id")
        opening_rule_delete(rule=rule)
    elif change.action == "exception_set":
        calendar_exception_set(place=place, date=change.date, kind=change.kind, opens_at=change.opens_at,
                               closes_at=change.closes_at, slot_minutes=change.slot_minutes,
                               capacity=change.capacity, note=change.note)
    elif change.action == "exception_clear":
        calendar_exception_clear(place=place, date=change.date)
    else:
        raise BookingError(_("Unknown calendar change."), field="action")


def _place(change: CalendarChange) -> Place:
    place = Place.objects.filter(pk=change.place_id).first()
    if place is None:
        raise BookingError(_("This place does not exist."), field="place")
    return place


def _compare(before: dict, after: dict) -> CalendarPreview:
    by_day: dict[dt.date, list[PreviewSlot]] = defaultdict(list)
    seats: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    preview = CalendarPreview()
    changed_days = set()
    for starts_at in sorted(set(before) | set(after)):
        moment = local(starts_at)
        day, time = moment.date(), f"{moment:%H:%M}–{local((after.get(starts_at) or before[starts_at])[0]):%H:%M}"
        old, new = before.get(starts_at), after.get(starts_at)
        if old:
            seats[day][0] += old[1]
        if new:
            seats[day][1] += new[1]
        if old is None:
            state, preview.added = "added", preview.added + 1
        elif new is None:
            state, preview.removed = "removed", preview.removed + 1
        elif old[:2] != new[:2]:
            state, preview.changed = "changed", preview.changed + 1
        else:
            state = "same"
        if state != "same":
            changed_days.add(day)
        current = new or old
        by_day[day].append(PreviewSlot(time=time, capacity=current[1], booked=current[2], state=state))
    ordered = sorted(changed_days)
    preview.days = [DayPreview(day, by_day[day], *seats[day]) for day in ordered[:PREVIEW_DAYS]]
    preview.more_days = max(len(ordered) - PREVIEW_DAYS, 0)
    return preview


def calendar_change_preview(change: CalendarChange) -> CalendarPreview:
    """The slots `change` would produce, day by day, or the conflicts that refuse it. Nothing is saved."""
    place = _place(change)
    try:
        with transaction.atomic():
            before = _future_slots(place)
            _make(change, place)
            raise _Rollback(_compare(before, _future_slots(place)))
    except _Rollback as rollback:
        return rollback.args[0]
    except CalendarConflictError as error:
        return CalendarPreview(conflicts=list(error.conflicts))


def calendar_change_apply(change: CalendarChange, *, actor: Actor) -> CalendarPreview:
    """Make the change and record it; raises CalendarConflictError (nothing changed) when bookings are in the way."""
    place = _place(change)
    with transaction.atomic():
        before = _future_slots(place)
        _make(change, place)
        result = _compare(before, _future_slots(place))
        audit_record(actor=actor, action="calendar.change", changes={
            "place": place.code, **change.for_audit(),
            "slots": {"added": result.added, "removed": result.removed, "changed": result.changed},
        })
    return result
