"""The docs page in Debian's Chromium: Swagger UI from the project's static files, under the site's CSP,
renders the staff API's operations (no CDN, no network beyond the server)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.booking.web.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


def test_the_docs_page_renders_the_operations_in_chromium(live_port, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make install` (installs Debian's chromium)")
    url = f"http://alpha.localhost:{live_port}/api/staff/v1/docs/"
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_ARGS, f"--user-data-dir={tmp_path}", "--virtual-time-budget=15000",
         "--host-resolver-rules=MAP alpha.localhost 127.0.0.1", "--dump-dom", url],
        capture_output=True, text=True, timeout=90, check=False,
    ).stdout
    assert 'class="swagger-ui"' in dom
    assert "/api/staff/v1/bookings/{id}/move/" in dom  # the operations came from the project's schema
