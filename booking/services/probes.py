"""The booking path, tried for real and undone: the monitor's end-to-end check of one city (SEC-4).

A booking is made through `reservation_book` (seat taken, audit row, confirmation mail written to
the outbox) for a notice made on the spot, on the latest free slot of the city, and the whole
transaction is rolled back: nothing stays, no mail goes out, no seat stays taken.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from booking.errors import BookingError
from booking.models import AuditEntry, Channel, Notice, Slot, Ward
from booking.services.audit import Actor
from booking.services.reservations import reservation_book
from kernel.outbox.models import OutboxMessage

PROBE = Actor(kind=AuditEntry.ActorKind.SYSTEM, channel=Channel.STAFF, label="monitor probe")


@dataclass(frozen=True)
class ProbeOutcome:
    ok: bool | None  # None: nothing to try it on (no free slot)
    detail: str
    milliseconds: float = 0.0


class _Undo(Exception):
    pass


def booking_path_probe() -> ProbeOutcome:
    started = time.monotonic()
    slot = (Slot.objects.filter(starts_at__gt=timezone.now(), booked__lt=F("capacity"), place__is_active=True)
            .select_related("place").order_by("-starts_at").first())
    ward = Ward.objects.order_by("sort_order").first()
    if slot is None or ward is None:
        return ProbeOutcome(None, "no free slot to try a booking on")
    try:
        with transaction.atomic():
            notice = Notice.objects.create(number=f"PRB{uuid.uuid4().hex[:9].upper()}", birth_day=1, ward=ward,
                                           default_place=slot.place)
            booked = reservation_book(notice=notice, slot=slot, actor=PROBE, email="probe@madoguchi.invalid")
            mail_written = OutboxMessage.objects.filter(args__0=booked.reservation.pk,
                                                        task_name="booking.send_reservation_mail").exists()
            raise _Undo(mail_written)
    except _Undo as undo:
        elapsed = 1000 * (time.monotonic() - started)
        if not undo.args[0]:
            return ProbeOutcome(False, "booking saved but its confirmation mail was not written", elapsed)
        return ProbeOutcome(True, f"booking made and undone in {elapsed:.0f} ms", elapsed)
    except BookingError as error:  # the slot filled meanwhile: not a failure of the path
        return ProbeOutcome(None, f"booking refused: {error.message}")
