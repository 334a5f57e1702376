"""What every browser test shares: Debian's Chromium (never a download), its flags, the viewports.

The `browser` and `artifacts` fixtures live in tests/conftest.py so that one Chromium serves the
whole session (a second Playwright in the same session is refused)."""
from __future__ import annotations

import os

CHROMIUM = os.environ.get("MADOGUCHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
              "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 860}},
}
