"""The release-rush load test still runs end to end: gunicorn, Locust, bookings, invariants.

A short `loadtests/release_rush.py --smoke` in the bench database beside the test database, on a
city of its own (so it never meets a `make loadtest` run on the default city).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    db = settings.DATABASES["default"]
    credentials = quote(db.get("USER") or "postgres") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.mark.slow
def test_release_rush_smoke_books_without_breaking_an_invariant():
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("RUSH_", "DJANGO_"))}
    environment["DATABASE_URL"] = _database_url()
    result = subprocess.run(
        [sys.executable, "loadtests/release_rush.py", "--smoke", "--duration", "12",
         "--city", "rush_smoke", "--domain", "rush-smoke.localhost"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    booked = re.search(r"bookings in the database: (\d+)", output)
    assert booked and int(booked.group(1)) > 0, output
    invariants = re.findall(r"^ {4}(.+?)\s+(\d+)(?:   BROKEN)?$", result.stdout, flags=re.MULTILINE)
    assert len(invariants) == 5 and all(value == "0" for _label, value in invariants), output
    assert "errors 0" in output, output
    # the citizens' own pace: a share of their time, and a ceiling no lower than what they booked
    pace = re.search(r"they spent (\d+)% of their time .*? booked at most ([\d.]+)/s", output)
    rate = re.search(r"= ([\d.]+) bookings/s over the", output)
    assert pace and rate, output
    assert 0 < int(pace.group(1)) < 100 and float(pace.group(2)) >= float(rate.group(1)), output
