"""Which month a citizen's calendar shows, and which times a day shows, read the same way by the
month and day views and by the shared pages that stand in for them (`booking.web.shared_pages`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from booking.clock import local
from booking.selectors.availability import (
    MonthAvailability,
    SlotAvailability,
    first_bookable_month,
    next_bookable_days,
    place_day,
    place_month,
)
from booking.selectors.eligibility import booking_window

if TYPE_CHECKING:
    from booking.models import Place


@dataclass(frozen=True)
class ShownMonth:
    month: dt.date  # its first day
    availability: MonthAvailability
    first: dt.date  # the first and the last month the calendar pages through
    last: dt.date

    @property
    def previous(self) -> dt.date | None:
        previous = (self.month - dt.timedelta(days=1)).replace(day=1)
        return previous if previous >= self.first else None

    @property
    def next(self) -> dt.date | None:
        following = (self.month + dt.timedelta(days=32)).replace(day=1)
        return following if following <= self.last else None

    @property
    def states(self) -> tuple[str, ...]:
        """What the month's table shows of each day (and nothing else of the moment)."""
        return tuple(day.state for day in self.availability.days)


def month_bounds() -> tuple[dt.date, dt.date]:
    """The first and the last month with days a citizen may book now."""
    earliest, latest = booking_window()
    return local(earliest).date().replace(day=1), local(latest).date().replace(day=1)


def calendar_day(text: str) -> dt.date | None:
    """The day a day page's path names (YYYY-MM-DD), if it lies in the months the calendar shows
    (only their days have times to see); None otherwise."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    first, last = month_bounds()
    return day if first <= day < (last + dt.timedelta(days=32)).replace(day=1) else None


@dataclass(frozen=True)
class DayTimes:
    slots: list[SlotAvailability]
    bookable: list[int]  # the ids of the times a citizen can book now
    next_days: list[dt.date]  # nothing to book here (full, closed, outside the window): the next days with a time


def day_times(place: Place, day: dt.date, *, fresh: bool = False) -> DayTimes:
    """The times of `day` at `place` (from the place's snapshot, or with `fresh` from the database)."""
    slots = place_day(place=place, day=day, fresh=fresh)
    bookable = [slot.slot_id for slot in slots if slot.can_book]
    return DayTimes(slots, bookable, [] if bookable else next_bookable_days(place=place, after=day))


def shown_month(place: Place, asked: str | None) -> ShownMonth:
    """The month asked for (`YYYY-MM`, kept within the bounds), or when none is, the first with a
    time to book (no empty calendar to page through)."""
    first, last = month_bounds()
    now = timezone.now()
    try:
        shown = dt.date.fromisoformat(f"{asked}-01") if asked is not None else None
    except ValueError:
        shown = None
    if shown is None:
        availability = first_bookable_month(place=place, first=first, last=last, now=now)
        shown = dt.date(availability.year, availability.month, 1)
    else:
        shown = min(max(shown, first), last)
        availability = place_month(place=place, year=shown.year, month=shown.month, now=now)
    return ShownMonth(month=shown, availability=availability, first=first, last=last)


# What the shared-page layer reads for a page's key before the view runs is kept on the request
# for the view, so that the view renders what the key was made of and reads it once.
_HANDED_ON = "_madoguchi_handed_on"


def _hand_on(request, key: tuple, value):
    setattr(request, _HANDED_ON, (key, value))
    return value


def _taken(request, key: tuple, read: Callable):
    """What was handed on under `key` (taken once, so a second look after the view reads afresh),
    else `read()`."""
    handed_on = request.__dict__.pop(_HANDED_ON, None)
    return handed_on[1] if handed_on is not None and handed_on[0] == key else read()


def shown_month_handed_on(request, place: Place, asked: str | None) -> ShownMonth:
    return _hand_on(request, ("month", place.pk, asked), shown_month(place, asked))


def shown_month_for_view(request, place: Place, asked: str | None) -> ShownMonth:
    return _taken(request, ("month", place.pk, asked), lambda: shown_month(place, asked))


def day_times_handed_on(request, place: Place, day: dt.date) -> DayTimes:
    return _hand_on(request, ("day", place.pk, day), day_times(place, day))


def day_times_for_view(request, place: Place, day: dt.date) -> DayTimes:
    return _taken(request, ("day", place.pk, day), lambda: day_times(place, day))
