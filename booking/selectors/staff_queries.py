"""What the staff API lists and exports (OPS-2, OPS-6, DATA-1): querysets the API filters and pages.

The staff API's views filter these with django-filter and page through them; they never touch
the models themselves (views reach models only through selectors and services).
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from booking.clock import at
from booking.models import Notice, NoticeLoginGuard, Place, Reservation, ReservationStatus
from booking.notice_numbers import normalise_notice_number


def notices_listed() -> QuerySet:
    """Every notice with its ward, default place, lock state and active booking (if any)."""
    locked = NoticeLoginGuard.objects.filter(number=OuterRef("number"), locked_at__isnull=False)
    active = Reservation.objects.filter(status=ReservationStatus.ACTIVE).select_related("slot", "slot__place")
    return (Notice.objects.select_related("ward", "default_place")
            .annotate(locked=Exists(locked))
            .prefetch_related(Prefetch("reservations", queryset=active, to_attr="active_bookings"))
            .order_by("number"))


def notices_numbered(queryset: QuerySet, number: str) -> QuerySet:
    """Notices whose number starts with `number` as printed (any width, hyphens, spaces)."""
    return queryset.filter(number__startswith=normalise_notice_number(number))


def bookings_listed() -> QuerySet:
    """Every booking with its notice, ward and place, newest slot first."""
    return (Reservation.objects.select_related("notice", "notice__ward", "slot", "slot__place")
            .order_by("-slot__starts_at", "-id"))


def bookings_numbered(queryset: QuerySet, number: str) -> QuerySet:
    """Bookings of notices whose number starts with `number` as printed."""
    return queryset.filter(notice__number__startswith=normalise_notice_number(number))


def bookings_between(queryset: QuerySet, start: dt.date | None, end: dt.date | None) -> QuerySet:
    """Bookings whose slot starts on a day from `start` to `end` (both included, the city's days)."""
    if start is not None:
        queryset = queryset.filter(slot__starts_at__gte=at(start, dt.time.min))
    if end is not None:
        queryset = queryset.filter(slot__starts_at__lt=at(end + dt.timedelta(days=1), dt.time.min))
    return queryset


def booking_by_id(reservation_id: int) -> Reservation | None:
    return bookings_listed().filter(pk=reservation_id).first()


def places_listed() -> QuerySet:
    return Place.objects.order_by("sort_order", "code")


def place_by_code(code: str) -> Place | None:
    return Place.objects.filter(code=code).first()

