"""Booking, moving and cancelling a pickup (SYS-1, SYS-2, OPS-6, WEB-7): one path for every channel.

`reservation_book` makes the notice's booking or moves it (a notice has at most one active
booking); `reservation_cancel` ends it. The web, the call centre's operators, the IVR and the
counter staff all come through here; who acts and through which channel is the `Actor`.

The guarantee lives in PostgreSQL (see `seats`). The notice row is locked first, then its
booking, then slots in a fixed order, so two requests for one notice queue up instead of racing
and two moves between the same slots cannot deadlock.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.availability_cache import availability_changed
from booking.clock import current_municipality
from booking.errors import (
    AlreadyAtThisTimeError,
    BookingError,
    ChangeClosedError,
    ReservationNotActiveError,
    SlotFullError,
)
from booking.models import Channel, Notice, NoticeStatus, Reservation, ReservationStatus, Slot
from booking.selectors.eligibility import STAFF_CHANNELS, change_cut_off, notice_refusal, seat_refusal, slot_refusal
from booking.services import booking_statements as statements
from booking.services.audit import Actor, audit_record
from booking.services.notices import notice_transition
from booking.services.notifications import reservation_event_notify
from booking.services.seats import CodeTaken, new_booking_code, seat_release, seat_take, translate_database_refusals
from tenants.languages import DEFAULT_LANGUAGE

CODE_ATTEMPTS = 3


@dataclass(frozen=True)
class BookingOutcome:
    reservation: Reservation
    moved: bool  # an existing booking was moved (otherwise a new one was made)


def reservation_book(*, notice: Notice, slot: Slot, actor: Actor, email: str | None = None,
                     language: str = DEFAULT_LANGUAGE) -> BookingOutcome:
    """Book `slot` for `notice`, or move the notice's booking there; all or nothing.

    `email` None keeps the booking's address when moving; a string (even empty) sets it. The
    channel is the actor's. Raises a BookingError (SlotFullError, CardHandedOverError, …) and
    changes nothing when the booking cannot be made.
    """
    for _attempt in range(CODE_ATTEMPTS):
        try:
            return _book(notice, slot, actor, email, language)
        except CodeTaken:
            continue  # another booking drew the same code: draw again
    raise BookingError(_("The booking could not be made. Please try again."))


def _book(notice: Notice, slot: Slot, actor: Actor, email: str | None, language: str) -> BookingOutcome:
    now = timezone.now()
    with translate_database_refusals(), transaction.atomic():
        locked = statements.lock_notice(notice.pk)
        moving = locked.active_reservation_id is not None
        refusal = notice_refusal(locked, moving=moving)
        if refusal is not None:
            raise refusal
        if moving:
            held = _lock_notice(notice.pk)
            reservation = _move(held, _active_booking(locked), slot, actor, email, now)
            status, changed_at = held.status, held.status_changed_at
        else:
            reservation = _create(notice, locked, slot, actor, email, language, now)
            status, changed_at = NoticeStatus.BOOKED, now
        reservation_event_notify(reservation=reservation, event="changed" if moving else "created")
    notice.status, notice.status_changed_at = status, changed_at
    return BookingOutcome(reservation=reservation, moved=moving)


def _lock_notice(notice_id: int) -> Notice:
    return Notice.objects.select_for_update(of=("self",)).select_related("ward").get(pk=notice_id)


def _active_booking(locked: statements.LockedNotice) -> Reservation:
    """The active booking of a notice whose row this transaction has locked (every writer of a
    notice's bookings takes that lock first, so the booking row needs none of its own)."""
    found = (Reservation.objects.select_related("slot", "slot__place")
             .filter(pk=locked.active_reservation_id, status=ReservationStatus.ACTIVE).first())
    if found is None:
        raise ReservationNotActiveError()
    return found


def _checked_slot(slot: Slot, notice: Notice, actor: Actor, now: dt.datetime) -> Slot:
    current = Slot.objects.select_related("place").get(pk=slot.pk)
    refusal = slot_refusal(current, notice, channel=actor.channel, now=now)
    if refusal is not None:
        raise refusal
    return current


def _create(notice: Notice, locked: statements.LockedNotice, slot: Slot, actor: Actor, email: str | None,
            language: str, now: dt.datetime) -> Reservation:
    """The hot path: five statements after the notice's lock (see booking_statements)."""
    email = _checked_email(email, actor.channel)
    selectable = current_municipality().places_selectable
    seat = statements.take_seat(locked, slot.pk, selectable=selectable)
    facts = seat or statements.slot_as_it_is(locked, slot.pk, selectable=selectable)
    if facts is None:
        raise Slot.DoesNotExist(slot.pk)
    refusal = seat_refusal(starts_at=facts.starts_at, place_active=facts.place_active, place_allowed=facts.allowed,
                           channel=actor.channel, now=now)
    if refusal is not None:
        raise refusal  # the transaction rolls back, the seat with it
    if seat is None:
        raise SlotFullError()
    availability_changed([seat.place_id])
    code = new_booking_code()
    user_id = getattr(actor.user, "pk", None)
    reservation_id = statements.insert_booking(
        notice_id=notice.pk, slot_id=slot.pk, channel=actor.channel, code=code, email=email, language=language,
        user_id=user_id, now=now, actor_kind=actor.kind, actor_label=actor.label, previous_status=locked.status,
        create_changes={"slot": slot.pk, "starts_at": facts.starts_at.isoformat(), "place": facts.place_code,
                        "channel": actor.channel, "email_given": bool(email)},
    )
    return Reservation(pk=reservation_id, notice=notice, slot_id=slot.pk, channel=actor.channel,
                       status=ReservationStatus.ACTIVE, code=code, email=email, language=language, created_at=now,
                       updated_at=now, created_by_id=user_id)


def _move(notice: Notice, reservation: Reservation, slot: Slot, actor: Actor, email: str | None,
          now: dt.datetime) -> Reservation:
    _check_change_allowed(reservation, actor, now)
    if slot.pk == reservation.slot_id:
        raise AlreadyAtThisTimeError()
    old_slot = reservation.slot
    # both slots locked in a fixed order, so two moves between the same slots cannot deadlock
    list(Slot.objects.select_for_update().filter(pk__in=[old_slot.pk, slot.pk]).order_by("pk"))
    new_slot = _checked_slot(slot, notice, actor, now)
    seat_take(new_slot.pk)
    seat_release(old_slot.pk)
    availability_changed([new_slot.place_id, old_slot.place_id])
    changes = {"slot": [old_slot.pk, new_slot.pk],
               "starts_at": [old_slot.starts_at.isoformat(), new_slot.starts_at.isoformat()],
               "place": [old_slot.place.code, new_slot.place.code]}
    reservation.slot = new_slot
    fields = ["slot", "updated_at"]
    if email is not None:
        new_email = _checked_email(email, actor.channel)
        if new_email != reservation.email:
            changes["email_changed"] = True
            reservation.email = new_email
            fields.append("email")
    reservation.save(update_fields=fields)
    if notice.status == NoticeStatus.PULLED:  # the card goes back to storage for the new day's pull list
        notice_transition(notice=notice, to=NoticeStatus.BOOKED, actor=actor, reason="booking moved", locked=True)
    audit_record(actor=actor, action="reservation.change", notice=notice, reservation=reservation, changes=changes)
    return reservation


def _check_change_allowed(reservation: Reservation, actor: Actor, now: dt.datetime) -> None:
    if actor.channel not in STAFF_CHANNELS and now >= change_cut_off(reservation):
        raise ChangeClosedError()


def _checked_email(email: str | None, channel: str) -> str:
    """The address to keep: valid, one address, no line breaks; required on the web if the city says so."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise BookingError(_("Enter a valid e-mail address."), field="email") from None
    elif channel == Channel.WEB and current_municipality().email_required:
        raise BookingError(_("Enter an e-mail address for the confirmation."), field="email")
    return email


def reservation_cancel(*, reservation: Reservation, actor: Actor, reason: str = "") -> Reservation:
    """Cancel a booking and give its seat back; the notice may be booked again."""
    now = timezone.now()
    with transaction.atomic():
        notice = _lock_notice(reservation.notice_id)
        locked = (Reservation.objects.select_for_update(of=("self",)).select_related("slot", "slot__place")
                  .get(pk=reservation.pk))
        if locked.status != ReservationStatus.ACTIVE:
            raise ReservationNotActiveError()
        _check_change_allowed(locked, actor, now)
        seat_release(locked.slot_id)
        availability_changed([locked.slot.place_id])
        locked.status = ReservationStatus.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        if notice.status in (NoticeStatus.BOOKED, NoticeStatus.PULLED):
            notice_transition(notice=notice, to=NoticeStatus.MAILED, actor=actor, reason="reservation cancelled",
                              locked=True)
        changes = {"status": [ReservationStatus.ACTIVE, ReservationStatus.CANCELLED]}
        if reason:
            changes["reason"] = reason
        audit_record(actor=actor, action="reservation.cancel", notice=notice, reservation=locked, changes=changes)
        reservation_event_notify(reservation=locked, event="cancelled")
    reservation.status, reservation.cancelled_at = locked.status, locked.cancelled_at
    return locked
