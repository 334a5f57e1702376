"""The shared cache of free seats: snapshots of a place's slots (a month's days, a day's times),
versioned per place.

Calendars are read far more often than seats change. Readers keep what they read of a place in
the shared cache under the place's current version; every change of a slot's seats or of the
calendar bumps that version once its transaction commits (`availability_changed`), so the next
reader loads afresh and a confirmed booking is never shown stale. A month's sums of free seats
inside the booking window hold for the minute they were read in (the window moves with the
clock; the booking service checks it again); whether a day is past is worked out at each read.

Any failure of the cache only costs the query the cache would have saved.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

SNAPSHOT_SECONDS = 15 * 60  # a month's snapshot is rebuilt at least this often, changed or not
VERSION_SECONDS = 7 * 24 * 3600


def _version_key(place_id: int) -> str:
    return f"availability:{connection.schema_name}:{place_id}:version"


def place_version(place_id: int) -> int:
    try:
        return int(cache.get(_version_key(place_id)) or 0)
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        logger.warning("availability cache unreachable (reading a version)", exc_info=True)
        return -1


def place_snapshot(place_id: int, part: str, load: Callable[[], list]) -> list:
    """What `load()` returns about this place's slots (`part` names which: a month's days, some days'
    slots), from the cache when it is current, i.e. of the place's present version."""
    version = place_version(place_id)
    if version < 0:
        return load()
    return _kept(f"availability:{connection.schema_name}:{place_id}:{part}:{version}", load, "a snapshot")


def _kept(key: str, make: Callable, what: str):
    """What the cache keeps under `key`, or what `make()` returns, kept for SNAPSHOT_SECONDS; a cache
    that fails costs only the work it would have saved."""
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001
        logger.warning("availability cache unreachable (reading %s)", what, exc_info=True)
        return make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, SNAPSHOT_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("availability cache unreachable (writing %s)", what, exc_info=True)
    return value


def availability_changed(place_ids: Iterable[int]) -> None:
    """The seats or slots of these places changed in the current transaction: new versions on commit."""
    keys = [_version_key(place_id) for place_id in set(place_ids)]

    def bump() -> None:
        for key in keys:
            try:
                try:
                    cache.incr(key)
                except ValueError:  # no version yet (or it expired): start one
                    cache.set(key, 1, VERSION_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("availability cache unreachable (bumping %s)", key, exc_info=True)

    transaction.on_commit(bump)


def content_fragment(kind: str, parts: tuple, render: Callable[[], str]) -> str:
    """A piece of page that depends on `parts` alone (which must name everything it shows), e.g. a
    month's calendar by the states of its days: rendered once per city and distinct content, kept
    while it is asked for. A booking that changes no state leaves it valid."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return _kept(f"fragment:{connection.schema_name}:{kind}:{digest}", render, "a fragment")
