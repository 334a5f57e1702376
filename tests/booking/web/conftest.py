"""A real server and a real Chromium for the citizen site (Debian's chromium, never a download).

The `browser` and `artifacts` fixtures are in tests/conftest.py, shared with the staff console's
browser tests; the names below stay importable from here."""
from __future__ import annotations

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, DEVICES

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DEVICES"]
