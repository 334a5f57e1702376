"""Writes of the staff API (issue 9): the same services as the console, a staff user as the actor.

Bookings go through `reservation_book` / `reservation_cancel` on the staff channel (the API is
the municipal staff's own tool, like the counter); imports through the notice and card import
services, all or nothing, every bad line reported.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from booking.errors import AlreadyBookedError, BookingError, ReservationNotActiveError
from booking.models import Channel, Reservation, ReservationStatus
from booking.selectors.eligibility import active_reservation
from booking.selectors.lookups import notice_by_number, slot_by_id
from booking.selectors.staff_queries import booking_by_id
from booking.services.audit import Actor
from booking.services.card_import import card_import_start
from booking.services.notice_import import notices_import_csv
from booking.services.reservations import reservation_book, reservation_cancel
from kernel.errors import ApplicationError, NotFoundError


def staff_actor(user) -> Actor:
    return Actor.for_user(user, channel=Channel.STAFF)


def _slot(slot_id: int):
    slot = slot_by_id(slot_id)
    if slot is None:
        raise BookingError(_("No slot with this id."), field="slot")
    return slot


def _booking(reservation_id: int) -> Reservation:
    reservation = booking_by_id(reservation_id)
    if reservation is None:
        raise NotFoundError(_("No booking with this id."))
    return reservation


def api_booking_create(*, user, notice_number: str, slot_id: int, email: str | None = None,
                       language: str = "ja") -> Reservation:
    """Book a slot for a notice that has no booking yet (moving is its own request)."""
    try:
        notice = notice_by_number(notice_number)
    except BookingError:
        raise BookingError(_("No notice with this number was found."), field="notice_number") from None
    slot = _slot(slot_id)
    if active_reservation(notice) is not None:
        raise AlreadyBookedError()
    outcome = reservation_book(notice=notice, slot=slot, actor=staff_actor(user), email=email or "",
                               language=language)
    return _booking(outcome.reservation.pk)


def api_booking_move(*, user, reservation_id: int, slot_id: int) -> Reservation:
    reservation = _booking(reservation_id)
    if reservation.status != ReservationStatus.ACTIVE:
        raise ReservationNotActiveError()
    reservation_book(notice=reservation.notice, slot=_slot(slot_id), actor=staff_actor(user))
    return _booking(reservation_id)


def api_booking_cancel(*, user, reservation_id: int, reason: str = "") -> Reservation:
    reservation = _booking(reservation_id)
    reservation_cancel(reservation=reservation, actor=staff_actor(user), reason=reason)
    return _booking(reservation_id)


@dataclass(frozen=True)
class NoticeImportOutcome:
    dry_run: bool
    created: int


def api_notices_import(*, user, content: bytes, dry_run: bool = False) -> NoticeImportOutcome:
    """Import a notices CSV: all or nothing; a dry run checks every line and writes nothing."""
    result = notices_import_csv(content=content, actor=staff_actor(user), dry_run=dry_run)
    return NoticeImportOutcome(dry_run=dry_run, created=result.created)


class CardImportFailedError(ApplicationError):
    default_message = _("The card data was not imported. Nothing was changed.")


def api_cards_import(*, user, content: bytes, file_name: str = "", dry_run: bool = False,
                     encoding: str | None = None):
    """Start a card import (or a dry run); a file with bad lines is refused with every one of them."""
    record = card_import_start(content=content, actor=staff_actor(user), file_name=file_name,
                               encoding=None if encoding in (None, "", "auto") else encoding, dry_run=dry_run)
    if record.status == record.Status.FAILED:
        lines = [_line_message(error) for error in record.errors or []]
        raise CardImportFailedError(errors={"lines": lines, "import": [str(record.pk)]})
    return record


def _line_message(error: dict) -> str:
    if error.get("line") is None:
        return str(error.get("message", ""))
    if error.get("header"):
        return str(_("Line %(line)s, %(column)s: %(message)s") % {
            "line": error["line"], "column": error["header"], "message": error.get("message", "")})
    return str(_("Line %(line)s: %(message)s") % {"line": error["line"], "message": error.get("message", "")})

