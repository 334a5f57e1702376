"""The shared cache of `make run` without Redis: diskcache's Django backend, kept open.

Django closes every cache when a request finishes (`close_caches`); for diskcache that closes its
SQLite connections, and the next request opens them again (about 0.7 ms a request). The files are
shared safely between processes and threads while open, so this backend keeps them open.
"""
from __future__ import annotations

from diskcache import DjangoCache


class SharedDiskCache(DjangoCache):
    def close(self, **kwargs) -> None:
        """Kept open across requests (see the module's docstring)."""
