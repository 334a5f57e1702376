"""Admission to the citizen booking pages during a release rush (PLT-4): fair, in order, never
throwing out a citizen already inside.

State is in the city's schema, so every web process shares it. A newcomer takes a ticket (its
id is the place in line); while fewer citizens are active than the room's capacity and nobody
waits ahead, a ticket is admitted at once, otherwise it waits. Admission in order of ticket id is
done by one process at a time: the room's row is locked (a short transaction), so a process that finds
it taken waits its turn and counts again (no overshoot). A
citizen counts as active until BOOKING_WAITING_ROOM_IDLE_SECONDS pass without a request; a place
in line is kept while the waiting page keeps asking.

Switched on, the room tickets every newcomer. In automatic mode (the platform's threshold) it
counts the citizens entering the booking flow: the login takes the ticket, while a visitor who
only reads passes without one as long as nobody waits in line (asked every few seconds per
process); once a line forms, every newcomer queues behind it.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from booking.models import WaitingRoom, WaitingRoomMode, WaitingTicket
from booking.selectors.joined_rows import id_in_range, table
from kernel.process_cache import ProcessCache

TOUCH_EVERY = dt.timedelta(seconds=30)
_CONFIG_SECONDS = 5.0
_config_cache = ProcessCache()  # schema → (mode, capacity)
_LINE_SECONDS = 2.0
_line_cache = ProcessCache()  # schema → whether anyone waits in line


@dataclass(frozen=True)
class TicketRef:
    id: int
    key: str
    seen: float = 0.0  # when the room last saw this ticket admitted (seconds since the epoch; signed cookie)


@dataclass(frozen=True)
class Admission:
    admitted: bool
    ticket: TicketRef | None = None  # a new or known ticket the citizen keeps (cookie)


def room_settings(*, fresh: bool = False) -> tuple[str, int]:
    """(mode, capacity) of this city's room, read at most every few seconds per process."""
    if fresh:
        _config_cache.discard(connection.schema_name)
    return _config_cache.kept(connection.schema_name, _room_settings_read, _CONFIG_SECONDS)


def _room_settings_read() -> tuple[str, int]:
    room = WaitingRoom.objects.filter(pk=1).first()
    mode = room.mode if room else WaitingRoomMode.AUTO
    capacity = (room.capacity if room and mode == WaitingRoomMode.ON and room.capacity
                else settings.BOOKING_WAITING_ROOM_THRESHOLD)
    return mode, capacity


def waiting_room_configure(*, mode: str, capacity: int = 0) -> WaitingRoom:
    """The city switches its room off, on (at its own capacity) or to automatic."""
    if mode not in WaitingRoomMode.values:
        raise ValueError(f"unknown mode {mode!r}")
    room, _ = WaitingRoom.objects.update_or_create(pk=1, defaults={"mode": mode, "capacity": max(capacity, 0)})
    _config_cache.discard(connection.schema_name)
    _line_cache.discard(connection.schema_name)
    return room


def _admission_at_a_glance(mode: str, *, ticket: TicketRef | None, in_flow: bool, entering: bool,
                           now: dt.datetime) -> Admission | None:
    """The answers of `waiting_room_pass` that need neither the database nor a change of the
    ticket; None when the room has to be asked."""
    if mode == WaitingRoomMode.OFF:
        return Admission(True, ticket)
    if (mode == WaitingRoomMode.AUTO and ticket is None and not entering and not in_flow
            and not line_forming(now=now)):
        return Admission(True, None)
    if ticket is not None and 0 <= now.timestamp() - ticket.seen < TOUCH_EVERY.total_seconds():
        return Admission(True, ticket)  # admitted and seen a moment ago: no need to ask the database
    if in_flow and ticket is None:
        return Admission(True, ticket)  # logged in before the room held anyone back: never thrown out
    return None


def waiting_room_glance(*, ticket: TicketRef | None, in_flow: bool, entering: bool = True) -> bool:
    """Whether `waiting_room_pass` would let this request through with its ticket as it is, known
    without asking the database (False: it has to be asked)."""
    mode, _capacity = room_settings()
    glance = _admission_at_a_glance(mode, ticket=ticket, in_flow=in_flow, entering=entering, now=timezone.now())
    return glance is not None and glance.admitted and glance.ticket == ticket


def waiting_room_pass(*, ticket: TicketRef | None, in_flow: bool, entering: bool = True,
                      now: dt.datetime | None = None) -> Admission:
    """May this request through? A citizen in the booking flow always may; others by their ticket.

    `entering`: the request would take the citizen into the booking flow (logging in, any form
    sent). In automatic mode the room counts only those: while nobody waits in line, a visitor who
    only reads (the start page) passes without a ticket and without a query; the login takes the
    ticket, which is let in at once below the threshold.
    """
    mode, capacity = room_settings()
    now = now or timezone.now()
    glance = _admission_at_a_glance(mode, ticket=ticket, in_flow=in_flow, entering=entering, now=now)
    if glance is not None:
        return glance
    known = _ticket(ticket)
    if known is not None and known.admitted_at is not None:
        _touch(known, now)
        return Admission(True, TicketRef(known.pk, known.key, seen=now.timestamp()))
    if in_flow:
        return Admission(True, ticket)
    gave_up = now - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_ABANDON_SECONDS)
    newcomer = known is None or known.polled_at < gave_up
    if newcomer:  # new, or left the line: a place at its end, let in at once while there is room
        entered = _enter_line(capacity=capacity, now=now)
        if entered is not None:
            ticket, admitted = entered
            if not admitted:
                _remember_line(forming=True)
            return Admission(admitted, ticket)
        known = WaitingTicket.objects.create(key=secrets.token_hex(16), created_at=now, polled_at=now)
        ticket = TicketRef(known.pk, known.key)
    elif now - known.polled_at > dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_REFRESH_SECONDS) / 2:
        WaitingTicket.objects.filter(pk=known.pk).update(polled_at=now)
    # a newcomer waits its turn to count (let in at once while there is room); the crowd asking from
    # the waiting page does not queue up on the room's lock: whoever holds it admits for them all
    waiting_room_advance(capacity=capacity, now=now, wait=newcomer)
    admitted = WaitingTicket.objects.filter(pk=known.pk, admitted_at__isnull=False).exists()
    if not admitted:
        _remember_line(forming=True)
    return Admission(admitted, ticket)


# A newcomer in one round trip, as one transaction (several statements in one query message): lock
# the room, take a ticket (so tickets are numbered in the order they hold the lock), admit the next
# in line while fewer than the capacity are active, and say whether the new ticket is among them.
# Each statement after the lock sees what earlier holders committed, so the room never lets in more
# than it holds; the lock is held for these four statements only. The time of admission is the
# database's clock under the lock (`_ADMISSION_TIME`).
# When tickets are let in: the database's clock as it admits them, under the room's lock (or `now`, if
# later), read once for all the rows of a statement. A `now` taken before the lock would put two
# admissions' times in the other order when the later admitter took it first; the lock's order is the
# order of admission. Used by both ways in (`_ENTER_LINE` and `waiting_room_advance`).
_ADMISSION_TIME = "GREATEST({now}, (SELECT clock_timestamp()))"

_ENTER_LINE = """
SELECT id FROM {room} WHERE id = 1 FOR UPDATE;
INSERT INTO {tickets} (key, created_at, polled_at) VALUES (%(key)s, %(now)s, %(now)s) RETURNING id;
UPDATE {tickets} SET admitted_at = {admitted_at}, last_seen_at = %(now)s
WHERE EXISTS (SELECT FROM {room} WHERE id = 1)
AND id IN (
    SELECT id FROM {tickets} WHERE admitted_at IS NULL AND polled_at >= %(abandoned)s ORDER BY id
    LIMIT GREATEST(%(capacity)s - (SELECT count(*) FROM {tickets}
                                   WHERE admitted_at IS NOT NULL AND last_seen_at >= %(idle)s), 0));
SELECT admitted_at IS NOT NULL FROM {tickets} WHERE key = %(key)s
"""


def _enter_line(*, capacity: int, now: dt.datetime) -> tuple[TicketRef, bool] | None:
    """A new ticket and whether it was let in at once; None when the city has no room row (made
    without the migration's): the caller then takes the slow path, which makes it."""
    key = secrets.token_hex(16)
    sql = _ENTER_LINE.format(tickets=table(WaitingTicket), room=table(WaitingRoom),
                             admitted_at=_ADMISSION_TIME.format(now="%(now)s"))
    with connection.cursor() as cursor:
        cursor.execute(sql, {
            "key": key, "now": now, "capacity": capacity,
            "idle": now - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_IDLE_SECONDS),
            "abandoned": now - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_ABANDON_SECONDS)})
        locked = cursor.fetchone()
        cursor.nextset()
        (ticket_id,) = cursor.fetchone()
        cursor.nextset()
        cursor.nextset()
        (admitted,) = cursor.fetchone()
    if locked is None:
        WaitingTicket.objects.filter(pk=ticket_id).delete()
        _ensure_room()
        return None
    # let in at once: seen admitted now, so the next requests need not ask the database for 30 s
    return TicketRef(ticket_id, key, seen=now.timestamp() if admitted else 0.0), admitted


def line_forming(*, now: dt.datetime | None = None) -> bool:
    """Does anyone wait in this city's line? Asked at most every _LINE_SECONDS per process."""
    def ask() -> bool:
        abandoned = (now or timezone.now()) - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_ABANDON_SECONDS)
        return WaitingTicket.objects.filter(admitted_at__isnull=True, polled_at__gte=abandoned).exists()

    return _line_cache.kept(connection.schema_name, ask, _LINE_SECONDS)


def _remember_line(*, forming: bool) -> None:
    _line_cache.put(connection.schema_name, forming, _LINE_SECONDS)


def _ticket(ticket: TicketRef | None) -> WaitingTicket | None:
    if ticket is None:
        return None
    return WaitingTicket.objects.filter(pk=ticket.id, key=ticket.key).first()


def _touch(ticket: WaitingTicket, now: dt.datetime) -> None:
    if ticket.last_seen_at is None or now - ticket.last_seen_at >= TOUCH_EVERY:
        WaitingTicket.objects.filter(pk=ticket.pk).update(last_seen_at=now)


def waiting_room_advance(*, capacity: int, now: dt.datetime, wait: bool = True) -> int:
    """Admit the next citizens in line while there is room; one process at a time (the others wait
    a few milliseconds on the room's row and count again, or with `wait` False leave it to the one
    admitting now), so the room never lets in more than it holds. Returns how many were let in."""
    idle = now - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_IDLE_SECONDS)
    abandoned = now - dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_ABANDON_SECONDS)
    with transaction.atomic():
        if _lock_room(wait=wait) is None:
            if not wait:
                return 0  # another process is admitting right now
            _ensure_room()  # a city made without the migration's row
            _lock_room(wait=True)
        active = WaitingTicket.objects.filter(admitted_at__isnull=False, last_seen_at__gte=idle).count()
        free = capacity - active
        if free <= 0:
            return 0
        next_in_line = list(WaitingTicket.objects.filter(admitted_at__isnull=True, polled_at__gte=abandoned)
                            .order_by("id").values_list("id", flat=True)[:free])
        return (WaitingTicket.objects.filter(pk__in=next_in_line)
                .update(admitted_at=_admitted_now(now), last_seen_at=now))


def _admitted_now(now: dt.datetime) -> RawSQL:
    """The time of admission (`_ADMISSION_TIME`) as an expression for an ORM update."""
    return RawSQL(_ADMISSION_TIME.format(now="%s"), [now], output_field=DateTimeField())


def _lock_room(*, wait: bool):
    return (WaitingRoom.objects.select_for_update(skip_locked=not wait).filter(pk=1)
            .values_list("pk", flat=True).first())


def _ensure_room() -> None:
    """The room's row exists from the migration on; a city made otherwise gets it here, race-free."""
    if WaitingRoom.objects.filter(pk=1).exists():
        return
    try:
        with transaction.atomic():
            WaitingRoom.objects.create(pk=1)
    except IntegrityError:
        pass  # made a moment ago by another process


def waiting_room_leave(*, ticket: TicketRef | None) -> None:
    """The citizen is done (booked, logged out): their place counts as free at once. They are not
    thrown out: coming back, they are still admitted and count as active again."""
    if ticket is not None and id_in_range(ticket.id):  # every booking ends here: one statement, written once
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table(WaitingTicket)} SET last_seen_at = %s "
                           "WHERE id = %s AND key = %s AND admitted_at IS NOT NULL",
                           [timezone.now() - dt.timedelta(days=1), ticket.id, ticket.key])


def waiting_room_forget(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    deleted, _ = WaitingTicket.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
