"""Notices: numbers, progress from mailing to handover (OPS-2), and adding them in bulk (OPS-7)."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.clock import current_municipality
from booking.errors import BookingError, HandoverError, TransitionNotAllowedError
from booking.models import (
    CLOSED_CARD_STATUSES,
    Card,
    CardFlag,
    CardStatus,
    Notice,
    NoticeStatus,
    Place,
    ReservationStatus,
    Ward,
)
from booking.notice_numbers import normalise_notice_number, notice_number_matches
from booking.services.audit import Actor, audit_record

_MAILED, _BOOKED, _PULLED = NoticeStatus.MAILED, NoticeStatus.BOOKED, NoticeStatus.PULLED
_HANDED_OVER, _RETURNED = NoticeStatus.HANDED_OVER, NoticeStatus.RETURNED
_EXPIRED, _CANCELLED = NoticeStatus.EXPIRED, NoticeStatus.CANCELLED
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    _MAILED: {_BOOKED, _PULLED, _RETURNED, _EXPIRED, _CANCELLED},
    _BOOKED: {_MAILED, _PULLED, _HANDED_OVER, _CANCELLED},
    _PULLED: {_HANDED_OVER, _BOOKED, _MAILED, _CANCELLED},
    _RETURNED: {_MAILED, _EXPIRED, _CANCELLED},
    _EXPIRED: {_MAILED},
    _HANDED_OVER: set(),
    _CANCELLED: set(),
}


def notice_number_is_valid(number: str) -> bool:
    """Whether a normalised number has the form the current city uses."""
    return notice_number_matches(number, current_municipality().notice_number_pattern)


def default_place_for(ward: Ward) -> Place | None:
    return ward.default_places.filter(is_active=True).order_by("sort_order").first()


def notice_create(*, number: str, birth_day: int, ward: Ward, actor: Actor, mailed_on: dt.date | None = None,
                  expires_on: dt.date | None = None, place: Place | None = None,
                  birth_month: int | None = None) -> Notice:
    normalised = normalise_notice_number(number)
    errors = notice_field_errors(normalised, birth_day, birth_month)
    if not errors.get("number") and Notice.objects.filter(number=normalised).exists():
        errors.setdefault("number", []).append(_("A notice with this number already exists."))
    if errors:
        raise BookingError(_("The notice could not be added."), errors=errors)
    with transaction.atomic():
        notice = Notice.objects.create(
            number=normalised, birth_day=birth_day, birth_month=birth_month, ward=ward,
            default_place=place or default_place_for(ward), mailed_on=mailed_on, expires_on=expires_on,
        )
        audit_record(actor=actor, action="notice.create", notice=notice, changes={"status": notice.status})
    return notice


def notice_field_errors(number: str, birth_day, birth_month) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not notice_number_is_valid(number):
        errors["number"] = [_("The notice number does not have the form this city uses.")]
    if not isinstance(birth_day, int) or not 1 <= birth_day <= 31:
        errors["birth_day"] = [_("The day of birth must be between 1 and 31.")]
    if birth_month is not None and not 1 <= birth_month <= 12:
        errors["birth_month"] = [_("The month of birth must be between 1 and 12.")]
    return errors


def notice_transition(*, notice: Notice, to: str, actor: Actor, reason: str = "", locked: bool = False) -> Notice:
    """Move a notice to another status, if its progress allows it; the one place that does.

    `locked`: the caller already holds the notice's row lock in its own transaction (the booking
    service does); otherwise the row is locked here.
    """
    with transaction.atomic(savepoint=not locked):  # inside the caller's transaction: no savepoint
        target = notice if locked else Notice.objects.select_for_update().get(pk=notice.pk)
        if to not in ALLOWED_TRANSITIONS.get(target.status, set()):
            raise TransitionNotAllowedError(TransitionNotAllowedError.default_message % {
                "from": NoticeStatus(target.status).label,
                "to": NoticeStatus(to).label if to in NoticeStatus.values else to,
            })
        previous = target.status
        target.status = to
        target.status_changed_at = timezone.now()
        target.save(update_fields=["status", "status_changed_at"])
        changes = {"status": [previous, to]}
        if reason:
            changes["reason"] = reason
        audit_record(actor=actor, action="notice.status", notice=target, changes=changes)
    notice.status, notice.status_changed_at = target.status, target.status_changed_at
    return notice


def notice_hand_over(*, notice: Notice, actor: Actor, checks: list[str] | None = None) -> Notice:
    """The card is handed over: the booking completed, the notice closed and the card out of storage, together.

    The notice row is locked first, then its booking and its card (the booking service's order).
    The database refuses a handover while a booking is still active, so the booking is completed
    before the notice moves. `checks`: the identity checks the clerk confirmed, kept in the audit.
    """
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        active = locked.reservations.select_for_update().filter(status=ReservationStatus.ACTIVE).first()
        if active is not None:
            active.status = ReservationStatus.COMPLETED
            active.save(update_fields=["status", "updated_at"])
            audit_record(actor=actor, action="reservation.complete", notice=locked, reservation=active,
                         changes={"status": [ReservationStatus.ACTIVE, ReservationStatus.COMPLETED]})
        notice_transition(notice=locked, to=NoticeStatus.HANDED_OVER, actor=actor, locked=True)
        card = Card.objects.select_for_update(of=("self",)).select_related("box").filter(notice=locked).first()
        if card is not None:
            if card.status in CLOSED_CARD_STATUSES:
                raise HandoverError(_("This card was already handed over or closed."))
            location = [card.box.code if card.box_id else None, card.position]
            now = timezone.now()
            card.status, card.status_changed_at, card.handed_over_at = CardStatus.HANDED_OVER, now, now
            card.box = card.position = None
            card.flag, card.flag_note, card.flagged_at = CardFlag.NONE, "", None
            card.save(update_fields=["status", "status_changed_at", "handed_over_at", "box", "position", "flag",
                                     "flag_note", "flagged_at"])
            audit_record(actor=actor, action="card.hand_over", notice=locked, reservation=active,
                         changes={"card": card.serial, "location": [location, None], "checks": list(checks or [])})
    notice.status, notice.status_changed_at = locked.status, locked.status_changed_at
    return notice
