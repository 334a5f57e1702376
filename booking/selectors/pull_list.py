"""The pull list (引抜きリスト, DATA-4) and the handover screen (OPS-2): what the counter reads."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import barcodes
from booking.clock import at, city_today, local
from booking.models import (
    CLOSED_CARD_STATUSES,
    Card,
    CardFlag,
    Notice,
    NoticeStatus,
    Place,
    Reservation,
    ReservationStatus,
)
from booking.selectors.cards import ScanResult, scan_resolve


@dataclass(frozen=True)
class PullListLine:
    reservation: Reservation
    notice: Notice
    card: Card | None
    starts_at: dt.datetime

    @property
    def pulled(self) -> bool:
        return self.notice.status == NoticeStatus.PULLED

    @property
    def flagged(self) -> bool:
        return self.card is not None and self.card.flag != CardFlag.NONE

    @property
    def barcode_data(self) -> str:
        """What the line's Code128 carries: the card's label, or the notice number without card data."""
        return barcodes.card_label_code(self.card.serial) if self.card and self.card.serial else self.notice.number

    def barcode_svg(self) -> str:
        return barcodes.code128_svg(self.barcode_data, module_height=7.0)


def pull_list(*, place: Place, day: dt.date) -> list[PullListLine]:
    """The day's active bookings at `place`, in storage order: box, position; cards without a place last."""
    start = at(day, dt.time.min)
    reservations = (
        Reservation.objects.select_related("notice", "notice__card", "notice__card__box", "slot")
        .filter(slot__place=place, status=ReservationStatus.ACTIVE, slot__starts_at__gte=start,
                slot__starts_at__lt=start + dt.timedelta(days=1))
        .order_by(F("notice__card__box__code").asc(nulls_last=True),
                  F("notice__card__position").asc(nulls_last=True), "slot__starts_at", "code")
    )
    lines = []
    for reservation in reservations:
        notice = reservation.notice
        card = getattr(notice, "card", None) if _has_card(notice) else None
        lines.append(PullListLine(reservation=reservation, notice=notice, card=card,
                                  starts_at=local(reservation.slot.starts_at)))
    return lines


def _has_card(notice: Notice) -> bool:
    try:
        notice.card  # noqa: B018 - follows the select_related join
    except Card.DoesNotExist:
        return False
    return True


# --- handover ------------------------------------------------------------------------------------

IDENTITY_CHECKS = (
    ("notice", _("The notice postcard is the original and its number matches.")),
    ("documents", _("Identity documents checked: one with a photo, or two others.")),
    ("face", _("The face matches the photo on the card.")),
    ("pins", _("The citizen has set the PINs of the card.")),
)
IDENTITY_CHECK_KEYS = tuple(key for key, _label in IDENTITY_CHECKS)


@dataclass(frozen=True)
class HandoverView:
    """What the counter sees after scanning a notice: the booking, where the card is, what to check."""

    scanned: ScanResult
    notice: Notice | None
    card: Card | None
    reservation: Reservation | None
    checks: tuple = IDENTITY_CHECKS
    warnings: list[str] = field(default_factory=list)
    refusal: str = ""  # why the card cannot be handed over now

    @property
    def can_hand_over(self) -> bool:
        return self.notice is not None and not self.refusal

    @property
    def walk_in(self) -> bool:
        """No booking: the card may still be handed over if the counter has room now."""
        return self.can_hand_over and self.reservation is None


def handover_view(*, scanned: str, place: Place | None = None, now: dt.datetime | None = None) -> HandoverView:
    now = now or timezone.now()
    result = scan_resolve(scanned)
    notice = result.notice
    if notice is None:
        return HandoverView(scanned=result, notice=None, card=None, reservation=None,
                            refusal=str(_("No notice or card with this code was found.")))
    card = result.card
    reservation = (Reservation.objects.select_related("slot", "slot__place")
                   .filter(notice=notice, status=ReservationStatus.ACTIVE).first())
    warnings: list[str] = []
    refusal = ""
    if notice.status == NoticeStatus.HANDED_OVER or (card and card.status in CLOSED_CARD_STATUSES):
        refusal = str(_("This card was already handed over or closed."))
    elif notice.status in (NoticeStatus.CANCELLED, NoticeStatus.EXPIRED):
        refusal = str(_("This notice is closed (%(status)s).") % {"status": notice.get_status_display()})
    if card is None:
        warnings.append(str(_("No card data for this notice: find the card by its notice number.")))
    elif card.flag:
        warnings.append(str(_("The card is flagged: %(flag)s.") % {"flag": card.get_flag_display()}))
    if reservation is not None:
        if local(reservation.slot.starts_at).date() != local(now).date():
            warnings.append(str(_("The booking is for another day: %(when)s.")
                                % {"when": f"{local(reservation.slot.starts_at):%Y-%m-%d %H:%M}"}))
        if place is not None and reservation.slot.place_id != place.pk:
            warnings.append(str(_("The booking is at another place: %(place)s.")
                                % {"place": reservation.slot.place.name}))
        if notice.status != NoticeStatus.PULLED:
            warnings.append(str(_("The card has not been pulled from storage yet.")))
    elif not refusal:
        warnings.append(str(_("No booking: serve as a walk-in if the counter has room now.")))
    if notice.expires_on and notice.expires_on < city_today():
        warnings.append(str(_("The pickup deadline has passed.")))
    return HandoverView(scanned=result, notice=notice, card=card, reservation=reservation, warnings=warnings,
                        refusal=refusal)
