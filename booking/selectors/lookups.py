"""Finding a notice by what a caller reads out, and a slot by the time asked for (phone, IVR, staff)."""
from __future__ import annotations

import datetime as dt
from functools import cache

from django.conf import settings
from django.db import connection

from booking.errors import DayClosedError, UnknownNoticeError
from booking.models import Notice, Place, Slot, Ward
from booking.notice_numbers import normalise_notice_number
from booking.selectors.joined_rows import id_in_range, read_chain, select_list, table
from kernel.process_cache import ProcessCache


def notice_by_number(number: str) -> Notice:
    """The notice with this number as written on the postcard (any width, hyphens, spaces)."""
    notice = Notice.objects.select_related("ward", "default_place").filter(
        number=normalise_notice_number(number)).first()
    if notice is None:
        raise UnknownNoticeError()
    return notice


def slot_at(place: Place, starts_at: dt.datetime) -> Slot:
    """The slot starting at this time at this place; none means the office is closed then."""
    slot = Slot.objects.select_related("place").filter(place=place, starts_at=starts_at).first()
    if slot is None:
        raise DayClosedError()
    return slot


def notice_by_id(notice_id: int) -> Notice | None:
    """A notice with its ward and default place (the IVR's session keeps its id)."""
    return Notice.objects.select_related("ward", "default_place").filter(pk=notice_id).first()


@cache
def _notice_sql(column: str) -> str:
    return f'SELECT {select_list(Notice, "n")} FROM {table(Notice)} n WHERE n."{column}" = %s ORDER BY n.id LIMIT 1'


def citizen_notice(notice_id: int) -> Notice | None:
    """The logged-in citizen's notice, read on every page of theirs: its own row only, by a statement
    written once (the ORM would compile the same query on every request)."""
    return read_chain(_notice_sql("id"), [notice_id], [(Notice, None)])


def notice_with_number(number: str) -> Notice | None:
    """The notice with this number as stored (already normalised), or None: every login reads one."""
    return read_chain(_notice_sql("number"), [number], [(Notice, None)])


@cache
def _slot_sql() -> str:
    return (f"SELECT {select_list(Slot, 's')}, {select_list(Place, 'p')} "
            f"FROM {table(Slot)} s JOIN {table(Place)} p ON p.id = s.place_id WHERE s.id = %s")


def slot_by_id(slot_id: int) -> Slot | None:
    """The slot with its place (every booking reads one: a statement written once); None for an id
    no slot can have (out of the column's range, as the ORM answers it)."""
    slot_id = int(slot_id)
    if not id_in_range(slot_id):
        return None
    return read_chain(_slot_sql(), [slot_id], [(Slot, "place"), (Place, None)])


def active_places() -> list[Place]:
    """The places where cards are handed over now, in the city's order (the start page lists them)."""
    return list(Place.objects.filter(is_active=True).order_by("sort_order", "code"))


_start_page_places = ProcessCache()  # schema → active places


def active_places_for_pages() -> list[Place]:
    """`active_places` as the start page lists them: kept in this process for
    MADOGUCHI_PLACES_CACHE_SECONDS per city, as the places of a notice are (every visitor asks)."""
    return _start_page_places.kept(connection.schema_name, active_places, settings.MADOGUCHI_PLACES_CACHE_SECONDS)


def places_with_wards() -> list[Place]:
    """Every place with the wards it serves by default (the staff console's overview)."""
    return list(Place.objects.prefetch_related("default_for_wards").order_by("sort_order", "code"))


def wards() -> list[Ward]:
    return list(Ward.objects.order_by("sort_order", "code"))
