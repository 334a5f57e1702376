"""Values a process keeps for a few seconds: what every request asks and rarely changes.

Each process has its own copy, so a change made elsewhere is seen when the entry runs out; the
process that makes a change can forget the entry at once (`discard`, `clear`). Bounded: when it
holds `max_entries`, it starts afresh rather than grow.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

MISSING = object()


class ProcessCache:
    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value kept for `key`, or MISSING if there is none or it ran out."""
        kept = self._entries.get(key)
        if kept is None or kept[0] <= time.monotonic():
            return MISSING
        return kept[1]

    def kept(self, key: Hashable, make: Callable[[], Any], seconds: float) -> Any:
        """The value kept for `key`, or what `make()` returns, then kept for `seconds` (with 0 or
        less, `make()` answers every time)."""
        if seconds <= 0:
            return make()
        value = self.get(key)
        if value is MISSING:
            value = make()
            self.put(key, value, seconds)
        return value

    def put(self, key: Hashable, value: Any, seconds: float) -> None:
        """Keep `value` for `seconds` (nothing is kept for 0 or less)."""
        if seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + seconds, value)

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
