"""Free capacity at a place: a month (one query, whatever the slot length), a week, a day (WEB-5)."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from booking.clock import at, city_tz
from booking.models import Place, Slot
from booking.selectors.eligibility import booking_window

FEW_SEATS = 3


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


def _window(now: dt.datetime, staff: bool) -> tuple[dt.datetime, dt.datetime | None]:
    """The earliest and latest start that may be booked now; staff book any future slot."""
    if staff:
        return now, None
    return booking_window(now)


def _window_filter(now: dt.datetime, staff: bool) -> Q:
    if staff:
        return Q(starts_at__gt=now)
    earliest, latest = booking_window(now)
    return Q(starts_at__gte=earliest, starts_at__lte=latest)


def _day_window(day: dt.date, earliest: dt.datetime, latest: dt.datetime | None) -> str:
    """Whether `day` lies before, in or after the window; a day the window starts or ends on is in it."""
    if day < earliest.astimezone(city_tz()).date():
        return TOO_LATE
    if latest is not None and day > latest.astimezone(city_tz()).date():
        return TOO_EARLY
    return IN_WINDOW


def _slot_window(starts_at: dt.datetime, earliest: dt.datetime, latest: dt.datetime | None) -> str:
    if starts_at < earliest:
        return TOO_LATE
    if latest is not None and starts_at > latest:
        return TOO_EARLY
    return IN_WINDOW


def place_month(*, place: Place, year: int, month: int, now: dt.datetime | None = None,
                staff: bool = False) -> MonthAvailability:
    """Every day of the month with its capacity and free seats, in one query."""
    now = now or timezone.now()
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    bookable = _window_filter(now, staff)
    rows = (
        Slot.objects.filter(place=place, starts_at__gte=at(first, dt.time.min),
                            starts_at__lt=at(following, dt.time.min))
        .annotate(day=TruncDate("starts_at", tzinfo=city_tz()))
        .values("day")
        .annotate(
            slot_count=Count("id"), capacity_sum=Sum("capacity"), booked_sum=Sum("booked"),
            bookable_free=Sum(Case(When(bookable, then=F("capacity") - F("booked")), default=0,
                                   output_field=IntegerField())),
        )
        .order_by("day")
    )
    found = {row["day"]: row for row in rows}
    today = now.astimezone(city_tz()).date()
    earliest, latest = _window(now, staff)
    days = []
    for number in range(1, calendar.monthrange(year, month)[1] + 1):
        day = dt.date(year, month, number)
        row = found.get(day)
        window = _day_window(day, earliest, latest)
        if window == IN_WINDOW and row and not row["bookable_free"] and row["booked_sum"] < row["capacity_sum"]:
            # the first or last day of the window with free seats only outside it
            window = TOO_LATE if day == earliest.astimezone(city_tz()).date() else TOO_EARLY
        days.append(DayAvailability(
            date=day, slots=row["slot_count"] if row else 0, capacity=row["capacity_sum"] if row else 0,
            booked=row["booked_sum"] if row else 0, bookable_free=row["bookable_free"] if row else 0,
            past=day < today, window=window,
        ))
    return MonthAvailability(place=place, year=year, month=month, days=days)


def place_slots(*, place: Place, start: dt.date, days: int = 1, now: dt.datetime | None = None,
                staff: bool = False) -> dict[dt.date, list[SlotAvailability]]:
    """The slots of `days` days from `start`, with free seats, grouped by day; one query."""
    now = now or timezone.now()
    bookable = _window_filter(now, staff)
    rows = (
        Slot.objects.filter(place=place, starts_at__gte=at(start, dt.time.min),
                            starts_at__lt=at(start + dt.timedelta(days=days), dt.time.min))
        .annotate(bookable=Case(When(bookable, then=True), default=False))
        .order_by("starts_at")
        .values_list("pk", "starts_at", "ends_at", "capacity", "booked", "bookable")
    )
    grouped: dict[dt.date, list[SlotAvailability]] = {start + dt.timedelta(days=n): [] for n in range(days)}
    tz = city_tz()
    earliest, latest = _window(now, staff)
    for pk, starts_at, ends_at, capacity, booked, is_bookable in rows:
        grouped[starts_at.astimezone(tz).date()].append(
            SlotAvailability(pk, starts_at, ends_at, capacity, booked, bool(is_bookable),
                             _slot_window(starts_at, earliest, latest)))
    return grouped


def place_day(*, place: Place, day: dt.date, now: dt.datetime | None = None,
              staff: bool = False) -> list[SlotAvailability]:
    return place_slots(place=place, start=day, days=1, now=now, staff=staff)[day]


def place_week(*, place: Place, start: dt.date, now: dt.datetime | None = None,
               staff: bool = False) -> dict[dt.date, list[SlotAvailability]]:
    return place_slots(place=place, start=start, days=7, now=now, staff=staff)
