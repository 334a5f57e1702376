"""The staff console's landing page: today and this week at every place, counted in SQL.

Three grouped queries whatever the number of slots: bookings by place, day, hour, channel and
status; seats by place, day and hour; locked notice numbers.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from booking.clock import at, city_today, city_tz, current_municipality
from booking.models import Channel, NoticeLoginGuard, NoticeStatus, Place, Reservation, ReservationStatus, Slot

CHANNELS = [Channel.WEB, Channel.PHONE, Channel.IVR, Channel.STAFF]


@dataclass
class DayFigures:
    day: dt.date
    capacity: int = 0
    booked: int = 0      # active, completed or no-show: seats taken
    cancelled: int = 0
    no_shows: int = 0
    handed_over: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def used_percent(self) -> int:
        return round(100 * self.booked / self.capacity) if self.capacity else 0


@dataclass
class HourFigures:
    hour: int
    capacity: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def booked(self) -> int:
        return sum(self.by_channel.values())


@dataclass
class PlaceToday:
    place: Place
    today: DayFigures
    hours: list[HourFigures]
    week: list[DayFigures]
    to_pull: int = 0

    @property
    def week_total(self) -> DayFigures:
        total = DayFigures(day=self.week[0].day if self.week else city_today())
        for day in self.week:
            total.capacity += day.capacity
            total.booked += day.booked
            total.cancelled += day.cancelled
            total.no_shows += day.no_shows
            total.handed_over += day.handed_over
            for channel, count in day.by_channel.items():
                total.by_channel[channel] = total.by_channel.get(channel, 0) + count
        return total


@dataclass
class TodayOverview:
    today: dt.date
    week_start: dt.date
    week_end: dt.date
    places: list[PlaceToday]
    locked_notices: int


def _channel_of(channel: str) -> str:
    return channel if channel in CHANNELS else Channel.STAFF


def today_overview(today: dt.date | None = None) -> TodayOverview:
    """Per active place: today's bookings by hour and channel, capacity used, cancellations,
    no-shows, cards still to pull; this week's days (Monday to Sunday) likewise."""
    today = today or city_today()
    week_start = today - dt.timedelta(days=today.weekday())
    week_end = week_start + dt.timedelta(days=6)
    start, end = at(week_start, dt.time.min), at(week_end + dt.timedelta(days=1), dt.time.min)
    tz = city_tz()
    places = list(Place.objects.filter(is_active=True).order_by("sort_order", "code"))

    bookings = (
        Reservation.objects.filter(slot__starts_at__gte=start, slot__starts_at__lt=end)
        .values("slot__place_id", "channel", "status", "notice__status")
        .annotate(day=TruncDate("slot__starts_at", tzinfo=tz), hour=ExtractHour("slot__starts_at", tzinfo=tz),
                  n=Count("id"))
    )
    seats = (
        Slot.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .values("place_id")
        .annotate(day=TruncDate("starts_at", tzinfo=tz), hour=ExtractHour("starts_at", tzinfo=tz),
                  capacity=Sum("capacity"))
    )
    days = {place.pk: {week_start + dt.timedelta(days=i): DayFigures(week_start + dt.timedelta(days=i))
                       for i in range(7)} for place in places}
    hours: dict[int, dict[int, HourFigures]] = defaultdict(dict)
    to_pull: dict[int, int] = defaultdict(int)
    for row in seats:
        if row["place_id"] not in days:
            continue
        days[row["place_id"]][row["day"]].capacity += row["capacity"]
        if row["day"] == today:
            hours[row["place_id"]].setdefault(row["hour"], HourFigures(row["hour"])).capacity += row["capacity"]
    for row in bookings:
        place_id, n = row["slot__place_id"], row["n"]
        if place_id not in days:
            continue
        figures = days[place_id][row["day"]]
        status = row["status"]
        if status == ReservationStatus.CANCELLED:
            figures.cancelled += n
            continue
        channel = _channel_of(row["channel"])
        figures.booked += n
        figures.by_channel[channel] = figures.by_channel.get(channel, 0) + n
        if status == ReservationStatus.NO_SHOW:
            figures.no_shows += n
        elif status == ReservationStatus.COMPLETED:
            figures.handed_over += n
        if row["day"] == today:
            hour = hours[place_id].setdefault(row["hour"], HourFigures(row["hour"]))
            hour.by_channel[channel] = hour.by_channel.get(channel, 0) + n
            if status == ReservationStatus.ACTIVE and row["notice__status"] == NoticeStatus.BOOKED:
                to_pull[place_id] += n
    overview = [
        PlaceToday(place=place, today=days[place.pk][today],
                   hours=[hours[place.pk][h] for h in sorted(hours[place.pk])],
                   week=list(days[place.pk].values()), to_pull=to_pull[place.pk])
        for place in places
    ]
    return TodayOverview(today=today, week_start=week_start, week_end=week_end, places=overview,
                         locked_notices=_locked_count())


def _locked_count() -> int:
    guards = NoticeLoginGuard.objects.filter(locked_at__isnull=False)
    hours = current_municipality().login_lock_hours
    if hours:
        guards = guards.filter(locked_at__gt=timezone.now() - dt.timedelta(hours=hours))
    return guards.count()
