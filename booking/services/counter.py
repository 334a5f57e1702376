"""The card counter's day (DATA-4, OPS-2): pulling the day's cards, handing them over, walk-ins, no-shows.

Walk-ins (a citizen without a booking, spec 第1章2(4)) are served only by booking the counter's
next free seat now, through `reservation_book` with the clerk as actor, and handing over in the
same transaction. There is deliberately no handover without a booking: the seat count is what
tells the counter it has room, every handover then has a booking for statistics and billing, and
the database's guarantees (one active booking per notice, no handover while one is active, no
booking of a handed-over card) stay the only path.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import barcodes
from booking.cardfiles import normalise_box_code
from booking.clock import at, city_now
from booking.errors import HandoverError, PullListError, WalkInNoRoomError
from booking.models import CardFlag, Notice, NoticeStatus, Place, Reservation, ReservationStatus, Slot
from booking.notice_numbers import normalise_notice_number
from booking.selectors.cards import scan_resolve
from booking.selectors.pull_list import IDENTITY_CHECK_KEYS, PullListLine, pull_list
from booking.services.audit import Actor, audit_record
from booking.services.cards import card_flag
from booking.services.notices import notice_hand_over, notice_transition
from booking.services.reservations import reservation_book

WALK_IN_MINUTES = 60  # a walk-in takes a free seat of a slot starting within this many minutes
NO_SHOWS_AFTER = dt.time(20, 0)  # from this local time, today's unattended bookings count as no-shows


def _line_for(lines: list[PullListLine], scanned: str) -> PullListLine:
    result = scan_resolve(scanned)
    number = normalise_notice_number(scanned)
    for line in lines:
        if result.notice is not None and line.notice.pk == result.notice.pk:
            return line
        if line.reservation.code.replace("-", "") == number:
            return line
    raise PullListError()


def pull_list_mark_pulled(*, place: Place, day: dt.date, scanned: str, actor: Actor,
                          found_in_box: str | None = None) -> PullListLine:
    """One line pulled, by scanning its barcode, the card, the notice or the booking code.

    `found_in_box`: the box the clerk scanned before the card; if the list says another box, the
    card is pulled all the same and flagged as found elsewhere.
    """
    with transaction.atomic():
        line = _line_for(pull_list(place=place, day=day), scanned)
        if line.notice.status == NoticeStatus.BOOKED:
            notice_transition(notice=line.notice, to=NoticeStatus.PULLED, actor=actor, reason="pull list")
        if line.card is not None and found_in_box:
            label = barcodes.read_label(found_in_box)
            found = label[1] if label and label[0] == "box" else normalise_box_code(found_in_box)
            listed = line.card.box.code if line.card.box_id else ""
            if found != listed:
                card_flag(card=line.card, flag=CardFlag.MISPLACED, actor=actor,
                          note=str(_("Found in box %(found)s; the list says %(listed)s.")
                                   % {"found": found, "listed": listed or "—"}))
    return line


def pull_list_mark_all_pulled(*, place: Place, day: dt.date, actor: Actor) -> int:
    """Every line not yet pulled, except cards flagged as not where the list says."""
    count = 0
    with transaction.atomic():
        for line in pull_list(place=place, day=day):
            if line.notice.status == NoticeStatus.BOOKED and not line.flagged:
                notice_transition(notice=line.notice, to=NoticeStatus.PULLED, actor=actor, reason="pull list")
                count += 1
    return count


def pull_list_flag_missing(*, place: Place, day: dt.date, scanned: str, actor: Actor, note: str = "") -> PullListLine:
    """The card of this line is not where the list says."""
    with transaction.atomic():
        line = _line_for(pull_list(place=place, day=day), scanned)
        if line.card is None:
            raise PullListError(_("This notice has no card data to flag."))
        card_flag(card=line.card, flag=CardFlag.MISSING, actor=actor, note=note)
    return line


def _checked(checks: Collection[str]) -> list[str]:
    missing = [key for key in IDENTITY_CHECK_KEYS if key not in set(checks or ())]
    if missing:
        raise HandoverError(_("Confirm every identity check before handing the card over."), field="checks")
    return list(IDENTITY_CHECK_KEYS)


def card_hand_over(*, notice: Notice, actor: Actor, checks: Collection[str]) -> Notice:
    """Hand the card of a booked notice over, once the clerk confirmed every identity check.

    Completes the booking, closes the notice and takes the card out of storage in one transaction
    (`notice_hand_over`). A notice without an active booking is a walk-in (`walk_in_serve`).
    """
    done = _checked(checks)
    if not Reservation.objects.filter(notice=notice, status=ReservationStatus.ACTIVE).exists():
        raise HandoverError(_("This notice has no booking: serve it as a walk-in."))
    return notice_hand_over(notice=notice, actor=actor, checks=done)


def walk_in_slot(*, place: Place, now: dt.datetime | None = None) -> Slot | None:
    """The slot a walk-in would take now: the first with a free seat starting within WALK_IN_MINUTES."""
    now = now or timezone.now()
    return (Slot.objects.select_related("place")
            .filter(place=place, starts_at__gt=now, starts_at__lte=now + dt.timedelta(minutes=WALK_IN_MINUTES),
                    booked__lt=F("capacity"))
            .order_by("starts_at").first())


def walk_in_serve(*, notice: Notice, place: Place, actor: Actor, checks: Collection[str]) -> Notice:
    """A citizen without a booking: book the counter's next free seat now and hand over, all or nothing."""
    done = _checked(checks)
    with transaction.atomic():
        if Reservation.objects.filter(notice=notice, status=ReservationStatus.ACTIVE).exists():
            raise HandoverError(_("This notice has a booking: hand the card over through it."))
        slot = walk_in_slot(place=place)
        if slot is None:
            raise WalkInNoRoomError()
        outcome = reservation_book(notice=notice, slot=slot, actor=actor)
        audit_record(actor=actor, action="reservation.walk_in", notice=notice, reservation=outcome.reservation,
                     changes={"slot": slot.pk, "place": place.code})
        return notice_hand_over(notice=notice, actor=actor, checks=done)


def no_shows_mark(*, now: dt.datetime | None = None) -> int:
    """Bookings nobody came for become no-shows: today's after NO_SHOWS_AFTER, earlier days' always.

    The notice goes back to mailed (the citizen may book again) and a pulled card back to storage
    (`no_shows` lists where). Seats of past slots are not given back. Safe to run again.
    """
    local_now = city_now() if now is None else now.astimezone(city_now().tzinfo)
    day = local_now.date() if local_now.time() >= NO_SHOWS_AFTER else local_now.date() - dt.timedelta(days=1)
    cut = min(at(day + dt.timedelta(days=1), dt.time.min), local_now)
    actor = Actor.system("no-shows")
    count = 0
    for reservation_id, notice_id in (Reservation.objects.filter(status=ReservationStatus.ACTIVE,
                                                                  slot__ends_at__lte=cut)
                                      .order_by("slot__starts_at", "pk").values_list("pk", "notice_id")):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().get(pk=notice_id)
            reservation = Reservation.objects.select_for_update(of=("self",)).get(pk=reservation_id)
            if reservation.status != ReservationStatus.ACTIVE:
                continue  # handed over or cancelled meanwhile
            reservation.status = ReservationStatus.NO_SHOW
            reservation.save(update_fields=["status", "updated_at"])
            audit_record(actor=actor, action="reservation.no_show", notice=notice, reservation=reservation,
                         changes={"status": [ReservationStatus.ACTIVE, ReservationStatus.NO_SHOW]})
            if notice.status in (NoticeStatus.BOOKED, NoticeStatus.PULLED):
                notice_transition(notice=notice, to=NoticeStatus.MAILED, actor=actor, reason="no-show", locked=True)
            count += 1
    return count
