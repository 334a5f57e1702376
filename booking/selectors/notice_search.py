"""Finding notices for the staff console (OPS-2, OPS-3): search, one notice's page, its timeline.

A search is one query: each notice with its latest booking (time, place, channel, status) and
whether its number is locked, filtered on all of them at once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from booking.clock import at, current_municipality
from booking.models import AuditEntry, Card, Notice, NoticeLoginGuard, Place, Reservation, ReservationStatus, Ward
from booking.notice_numbers import normalise_notice_number


@dataclass(frozen=True)
class NoticeFilters:
    """What a clerk searched for; every field is optional and they combine (AND)."""

    number: str = ""
    status: str = ""
    ward: int | None = None
    place: int | None = None
    booked_from: dt.date | None = None
    booked_until: dt.date | None = None
    channel: str = ""
    locked: bool | None = None


def _locked_guards():
    """Guards whose lock holds now (a lapsed lock no longer counts: the citizen may log in again)."""
    guards = NoticeLoginGuard.objects.filter(number=OuterRef("number"), locked_at__isnull=False)
    hours = current_municipality().login_lock_hours
    if hours:
        guards = guards.filter(locked_at__gt=timezone.now() - dt.timedelta(hours=hours))
    return guards


def notices_annotated() -> QuerySet:
    """Notices with their latest booking's time, place, channel, status and code, and their lock state."""
    latest = Reservation.objects.filter(notice=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Notice.objects.select_related("ward", "default_place")
        .annotate(
            booking_id=Subquery(latest.values("pk")[:1]),
            booking_starts_at=Subquery(latest.values("slot__starts_at")[:1]),
            booking_place_id=Subquery(latest.values("slot__place_id")[:1]),
            booking_place_name=Subquery(latest.values("slot__place__name")[:1]),
            booking_channel=Subquery(latest.values("channel")[:1]),
            booking_status=Subquery(latest.values("status")[:1]),
            booking_code=Subquery(latest.values("code")[:1]),
            locked=Exists(_locked_guards()),
        )
    )


def notice_search(filters: NoticeFilters) -> QuerySet:
    """Notices matching every given filter, by number. The number matches as printed or typed
    (full width, hyphens, spaces) and also by its beginning."""
    notices = notices_annotated()
    if filters.number:
        number = normalise_notice_number(filters.number)
        notices = notices.filter(number__startswith=number) if number else notices.none()
    if filters.status:
        notices = notices.filter(status=filters.status)
    if filters.ward:
        notices = notices.filter(ward_id=filters.ward)
    if filters.place:
        notices = notices.filter(Q(booking_place_id=filters.place)
                                 | Q(booking_place_id__isnull=True, default_place_id=filters.place))
    if filters.booked_from:
        notices = notices.filter(booking_starts_at__gte=at(filters.booked_from, dt.time.min))
    if filters.booked_until:
        notices = notices.filter(booking_starts_at__lt=at(filters.booked_until + dt.timedelta(days=1), dt.time.min))
    if filters.channel:
        notices = notices.filter(booking_channel=filters.channel)
    if filters.locked is not None:
        notices = notices.filter(locked=filters.locked)
    return notices.order_by("number")


@dataclass
class NoticeDetail:
    notice: Notice
    reservations: list[Reservation]
    active: Reservation | None
    card: Card | None
    timeline: list[AuditEntry] = field(default_factory=list)
    locked: bool = False


def notice_detail(notice_id: int) -> NoticeDetail | None:
    """A notice's page: its bookings (newest first), its card, its status timeline, its lock."""
    notice = notices_annotated().filter(pk=notice_id).first()
    if notice is None:
        return None
    reservations = list(notice.reservations.select_related("slot", "slot__place").order_by("-created_at", "-pk"))
    active = next((r for r in reservations if r.status == ReservationStatus.ACTIVE), None)
    card = Card.objects.select_related("box").filter(notice=notice).first()
    timeline = list(AuditEntry.objects.filter(notice=notice).order_by("created_at", "id"))
    return NoticeDetail(notice=notice, reservations=reservations, active=active, card=card, timeline=timeline,
                        locked=notice.locked)


def filter_choices() -> dict:
    """Wards and places to filter by (all of them, inactive places too: old bookings name them)."""
    return {
        "wards": list(Ward.objects.order_by("sort_order", "code")),
        "places": list(Place.objects.order_by("sort_order", "code")),
    }
