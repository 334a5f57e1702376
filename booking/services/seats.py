"""Seats and the database's guarantee (SYS-1, SYS-2): the only code that changes a slot's count.

A seat is taken by one conditional UPDATE (booked < capacity) under a CHECK (booked <= capacity);
a partial unique index allows one active reservation per notice; triggers refuse a booking for a
card already handed over. What PostgreSQL refuses comes back as the domain's errors.
"""
from __future__ import annotations

import secrets

from django.db import DatabaseError, IntegrityError
from django.db.models import F

from booking.errors import AlreadyBookedError, CardHandedOverError, SlotFullError
from booking.models import Slot

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)
_HANDED_OVER_SQLSTATES = {"MD001", "MD002"}


def new_booking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def seat_take(slot_id: int) -> None:
    """Take one seat of the slot, or SlotFullError; the database decides, not a count read before."""
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise SlotFullError()


def seat_release(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


class CodeTaken(Exception):
    """Another booking drew the same code: draw again."""


class translate_database_refusals:  # noqa: N801 - used as a context manager, like a function
    """Turn what PostgreSQL refused into the domain's errors."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None:
            return False
        if isinstance(error, IntegrityError) and "booking_reservation_code_key" in str(error):
            raise CodeTaken() from error
        if isinstance(error, IntegrityError) and "one_active_reservation_per_notice" in str(error):
            raise AlreadyBookedError() from error
        if isinstance(error, IntegrityError) and "slot_booked_within_capacity" in str(error):
            raise SlotFullError() from error
        if isinstance(error, DatabaseError) and getattr(error.__cause__, "sqlstate", None) in _HANDED_OVER_SQLSTATES:
            raise CardHandedOverError() from error
        return False
