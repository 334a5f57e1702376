"""Free capacity at a place: a month (one query, whatever the slot length), a week, a day (WEB-5)."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from booking.availability_cache import place_snapshot
from booking.clock import at, city_tz
from booking.models import Place, Slot
from booking.selectors.eligibility import booking_window
from kernel.prepared import prepared_cursor

FEW_SEATS = 3
BOOKABLE_STATES = ("available", "few")


# Where a day or a slot stands against the booking window (WEB-15).
TOO_LATE = "too_late"  # before the window: today and the days inside the closing window
TOO_EARLY = "too_early"  # after the window: not open for booking yet
IN_WINDOW = "in_window"


@dataclass(frozen=True)
class DayAvailability:
    date: dt.date
    slots: int
    capacity: int
    booked: int
    bookable_free: int  # free seats in slots that may be booked now (window, not past)
    past: bool = False
    window: str = IN_WINDOW

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def state(self) -> str:
        """past · too_late / too_early (outside the booking window) · closed (no slots) · full · few · available

        A day the citizen cannot book because of the window says so whether or not the office
        opens that day: "no longer bookable" is what matters to them, not "closed".
        """
        if self.past:
            return "past"
        if self.bookable_free == 0 and self.window != IN_WINDOW:
            return self.window
        if self.slots == 0:
            return "closed"
        if self.free == 0 or self.bookable_free == 0:
            return "full"
        return "few" if self.bookable_free <= FEW_SEATS else "available"

    @property
    def can_book(self) -> bool:
        """Whether a time can be booked on this day now."""
        return self.state in BOOKABLE_STATES


@dataclass(frozen=True)
class MonthAvailability:
    place: Place
    year: int
    month: int
    days: list[DayAvailability]

    def weeks(self) -> list[list[DayAvailability | None]]:
        """Monday-first weeks for a calendar grid; None outside the month."""
        by_day = {day.date: day for day in self.days}
        return [[by_day.get(day) if day.month == self.month else None for day in week]
                for week in calendar.Calendar(firstweekday=0).monthdatescalendar(self.year, self.month)]


@dataclass(frozen=True)
class SlotAvailability:
    slot_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    bookable: bool
    window: str = IN_WINDOW

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def state(self) -> str:
        """too_late / too_early (outside the booking window) · full · few · available"""
        if not self.bookable:
            return self.window if self.window != IN_WINDOW else TOO_LATE
        if self.free == 0:
            return "full"
        return "few" if self.free <= FEW_SEATS else "available"

    @property
    def can_book(self) -> bool:
        """Whether this time can be booked now (`bookable` says whether it lies in the window)."""
        return self.state in BOOKABLE_STATES


def _window(now: dt.datetime, staff: bool) -> tuple[dt.datetime, dt.datetime | None]:
    """The earliest and latest start that may be booked now; staff book any future slot."""
    if staff:
        return now, None
    return booking_window(now)


def _day_window(day: dt.date, first_day: dt.date, last_day: dt.date | None) -> str:
    """Whether `day` lies before, in or after the window (from its first to its last day, in the
    city's time zone); a day the window starts or ends on is in it."""
    if day < first_day:
        return TOO_LATE
    if last_day is not None and day > last_day:
        return TOO_EARLY
    return IN_WINDOW


def _slot_window(starts_at: dt.datetime, earliest: dt.datetime, latest: dt.datetime | None) -> str:
    if starts_at < earliest:
        return TOO_LATE
    if latest is not None and starts_at > latest:
        return TOO_EARLY
    return IN_WINDOW


def _bookable(starts_at: dt.datetime, now: dt.datetime, earliest: dt.datetime, latest: dt.datetime | None,
              staff: bool) -> bool:
    if staff:
        return starts_at > now
    return earliest <= starts_at <= latest


# One row per day of the month: slots, seats, seats booked, and seats free in slots that may be
# booked now (the window, or any future slot for staff): 31 small rows, summed by PostgreSQL.
_MONTH_DAYS_SQL = f"""
    SELECT (starts_at AT TIME ZONE %(tz)s)::date, count(*), sum(capacity), sum(booked),
           sum(CASE WHEN (CASE WHEN %(staff)s THEN starts_at > %(earliest)s
                               ELSE starts_at BETWEEN %(earliest)s AND %(latest)s END)
                    THEN capacity - booked ELSE 0 END)
    FROM "{Slot._meta.db_table}"
    WHERE place_id = %(place)s AND starts_at >= %(start)s AND starts_at < %(end)s
    GROUP BY 1"""
_SLOT_ROWS_SQL = (f'SELECT id, starts_at, ends_at, capacity, booked FROM "{Slot._meta.db_table}" '
                  "WHERE place_id = %s AND starts_at >= %s AND starts_at < %s ORDER BY starts_at")


def _month_days(place_id: int, year: int, month: int, now: dt.datetime, staff: bool,
                earliest: dt.datetime, latest: dt.datetime | None) -> dict[dt.date, tuple]:
    """{day: (slots, capacity, booked, bookable free)} of the month: one query of 31 rows at most, or
    none while the shared cache holds it for the place's current seats and this minute's window."""
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)

    def load() -> list[tuple]:
        with prepared_cursor() as cursor:
            cursor.execute(_MONTH_DAYS_SQL, {
                "tz": city_tz().key, "staff": staff, "earliest": earliest, "latest": latest or earliest,
                "place": place_id, "start": at(first, dt.time.min), "end": at(following, dt.time.min)})
            return [tuple(row) for row in cursor.fetchall()]

    # the window moves with the clock: what is cached holds for the minute it was read in
    part = f"month:{year:04d}-{month:02d}:{'staff' if staff else 'citizen'}:{int(now.timestamp()) // 60}"
    return {day: counts for day, *counts in place_snapshot(place_id, part, load)}


def _rows_between(place_id: int, start: dt.date, end: dt.date, fresh: bool = False) -> list[tuple]:
    """(id, starts_at, ends_at, capacity, booked) of the slots from `start` (included) to `end`
    (excluded): one query, or none while the shared cache holds the place's current seats (`fresh`:
    from the database in any case, e.g. once a booking found a seat the snapshot showed free taken)."""
    def load() -> list[tuple]:
        with prepared_cursor() as cursor:
            cursor.execute(_SLOT_ROWS_SQL, [place_id, at(start, dt.time.min), at(end, dt.time.min)])
            return [tuple(row) for row in cursor.fetchall()]

    if fresh:
        return load()
    return place_snapshot(place_id, f"slots:{start.isoformat()}:{end.isoformat()}", load)


def place_month(*, place: Place, year: int, month: int, now: dt.datetime | None = None,
                staff: bool = False) -> MonthAvailability:
    """Every day of the month with its capacity and free seats (one query at most, see _month_days)."""
    now = now or timezone.now()
    tz = city_tz()
    earliest, latest = _window(now, staff)
    found = _month_days(place.pk, year, month, now, staff, earliest, latest)
    today = now.astimezone(tz).date()
    first_day, last_day = earliest.astimezone(tz).date(), latest.astimezone(tz).date() if latest else None
    days = []
    for number in range(1, calendar.monthrange(year, month)[1] + 1):
        day = dt.date(year, month, number)
        slots, capacity, booked, bookable_free = found.get(day, (0, 0, 0, 0))
        window = _day_window(day, first_day, last_day)
        if window == IN_WINDOW and slots and not bookable_free and booked < capacity:
            # the first or last day of the window with free seats only outside it
            window = TOO_LATE if day == first_day else TOO_EARLY
        days.append(DayAvailability(date=day, slots=slots, capacity=capacity, booked=booked,
                                    bookable_free=bookable_free, past=day < today, window=window))
    return MonthAvailability(place=place, year=year, month=month, days=days)


def first_bookable_month(*, place: Place, first: dt.date, last: dt.date,
                         now: dt.datetime | None = None) -> MonthAvailability:
    """The first month from `first` to `last` with a day that can be booked now, or the first month
    when none has one (a citizen's calendar opens there)."""
    now = now or timezone.now()
    first_shown = None
    for availability in _months(place, first, last, now):
        if any(day.can_book for day in availability.days):
            return availability
        first_shown = first_shown or availability
    return first_shown or place_month(place=place, year=first.year, month=first.month, now=now)


def _months(place: Place, first: dt.date, last: dt.date, now: dt.datetime):
    """The availability of each month from `first` to `last` (their first days), in order, as asked for."""
    shown = first.replace(day=1)
    while shown <= last:
        yield place_month(place=place, year=shown.year, month=shown.month, now=now)
        shown = (shown + dt.timedelta(days=32)).replace(day=1)


def next_bookable_days(*, place: Place, after: dt.date, count: int = 3,
                       now: dt.datetime | None = None) -> list[dt.date]:
    """The first `count` days after `after` with a time a citizen can book now, from the month
    snapshots of the months up to the end of the booking window (one query a month at most)."""
    now = now or timezone.now()
    tz = city_tz()
    earliest, latest = booking_window(now)
    found: list[dt.date] = []
    for availability in _months(place, max(after, earliest.astimezone(tz).date()), latest.astimezone(tz).date(), now):
        found += [day.date for day in availability.days if day.date > after and day.can_book][:count - len(found)]
        if len(found) >= count:
            break
    return found


def place_slots(*, place: Place, start: dt.date, days: int = 1, now: dt.datetime | None = None,
                staff: bool = False, fresh: bool = False) -> dict[dt.date, list[SlotAvailability]]:
    """The slots of `days` days from `start`, with free seats, grouped by day (from the place's
    snapshot, or with `fresh` from the database)."""
    now = now or timezone.now()
    grouped: dict[dt.date, list[SlotAvailability]] = {start + dt.timedelta(days=n): [] for n in range(days)}
    tz = city_tz()
    earliest, latest = _window(now, staff)
    rows = _rows_between(place.pk, start, start + dt.timedelta(days=days), fresh)
    for pk, starts_at, ends_at, capacity, booked in rows:
        grouped[starts_at.astimezone(tz).date()].append(
            SlotAvailability(pk, starts_at, ends_at, capacity, booked,
                             _bookable(starts_at, now, earliest, latest, staff),
                             _slot_window(starts_at, earliest, latest)))
    return grouped


def place_day(*, place: Place, day: dt.date, now: dt.datetime | None = None,
              staff: bool = False, fresh: bool = False) -> list[SlotAvailability]:
    return place_slots(place=place, start=day, days=1, now=now, staff=staff, fresh=fresh)[day]


def place_week(*, place: Place, start: dt.date, now: dt.datetime | None = None,
               staff: bool = False) -> dict[dt.date, list[SlotAvailability]]:
    return place_slots(place=place, start=start, days=7, now=now, staff=staff)
