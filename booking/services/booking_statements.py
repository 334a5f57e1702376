"""The statements of the booking path, written once and sent as they are (no ORM on the hot path).

A booking is the busiest write of the product (a release rush brings thousands a minute). Its
transaction is a handful of statements, each doing as much as it can in one round trip:

1. lock the notice and read its active booking, if any (one SELECT … FOR UPDATE OF the notice:
   every writer of a notice's bookings takes this lock first, so the booking row needs none);
2. take the seat and read what the checks need about the slot and its place (one conditional
   UPDATE … RETURNING: the database's guarantee, booked < capacity, is the WHERE clause);
3. insert the reservation; 4. move the notice's status; 5. write both audit rows in one INSERT.

The checks themselves stay in Python (`booking.selectors.eligibility`); a refusal after step 2
rolls the whole transaction back, seat included.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from booking.models import AuditEntry, Notice, Place, Reservation, Slot
from kernel.prepared import prepared_cursor

_NOTICE = Notice._meta.db_table
_RESERVATION = Reservation._meta.db_table
_SLOT = Slot._meta.db_table
_PLACE = Place._meta.db_table
_DEFAULTS = Place.default_for_wards.through._meta.db_table
_AUDIT = AuditEntry._meta.db_table

LOCK_NOTICE = f"""
SELECT n.status, n.expires_on, n.ward_id, n.default_place_id, n.status_changed_at, r.id, r.slot_id
FROM {_NOTICE} n
LEFT JOIN {_RESERVATION} r ON r.notice_id = n.id AND r.status = 'active'
WHERE n.id = %(notice)s
FOR UPDATE OF n
"""

TAKE_SEAT = f"""
UPDATE {_SLOT} s SET booked = s.booked + 1
FROM {_PLACE} p
WHERE s.id = %(slot)s AND s.booked < s.capacity AND p.id = s.place_id
RETURNING s.starts_at, s.ends_at, s.place_id, p.code, p.is_active,
    p.is_active AND (p.id = %(default_place)s
                     OR (%(selectable)s AND p.citizen_selectable)
                     OR EXISTS (SELECT 1 FROM {_DEFAULTS} d WHERE d.place_id = p.id AND d.ward_id = %(ward)s))
"""

SLOT_AS_IT_IS = f"""
SELECT s.starts_at, s.ends_at, s.place_id, p.code, p.is_active,
    p.is_active AND (p.id = %(default_place)s
                     OR (%(selectable)s AND p.citizen_selectable)
                     OR EXISTS (SELECT 1 FROM {_DEFAULTS} d WHERE d.place_id = p.id AND d.ward_id = %(ward)s))
FROM {_SLOT} s JOIN {_PLACE} p ON p.id = s.place_id
WHERE s.id = %(slot)s
"""

INSERT_RESERVATION = f"""
INSERT INTO {_RESERVATION} (notice_id, slot_id, channel, status, code, email, language, created_at, updated_at,
                            created_by_id)
VALUES (%(notice)s, %(slot)s, %(channel)s, 'active', %(code)s, %(email)s, %(language)s, %(now)s, %(now)s, %(user)s)
RETURNING id
"""

SET_NOTICE_STATUS = f"UPDATE {_NOTICE} SET status = %(status)s, status_changed_at = %(now)s WHERE id = %(notice)s"

INSERT_AUDIT_PAIR = f"""
INSERT INTO {_AUDIT} (created_at, actor_kind, actor_user_id, actor_label, channel, action, notice_id, reservation_id,
                      changes)
VALUES (%(now)s, %(kind)s, %(user)s, %(label)s, %(channel)s, 'notice.status', %(notice)s, NULL, %(status_changes)s),
       (%(now)s, %(kind)s, %(user)s, %(label)s, %(channel)s, 'reservation.create', %(notice)s, %(reservation)s,
        %(create_changes)s)
"""


@dataclass(frozen=True)
class LockedNotice:
    status: str
    expires_on: dt.date | None
    ward_id: int
    default_place_id: int | None
    status_changed_at: dt.datetime
    active_reservation_id: int | None
    active_slot_id: int | None


@dataclass(frozen=True)
class SeatRow:
    """What the checks need about a slot and its place, as the database has them."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    place_id: int
    place_code: str
    place_active: bool
    allowed: bool  # the notice may use this place (its ward's office, its own, or a selectable one)


ACTIVE_BOOKING = f"SELECT id, slot_id FROM {_RESERVATION} WHERE notice_id = %(notice)s AND status = 'active'"


def lock_notice(notice_id: int) -> LockedNotice:
    with prepared_cursor() as cursor:
        cursor.execute(LOCK_NOTICE, {"notice": notice_id})
        row = cursor.fetchone()
        if row is None:
            raise Notice.DoesNotExist(notice_id)
        locked = LockedNotice(*row)
        if (locked.active_reservation_id is None) == (locked.status in ("booked", "pulled")):
            # Notice and booking disagree: we waited for the lock while another transaction booked,
            # cancelled or moved, and PostgreSQL gave us the notice's new row but the join as it was
            # when we started. Read the booking again, now that we hold the lock.
            cursor.execute(ACTIVE_BOOKING, {"notice": notice_id})
            active = cursor.fetchone() or (None, None)
            locked = dataclasses.replace(locked, active_reservation_id=active[0], active_slot_id=active[1])
    return locked


def _place_params(locked: LockedNotice, slot_id: int, selectable: bool) -> dict:
    return {"slot": slot_id, "ward": locked.ward_id, "default_place": locked.default_place_id,
            "selectable": selectable}


def take_seat(locked: LockedNotice, slot_id: int, *, selectable: bool) -> SeatRow | None:
    """Take one seat; the slot as it is afterwards, or None when no seat was free (or no such slot)."""
    with prepared_cursor() as cursor:
        cursor.execute(TAKE_SEAT, _place_params(locked, slot_id, selectable))
        row = cursor.fetchone()
    return SeatRow(*row) if row else None


def slot_as_it_is(locked: LockedNotice, slot_id: int, *, selectable: bool) -> SeatRow | None:
    with prepared_cursor() as cursor:
        cursor.execute(SLOT_AS_IT_IS, _place_params(locked, slot_id, selectable))
        row = cursor.fetchone()
    return SeatRow(*row) if row else None


def insert_booking(*, notice_id: int, slot_id: int, channel: str, code: str, email: str, language: str,
                   user_id: int | None, now: dt.datetime, actor_kind: str, actor_label: str, previous_status: str,
                   create_changes: dict) -> int:
    """The reservation, the notice's new status and both audit rows; the reservation's id."""
    params = {"notice": notice_id, "slot": slot_id, "channel": channel, "code": code, "email": email,
              "language": language, "user": user_id, "now": now, "status": "booked"}
    with prepared_cursor() as cursor:
        cursor.execute(INSERT_RESERVATION, params)
        (reservation_id,) = cursor.fetchone()
        cursor.execute(SET_NOTICE_STATUS, params)
        cursor.execute(INSERT_AUDIT_PAIR, {
            **params, "kind": actor_kind, "label": actor_label[:150], "reservation": reservation_id,
            "status_changes": json.dumps({"status": [previous_status, "booked"]}),
            "create_changes": json.dumps(create_changes),
        })
    return reservation_id
