"""Booking, changing and cancelling a pickup (SYS-1, SYS-2, OPS-6, WEB-7): one path for every channel.

The guarantee lives in PostgreSQL: a seat is taken by one conditional UPDATE (booked < capacity)
under a CHECK (booked <= capacity); a partial unique index allows one active reservation per
notice; triggers refuse a booking for a card already handed over. The notice row is locked first,
so two requests for one notice queue up instead of racing.
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.clock import city_today, current_municipality
from booking.errors import (
    AlreadyBookedError,
    BookingError,
    BookingWindowError,
    CardHandedOverError,
    ChangeClosedError,
    NoticeNotBookableError,
    PlaceNotAllowedError,
    ReservationNotActiveError,
    SlotFullError,
    SlotInPastError,
)
from booking.models import Channel, Notice, NoticeStatus, Place, Reservation, ReservationStatus, Slot
from booking.services.audit import Actor, audit_record
from booking.services.notices import apply_transition

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)
STAFF_CHANNELS = {Channel.STAFF}
_HANDED_OVER_SQLSTATES = {"MD001", "MD002"}


def new_booking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def allowed_place_ids(notice: Notice) -> set[int]:
    """Where this notice may be picked up: its ward's office, plus every choosable place if the city allows."""
    ids = set(notice.ward.default_places.filter(is_active=True).values_list("pk", flat=True))
    if notice.default_place_id:
        ids.add(notice.default_place_id)
    if current_municipality().places_selectable:
        ids |= set(Place.objects.filter(is_active=True, citizen_selectable=True).values_list("pk", flat=True))
    return ids


def booking_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and latest start a citizen may book now (WEB-15)."""
    now = now or timezone.now()
    policy = current_municipality()
    return now + dt.timedelta(hours=policy.booking_closes_hours), now + dt.timedelta(days=policy.booking_opens_days)


def _check_notice(notice: Notice, *, for_change: bool = False) -> None:
    if notice.status == NoticeStatus.HANDED_OVER:
        raise CardHandedOverError()
    if not for_change and notice.status in (NoticeStatus.BOOKED, NoticeStatus.PULLED):
        raise AlreadyBookedError()
    if notice.status in (NoticeStatus.EXPIRED, NoticeStatus.CANCELLED, NoticeStatus.RETURNED):
        raise NoticeNotBookableError()
    if notice.expires_on and notice.expires_on < city_today():
        raise NoticeNotBookableError(_("The pickup deadline of this notice has passed. Please call us."))


def notice_bookable(notice: Notice) -> bool:
    """Whether this notice may be booked, or its booking changed, by the citizen now."""
    try:
        _check_notice(notice, for_change=True)
    except BookingError:
        return False
    return True


def _check_slot(slot: Slot, notice: Notice, actor: Actor, now: dt.datetime) -> None:
    if slot.starts_at <= now:
        raise SlotInPastError()
    if not slot.place.is_active:
        raise PlaceNotAllowedError()
    if actor.channel in STAFF_CHANNELS:
        return  # staff judge place and short notice themselves (OPS-6)
    earliest, latest = booking_window(now)
    if not earliest <= slot.starts_at <= latest:
        policy = current_municipality()
        raise BookingWindowError(BookingWindowError.default_message % {
            "opens": policy.booking_opens_days, "closes": policy.booking_closes_hours})
    if slot.place_id not in allowed_place_ids(notice):
        raise PlaceNotAllowedError()


def _check_email(email: str | None, channel: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise BookingError(_("Enter a valid e-mail address."), field="email") from None
    elif channel == Channel.WEB and current_municipality().email_required:
        raise BookingError(_("Enter an e-mail address for the confirmation."), field="email")
    return email


def _take_seat(slot_id: int) -> None:
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise SlotFullError()


def _release_seat(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


class _CodeTaken(Exception):
    pass


class _translate_database_refusals:
    """Turn what PostgreSQL refused into the domain's errors."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None:
            return False
        if isinstance(error, IntegrityError) and "booking_reservation_code_key" in str(error):
            raise _CodeTaken() from error
        if isinstance(error, IntegrityError) and "one_active_reservation_per_notice" in str(error):
            raise AlreadyBookedError() from error
        if isinstance(error, IntegrityError) and "slot_booked_within_capacity" in str(error):
            raise SlotFullError() from error
        if isinstance(error, DatabaseError) and getattr(error.__cause__, "sqlstate", None) in _HANDED_OVER_SQLSTATES:
            raise CardHandedOverError() from error
        return False


def reservation_create(*, notice: Notice, slot: Slot, channel: str, actor: Actor, email: str | None = None,
                       language: str = "ja") -> Reservation:
    email = _check_email(email, channel)
    for _attempt in range(3):
        try:
            return _create(notice, slot, channel, actor, email, language)
        except _CodeTaken:
            continue  # another booking drew the same code: draw again
    raise BookingError(_("The booking could not be made. Please try again."))


def _create(notice: Notice, slot: Slot, channel: str, actor: Actor, email: str, language: str) -> Reservation:
    now = timezone.now()
    with _translate_database_refusals(), transaction.atomic():
        locked = Notice.objects.select_for_update(of=("self",)).select_related("ward").get(pk=notice.pk)
        _check_notice(locked)
        slot = Slot.objects.select_related("place").get(pk=slot.pk)
        _check_slot(slot, locked, actor, now)
        _take_seat(slot.pk)
        reservation = Reservation.objects.create(
            notice=locked, slot=slot, channel=channel, email=email, language=language,
            code=new_booking_code(), created_by=actor.user,
        )
        apply_transition(locked, to=NoticeStatus.BOOKED, actor=actor)
        audit_record(actor=actor, action="reservation.create", notice=locked, reservation=reservation,
                     changes={"slot": slot.pk, "starts_at": slot.starts_at.isoformat(), "place": slot.place.code,
                              "channel": channel, "email_given": bool(email)})
        _after_commit(reservation, "created")
    notice.status = locked.status
    return reservation


def _lock_active(reservation: Reservation) -> tuple[Notice, Reservation]:
    notice = Notice.objects.select_for_update(of=("self",)).select_related("ward").get(pk=reservation.notice_id)
    locked = (Reservation.objects.select_for_update(of=("self",)).select_related("slot", "slot__place")
              .get(pk=reservation.pk))
    if locked.status != ReservationStatus.ACTIVE:
        raise ReservationNotActiveError()
    return notice, locked


def _check_change_allowed(reservation: Reservation, actor: Actor, now: dt.datetime) -> None:
    if actor.channel in STAFF_CHANNELS:
        return
    cut_off = reservation.slot.starts_at - dt.timedelta(hours=current_municipality().change_closes_hours)
    if now >= cut_off:
        raise ChangeClosedError()


def reservation_change(*, reservation: Reservation, slot: Slot, actor: Actor, email: str | None = None) -> Reservation:
    """Move a booking to another slot: the new seat is taken and the old released together, or nothing."""
    now = timezone.now()
    with _translate_database_refusals(), transaction.atomic():
        notice, locked = _lock_active(reservation)
        _check_notice(notice, for_change=True)
        _check_change_allowed(locked, actor, now)
        if slot.pk == locked.slot_id:
            raise BookingError(_("The booking is already at this time."))
        old_slot = locked.slot
        # lock both slots in a fixed order, so two changes between the same slots cannot deadlock
        list(Slot.objects.select_for_update().filter(pk__in=[old_slot.pk, slot.pk]).order_by("pk"))
        new_slot = Slot.objects.select_related("place").get(pk=slot.pk)
        _check_slot(new_slot, notice, actor, now)
        _take_seat(new_slot.pk)
        _release_seat(old_slot.pk)
        changes = {"slot": [old_slot.pk, new_slot.pk],
                   "starts_at": [old_slot.starts_at.isoformat(), new_slot.starts_at.isoformat()],
                   "place": [old_slot.place.code, new_slot.place.code]}
        locked.slot = new_slot
        fields = ["slot", "updated_at"]
        if email is not None:
            new_email = _check_email(email, actor.channel)
            if new_email != locked.email:
                changes["email_changed"] = True
                locked.email = new_email
                fields.append("email")
        locked.save(update_fields=fields)
        audit_record(actor=actor, action="reservation.change", notice=notice, reservation=locked, changes=changes)
        _after_commit(locked, "changed")
    return locked


def reservation_cancel(*, reservation: Reservation, actor: Actor, reason: str = "") -> Reservation:
    now = timezone.now()
    with transaction.atomic():
        notice, locked = _lock_active(reservation)
        _check_change_allowed(locked, actor, now)
        _release_seat(locked.slot_id)
        locked.status = ReservationStatus.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        if notice.status in (NoticeStatus.BOOKED, NoticeStatus.PULLED):
            apply_transition(notice, to=NoticeStatus.MAILED, actor=actor, reason="reservation cancelled")
        changes = {"status": [ReservationStatus.ACTIVE, ReservationStatus.CANCELLED]}
        if reason:
            changes["reason"] = reason
        audit_record(actor=actor, action="reservation.cancel", notice=notice, reservation=locked, changes=changes)
        _after_commit(locked, "cancelled")
    return locked


def _after_commit(reservation: Reservation, event: str) -> None:
    """Side effects of a booking event, sent once the transaction commits (mails: see notifications)."""
    from booking.services.notifications import reservation_event_notify

    reservation_event_notify(reservation=reservation, event=event)
