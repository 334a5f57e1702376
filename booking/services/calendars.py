"""Opening calendars and slot materialisation (OPS-1, OPS-4).

Slots are rows, materialised from the weekly rules and the exceptions over the city's rolling
horizon. Every calendar change regenerates the future slots of its place in the same transaction,
keeping booked counts; a change that would leave a booking without a seat is refused, naming the
slots concerned, and nothing changes.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import jpholiday
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.availability_cache import availability_changed
from booking.clock import at, city_today, current_municipality, local
from booking.errors import BookingError, CalendarConflictError
from booking.models import CalendarException, OpeningRule, Place, Slot
from tenants.models import SlotLength

logger = logging.getLogger(__name__)

MAX_CAPACITY = 500
# What a newly onboarded ward office opens with until the city sets its own hours.
DEFAULT_OPENING_HOURS = (dt.time(8, 30), dt.time(17, 30))
DEFAULT_WEEKDAYS = (0, 1, 2, 3, 4)
DEFAULT_CAPACITY = 4


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int


@dataclass(frozen=True)
class SlotConflict:
    slot_id: int
    place_name: str
    starts_at_local: str
    booked: int
    new_capacity: int


@dataclass(frozen=True)
class Regeneration:
    created: int
    updated: int
    deleted: int


def is_year_end(day: dt.date) -> bool:
    """29 December – 3 January: offices are closed (年末年始)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_closed_by_default(day: dt.date) -> bool:
    """National holidays and the year-end break; weekends simply have no weekly rule."""
    return is_year_end(day) or jpholiday.is_holiday(day)


def _windows(day: dt.date, rules: list[OpeningRule], exception: CalendarException | None):
    if exception is not None:
        if not exception.is_open:
            return []
        return [(exception.opens_at, exception.closes_at, exception.slot_minutes, exception.capacity)]
    if is_closed_by_default(day):
        return []
    return [
        (rule.opens_at, rule.closes_at, rule.slot_minutes, rule.capacity)
        for rule in rules
        if rule.weekday == day.weekday()
        and (rule.valid_from is None or rule.valid_from <= day)
        and (rule.valid_until is None or day <= rule.valid_until)
    ]


def day_plan(day: dt.date, rules: list[OpeningRule], exception: CalendarException | None) -> list[PlannedSlot]:
    """The slots a place should have on `day`, from its rules and that day's exception."""
    planned = []
    for opens_at, closes_at, minutes, capacity in _windows(day, rules, exception):
        start, close = at(day, opens_at), at(day, closes_at)
        step = dt.timedelta(minutes=minutes)
        while start + step <= close:
            planned.append(PlannedSlot(start, start + step, capacity))
            start += step
    return planned


def horizon() -> tuple[dt.date, dt.date]:
    today = city_today()
    return today, today + dt.timedelta(days=current_municipality().slot_horizon_days)


def slots_regenerate(*, place: Place, start: dt.date | None = None, end: dt.date | None = None) -> Regeneration:
    """Bring the future slots of `place` between `start` and `end` (inclusive) in line with its calendar."""
    default_start, default_end = horizon()
    start, end = start or default_start, end or default_end
    now = timezone.now()
    with transaction.atomic():
        rules = list(place.opening_rules.all())
        exceptions = {e.date: e for e in place.calendar_exceptions.filter(date__gte=start, date__lte=end)}
        desired: dict[dt.datetime, PlannedSlot] = {}
        day = start
        while day <= end:
            for planned in day_plan(day, rules, exceptions.get(day)):
                if planned.starts_at > now:
                    desired[planned.starts_at] = planned
            day += dt.timedelta(days=1)
        existing = {
            slot.starts_at: slot
            for slot in Slot.objects.select_for_update().filter(
                place=place, starts_at__gt=now,
                starts_at__gte=at(start, dt.time.min), starts_at__lt=at(end + dt.timedelta(days=1), dt.time.min),
            )
        }
        conflicts, to_update, to_delete = [], [], []
        for starts_at, slot in existing.items():
            plan = desired.get(starts_at)
            new_capacity = plan.capacity if plan else 0
            if slot.booked > new_capacity:
                conflicts.append(SlotConflict(slot.pk, place.name, f"{local(starts_at):%Y-%m-%d %H:%M}",
                                              slot.booked, new_capacity))
            elif plan is None:
                to_delete.append(slot.pk)
            elif (slot.capacity, slot.ends_at) != (plan.capacity, plan.ends_at):
                slot.capacity, slot.ends_at = plan.capacity, plan.ends_at
                to_update.append(slot)
        if conflicts:
            raise CalendarConflictError(sorted(conflicts, key=lambda c: c.starts_at_local))
        Slot.objects.filter(pk__in=to_delete).delete()
        Slot.objects.bulk_update(to_update, ["capacity", "ends_at"], batch_size=500)
        created = Slot.objects.bulk_create(
            [Slot(place=place, starts_at=p.starts_at, ends_at=p.ends_at, capacity=p.capacity)
             for starts_at, p in sorted(desired.items()) if starts_at not in existing],
            batch_size=1000,
        )
        if to_delete or to_update or created:
            availability_changed([place.pk])
    return Regeneration(created=len(created), updated=len(to_update), deleted=len(to_delete))


def _check_window(opens_at: dt.time, closes_at: dt.time, slot_minutes: int, capacity: int) -> None:
    errors = {}
    if opens_at >= closes_at:
        errors["closes_at"] = [_("The closing time must be after the opening time.")]
    if slot_minutes not in SlotLength.values:
        errors["slot_minutes"] = [_("Slot length must be 60, 30, 20, 15 or 10 minutes.")]
    if not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Capacity must be between 0 and %(max)s.") % {"max": MAX_CAPACITY}]
    if errors:
        raise BookingError(_("Please correct the opening hours."), errors=errors)


def weekly_hours_set(*, place: Place, weekdays: list[int], opens_at: dt.time, closes_at: dt.time,
                     slot_minutes: int, capacity: int) -> Regeneration:
    """Replace the weekly rules of `place` on `weekdays` with one window each, and regenerate."""
    _check_window(opens_at, closes_at, slot_minutes, capacity)
    with transaction.atomic():
        place.opening_rules.filter(weekday__in=weekdays).delete()
        OpeningRule.objects.bulk_create([
            OpeningRule(place=place, weekday=weekday, opens_at=opens_at, closes_at=closes_at,
                        slot_minutes=slot_minutes, capacity=capacity)
            for weekday in weekdays
        ])
        return slots_regenerate(place=place)


def places_open_on_weekdays(*, places, weekdays=DEFAULT_WEEKDAYS, opening_hours=DEFAULT_OPENING_HOURS,
                            slot_minutes: int, capacity: int = DEFAULT_CAPACITY) -> None:
    """The same weekly hours for each of `places` (onboarding, demo), and their slots."""
    for place in places:
        weekly_hours_set(place=place, weekdays=list(weekdays), opens_at=opening_hours[0],
                         closes_at=opening_hours[1], slot_minutes=slot_minutes, capacity=capacity)


def opening_rule_save(*, place: Place, weekday: int, opens_at: dt.time, closes_at: dt.time, slot_minutes: int,
                      capacity: int, rule: OpeningRule | None = None) -> OpeningRule:
    """Add a weekly window, or change one; regenerate the place's future slots."""
    _check_window(opens_at, closes_at, slot_minutes, capacity)
    if weekday not in range(7):
        raise BookingError(_("Choose a day of the week."), field="weekday")
    with transaction.atomic():
        rule = rule or OpeningRule(place=place)
        rule.weekday, rule.opens_at, rule.closes_at = weekday, opens_at, closes_at
        rule.slot_minutes, rule.capacity = slot_minutes, capacity
        overlapping = place.opening_rules.filter(weekday=weekday, opens_at__lt=closes_at, closes_at__gt=opens_at)
        if overlapping.exclude(pk=rule.pk).exists():
            raise BookingError(_("This window overlaps another window on the same day."), field="opens_at")
        rule.save()
        slots_regenerate(place=place)
    return rule


def opening_rule_delete(*, rule: OpeningRule) -> None:
    with transaction.atomic():
        place = rule.place
        rule.delete()
        slots_regenerate(place=place)


def calendar_exception_set(*, place: Place, date: dt.date, kind: str, opens_at: dt.time | None = None,
                           closes_at: dt.time | None = None, slot_minutes: int | None = None,
                           capacity: int | None = None, note: str = "") -> CalendarException:
    """Close a day, open a holiday (休日開庁), or give a day other hours, slot length or capacity."""
    if kind not in CalendarException.Kind.values:
        raise BookingError(_("Unknown kind of exception."), field="kind")
    if date < city_today():
        raise BookingError(_("Past days cannot be changed."), field="date")
    if kind == CalendarException.Kind.CLOSED:
        opens_at = closes_at = slot_minutes = capacity = None
    else:
        if None in (opens_at, closes_at, slot_minutes, capacity):
            raise BookingError(_("An opening needs hours, a slot length and a capacity."), field="opens_at")
        _check_window(opens_at, closes_at, slot_minutes, capacity)
    with transaction.atomic():
        exception, _created = CalendarException.objects.update_or_create(
            place=place, date=date,
            defaults={"kind": kind, "opens_at": opens_at, "closes_at": closes_at, "slot_minutes": slot_minutes,
                      "capacity": capacity, "note": note},
        )
        slots_regenerate(place=place, start=date, end=date)
    return exception


def calendar_exception_clear(*, place: Place, date: dt.date) -> None:
    with transaction.atomic():
        place.calendar_exceptions.filter(date=date).delete()
        slots_regenerate(place=place, start=date, end=date)


def slots_extend_horizon() -> int:
    """Nightly: open the slots of the day that entered the horizon, for every active place."""
    created = 0
    _today, end = horizon()
    for place in Place.objects.filter(is_active=True):
        created += slots_regenerate(place=place, start=end - dt.timedelta(days=7), end=end).created
    logger.info("slot horizon extended: %s new slots", created)
    return created
