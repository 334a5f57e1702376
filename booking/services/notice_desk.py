"""What a clerk does on a notice's page in the staff console (OPS-2): move its status with a reason, unlock it.

Booking, pulling and handing over have their own flows (counter, pull list, handover); here a
clerk records what happened to the notice itself: it came back undelivered, it is sent again,
its deadline passed, it is withdrawn. A withdrawn or re-sent notice gives its booking's seat back.
"""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from booking.errors import BookingError, TransitionNotAllowedError
from booking.models import Notice, NoticeStatus, Reservation, ReservationStatus
from booking.services.audit import Actor
from booking.services.citizen_login import notice_login_unlock
from booking.services.notices import ALLOWED_TRANSITIONS, notice_transition
from booking.services.reservations import reservation_cancel

# The statuses a clerk sets from a notice's page; the others come from their own flows.
CLERK_TARGETS = (NoticeStatus.MAILED, NoticeStatus.RETURNED, NoticeStatus.EXPIRED, NoticeStatus.CANCELLED)
REASON_MAX_LENGTH = 200


def clerk_transitions(status: str) -> list[str]:
    """The statuses a clerk may move a notice in `status` to, from its page."""
    allowed = ALLOWED_TRANSITIONS.get(status, set())
    return [target for target in CLERK_TARGETS if target in allowed]


def notice_clerk_transition(*, notice_id: int, to: str, reason: str, actor: Actor) -> Notice:
    """Move a notice to `to` with the clerk's reason; a booking it still has is cancelled first.

    All or nothing: a refused move changes nothing (neither the booking nor the notice).
    """
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Give the reason.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("The reason must be at most %(max)s characters.") % {"max": REASON_MAX_LENGTH}]
    if to not in CLERK_TARGETS:
        errors["to"] = [_("Choose a status.")]
    if errors:
        raise BookingError(_("The status was not changed."), errors=errors)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if to not in clerk_transitions(notice.status):
            raise TransitionNotAllowedError(TransitionNotAllowedError.default_message % {
                "from": NoticeStatus(notice.status).label, "to": NoticeStatus(to).label})
        active = Reservation.objects.filter(notice=notice, status=ReservationStatus.ACTIVE).first()
        if active is not None:
            reservation_cancel(reservation=active, actor=actor, reason=reason)
            notice.refresh_from_db(fields=["status", "status_changed_at"])
        if notice.status != to:
            notice_transition(notice=notice, to=to, actor=actor, reason=reason, locked=True)
    return notice


def notice_unlock(*, notice_id: int, actor: Actor, client: str | None = None) -> bool:
    """Unlock the citizen login of this notice (audited by the login service). True if it was locked."""
    notice = Notice.objects.get(pk=notice_id)
    return notice_login_unlock(number=notice.number, actor=actor, client=client)
