"""Where cards are (DATA-4) and how they leave storage without a handover (returned, destroyed).

Check-in files cards in a box in the order they are scanned; a move puts one card elsewhere; a
flag says a card is not where the list said. Each is one transaction, audited per notice. A box
row is locked before its positions are counted, so two clerks filling one box queue up.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import barcodes
from booking.cardfiles import BOX_CODE, normalise_box_code, normalise_serial
from booking.errors import CardError, StorageError
from booking.models import (
    CLOSED_CARD_STATUSES,
    Card,
    CardFlag,
    CardStatus,
    Notice,
    NoticeStatus,
    ReservationStatus,
    StorageBox,
)
from booking.services.audit import Actor, audit_record, audit_record_many
from booking.services.notices import notice_transition


@dataclass(frozen=True)
class CheckInResult:
    box: StorageBox
    stored: list[Card]  # in the order scanned, with their new positions
    already_there: int


def _box_code(scanned: str) -> str:
    label = barcodes.read_label(scanned)
    code = label[1] if label and label[0] == "box" else normalise_box_code(scanned)
    if not BOX_CODE.match(code):
        raise StorageError(_("“%(code)s” is not a box label.") % {"code": scanned}, field="box")
    return code


def _serial(scanned: str) -> str:
    label = barcodes.read_label(scanned)
    return label[1] if label and label[0] == "card" else normalise_serial(scanned)


def _locked_box(code: str, shelf: str | None) -> StorageBox:
    box, created = StorageBox.objects.get_or_create(code=code, defaults={"shelf": (shelf or "")[:32]})
    box = StorageBox.objects.select_for_update().get(pk=box.pk)
    if shelf is not None and not created and shelf != box.shelf:
        box.shelf = shelf[:32]
        box.save(update_fields=["shelf"])
    return box


def _location(card: Card) -> list:
    return [card.box.code if card.box_id else None, card.position]


def storage_check_in(*, box: str, serials: Sequence[str], actor: Actor, shelf: str | None = None) -> CheckInResult:
    """File cards in a box: the box label first, then the cards in the order they go in; all or nothing."""
    code = _box_code(box)
    wanted = [_serial(scanned) for scanned in serials if scanned.strip()]
    if not wanted:
        raise StorageError(_("Scan the cards that go in the box."), field="serials")
    problems = [str(_("%(serial)s is scanned twice.") % {"serial": serial})
                for index, serial in enumerate(wanted) if serial in wanted[:index]]
    with transaction.atomic():
        storage_box = _locked_box(code, shelf)
        cards = {card.serial: card for card in Card.objects.select_for_update(of=("self",))
                 .select_related("box").filter(serial__in=wanted).order_by("pk")}
        for serial in dict.fromkeys(wanted):
            card = cards.get(serial)
            if card is None:
                problems.append(str(_("%(serial)s: no card with this serial.") % {"serial": serial}))
            elif card.status in CLOSED_CARD_STATUSES:
                problems.append(str(_("%(serial)s: the card is no longer in storage (%(status)s).")
                                    % {"serial": serial, "status": card.get_status_display()}))
        if problems:
            raise StorageError(_("Nothing was stored."), errors={"serials": problems})
        next_position = (Card.objects.filter(box=storage_box).aggregate(last=Max("position"))["last"] or 0) + 1
        now = timezone.now()
        stored, changes, already = [], {}, 0
        for serial in dict.fromkeys(wanted):
            card = cards[serial]
            if card.box_id == storage_box.pk and not card.flag:
                already += 1
                continue
            before = _location(card)
            if card.box_id != storage_box.pk:
                card.box, card.position = storage_box, next_position
                next_position += 1
            if card.status == CardStatus.RECEIVED:
                card.status, card.status_changed_at = CardStatus.STORED, now
            card.flag, card.flag_note, card.flagged_at = CardFlag.NONE, "", None
            card.save(update_fields=["box", "position", "status", "status_changed_at", "flag", "flag_note",
                                     "flagged_at"])
            stored.append(card)
            changes[card.notice_id] = {"card": card.serial, "location": [before, _location(card)]}
        audit_record_many(actor=actor, action="card.store", notices=[Notice(pk=pk) for pk in changes],
                          changes_of=lambda notice: changes[notice.pk])
    return CheckInResult(box=storage_box, stored=stored, already_there=already)


def card_move(*, card: Card, box: str, actor: Actor, position: int | None = None) -> Card:
    """Put one card at a place: the next free position in `box`, or `position` if it is free."""
    code = _box_code(box)
    with transaction.atomic():
        storage_box = _locked_box(code, None)
        locked = Card.objects.select_for_update(of=("self",)).select_related("box").get(pk=card.pk)
        if locked.status in CLOSED_CARD_STATUSES:
            raise StorageError(_("The card is no longer in storage."))
        if position is None:
            position = (Card.objects.filter(box=storage_box).exclude(pk=locked.pk)
                        .aggregate(last=Max("position"))["last"] or 0) + 1
        elif position < 1:
            raise StorageError(_("A position is a whole number from 1."), field="position")
        elif Card.objects.filter(box=storage_box, position=position).exclude(pk=locked.pk).exists():
            raise StorageError(_("Another card is already at this place in box %(box)s.") % {"box": code},
                               field="position")
        before = _location(locked)
        locked.box, locked.position = storage_box, position
        if locked.status == CardStatus.RECEIVED:
            locked.status, locked.status_changed_at = CardStatus.STORED, timezone.now()
        locked.flag, locked.flag_note, locked.flagged_at = CardFlag.NONE, "", None
        locked.save(update_fields=["box", "position", "status", "status_changed_at", "flag", "flag_note",
                                   "flagged_at"])
        audit_record(actor=actor, action="card.move", notice=Notice(pk=locked.notice_id),
                     changes={"card": locked.serial, "location": [before, _location(locked)]})
    return locked


def card_flag(*, card: Card, flag: str, actor: Actor, note: str = "") -> Card:
    """Say a card is not where the list says (missing) or was found elsewhere (misplaced)."""
    if flag not in (CardFlag.MISSING, CardFlag.MISPLACED):
        raise CardError(_("Choose why the card is flagged."), field="flag")
    with transaction.atomic():
        locked = Card.objects.select_for_update(of=("self",)).select_related("box").get(pk=card.pk)
        locked.flag, locked.flag_note, locked.flagged_at = flag, note[:200], timezone.now()
        locked.save(update_fields=["flag", "flag_note", "flagged_at"])
        audit_record(actor=actor, action="card.flag", notice=Notice(pk=locked.notice_id),
                     changes={"card": locked.serial, "flag": flag, "note": note[:200],
                              "location": _location(locked)})
    return locked


def card_close(*, card: Card, outcome: str, reason: str, actor: Actor) -> Card:
    """A card nobody collected leaves storage: returned (sent back) or destroyed, with the reason.

    Its notice closes too (deadline passed). A card with an active booking is refused: cancel the
    booking first.
    """
    if outcome not in (CardStatus.RETURNED, CardStatus.DESTROYED):
        raise CardError(_("Choose returned or destroyed."), field="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise CardError(_("Give the reason."), field="reason")
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=card.notice_id)
        locked = Card.objects.select_for_update(of=("self",)).select_related("box").get(pk=card.pk)
        if locked.status in CLOSED_CARD_STATUSES:
            raise CardError(_("This card was already handed over or closed."))
        if notice.reservations.filter(status=ReservationStatus.ACTIVE).exists():
            raise CardError(_("This notice has an active booking. Cancel the booking first."))
        before = {"status": locked.status, "location": _location(locked)}
        locked.status, locked.status_changed_at, locked.closing_reason = outcome, timezone.now(), reason[:200]
        locked.box = locked.position = None
        locked.flag, locked.flag_note, locked.flagged_at = CardFlag.NONE, "", None
        locked.save(update_fields=["status", "status_changed_at", "closing_reason", "box", "position", "flag",
                                   "flag_note", "flagged_at"])
        audit_record(actor=actor, action="card.close", notice=notice,
                     changes={"card": locked.serial, "status": [before["status"], outcome], "reason": reason[:200],
                              "location": [before["location"], None]})
        if notice.status in (NoticeStatus.MAILED, NoticeStatus.RETURNED):
            notice_transition(notice=notice, to=NoticeStatus.EXPIRED, actor=actor, reason=reason[:200], locked=True)
    return locked


def notice_mark_returned(*, notice: Notice, reason: str, actor: Actor) -> Notice:
    """The notice postcard came back undelivered (返戻); the card stays in storage for follow-up."""
    reason = (reason or "").strip()
    if not reason:
        raise CardError(_("Give the reason."), field="reason")
    return notice_transition(notice=notice, to=NoticeStatus.RETURNED, actor=actor, reason=reason[:200])
