"""What a shared month page needs of the logged-in notice (its status, ward and default place),
kept in the shared cache for a few seconds so that a page from the cache costs no query.

The facts are remembered when the citizen logs in and whenever a page reads the notice for the
shared page layer, and forgotten after each form the citizen sends (a booking, a cancellation),
so their own changes show at once. A change made by someone else (staff, the call centre) shows
within FACTS_SECONDS. What depends on them is how the page reads (the note that a booking exists,
the link to another place, whether the place is offered at all); every booking is checked by the
booking service against the notice's row, inside its transaction.
"""
from __future__ import annotations

from django.core.cache import cache
from django.db import connection

from booking.models import Notice

FACTS_SECONDS = 5


def _key(notice_id: int) -> str:
    return f"notice-facts:{connection.schema_name}:{notice_id}"


def notice_facts_remember(notice: Notice) -> None:
    cache.set(_key(notice.pk), (notice.status, notice.ward_id, notice.default_place_id), FACTS_SECONDS)


def notice_facts_forget(notice_id: int) -> None:
    cache.delete(_key(notice_id))


def notice_from_facts(notice_id: int) -> Notice | None:
    """The notice as far as its remembered facts go (not saved, not for writing); None if none are kept."""
    facts = cache.get(_key(notice_id))
    if facts is None:
        return None
    status, ward_id, default_place_id = facts
    return Notice(pk=notice_id, status=status, ward_id=ward_id, default_place_id=default_place_id)
