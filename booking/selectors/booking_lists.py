"""Bookings as lists (DATA-1): filtered by day range, time of day, place, status and channel.

The CSV export reads the rows through a server-side cursor (`.iterator(chunk_size=…)`), so a list
of any length costs the same memory; the appointment sheet reads one day of one place.
Days and times are the city's (the time-of-day filter is applied in the city's time zone).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import CharField, DateTimeField, F, Func, Value
from django.db.models.functions import TruncTime

from booking.clock import at, city_tz
from booking.models import Channel, Place, Reservation, ReservationStatus

CHUNK_ROWS = 2000
MAX_DAYS = 366  # one export covers at most a year of bookings

# The columns of a list row, in order (see `booking.exports` for the CSV header). Dates and times
# are written by PostgreSQL in the city's time zone: parsing and formatting 300,000 timestamps in
# Python would cost more than everything else of an export together.
ROW_FIELDS = ("local_day", "local_start", "local_end", "slot__place__name", "notice__ward__name", "code",
              "notice__number", "notice__card__name_kanji", "notice__card__name_kana", "status", "channel",
              "local_created")


def _local_text(field: str, pattern: str, zone: str) -> Func:
    """`field` as text in the city's time zone: to_char(timezone(zone, field), pattern)."""
    return Func(Func(Value(zone), F(field), function="timezone", output_field=DateTimeField()), Value(pattern),
                function="to_char", output_field=CharField())


@dataclass(frozen=True)
class BookingFilter:
    """What a clerk asks for; empty fields do not filter."""

    date_from: dt.date
    date_to: dt.date
    time_from: dt.time | None = None
    time_to: dt.time | None = None  # excluded: 09:00–12:00 lists the slots starting 09:00 … 11:59
    place_id: int | None = None
    statuses: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()


def bookings_filtered(criteria: BookingFilter):
    """The bookings matching `criteria`, in the order of the day: time, place, code."""
    query = Reservation.objects.filter(slot__starts_at__gte=at(criteria.date_from, dt.time.min),
                                       slot__starts_at__lt=at(criteria.date_to + dt.timedelta(days=1), dt.time.min))
    if criteria.time_from is not None or criteria.time_to is not None:
        # the local time of day, in the city's zone whatever the request's zone is
        query = query.annotate(local_time=TruncTime("slot__starts_at", tzinfo=city_tz()))
        if criteria.time_from is not None:
            query = query.filter(local_time__gte=criteria.time_from)
        if criteria.time_to is not None:
            query = query.filter(local_time__lt=criteria.time_to)
    if criteria.place_id:
        query = query.filter(slot__place_id=criteria.place_id)
    if criteria.statuses:
        query = query.filter(status__in=criteria.statuses)
    if criteria.channels:
        query = query.filter(channel__in=criteria.channels)
    return query.order_by("slot__starts_at", "slot__place__sort_order", "code")


def _rows(criteria: BookingFilter):
    zone = city_tz().key
    return bookings_filtered(criteria).annotate(
        local_day=_local_text("slot__starts_at", "YYYY-MM-DD", zone),
        local_start=_local_text("slot__starts_at", "HH24:MI", zone),
        local_end=_local_text("slot__ends_at", "HH24:MI", zone),
        local_created=_local_text("created_at", "YYYY-MM-DD HH24:MI", zone),
    ).values_list(*ROW_FIELDS)


def booking_rows(criteria: BookingFilter, *, chunk_size: int = CHUNK_ROWS) -> Iterator[tuple]:
    """The rows of ROW_FIELDS, streamed from a server-side cursor."""
    return _rows(criteria).iterator(chunk_size=chunk_size)


def booking_rows_first(criteria: BookingFilter, limit: int) -> list[tuple]:
    return list(_rows(criteria)[:limit])


def booking_count(criteria: BookingFilter) -> int:
    return bookings_filtered(criteria).count()


def status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in ReservationStatus.choices}


def channel_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Channel.choices}


@dataclass(frozen=True)
class SheetLine:
    starts_at: dt.datetime
    ends_at: dt.datetime
    code: str
    number: str
    ward: str
    name_kanji: str
    name_kana: str
    channel: str
    status: str


def appointment_sheet(*, place: Place, day: dt.date) -> list[SheetLine]:
    """The day's bookings at a place (active, completed, no-show), by time: the counter's sheet."""
    rows = (Reservation.objects
            .filter(slot__place=place, slot__starts_at__gte=at(day, dt.time.min),
                    slot__starts_at__lt=at(day + dt.timedelta(days=1), dt.time.min))
            .exclude(status=ReservationStatus.CANCELLED)
            .order_by("slot__starts_at", "code")
            .values_list("slot__starts_at", "slot__ends_at", "code", "notice__number", "notice__ward__name",
                         "notice__card__name_kanji", "notice__card__name_kana", "channel", "status"))
    channels, statuses = channel_labels(), status_labels()
    return [SheetLine(starts_at, ends_at, code, number, ward or "", kanji or "", kana or "",
                      channels.get(channel, channel), statuses.get(status, status))
            for starts_at, ends_at, code, number, ward, kanji, kana, channel, status in rows]
