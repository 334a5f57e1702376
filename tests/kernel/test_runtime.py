"""The web process takes what it loaded out of the garbage collector's walks (kernel.runtime)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import gc, json, config.wsgi; "
         "print(json.dumps({'frozen': gc.get_freeze_count(), 'threshold': gc.get_threshold()}))")


def load_wsgi(threshold: str | None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "MADOGUCHI_GC_THRESHOLD"}
    if threshold is not None:
        environment["MADOGUCHI_GC_THRESHOLD"] = threshold
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=120)


def test_the_loaded_application_is_frozen_out_of_collections_with_a_larger_first_threshold():
    loaded = load_wsgi(None)
    assert loaded.returncode == 0, loaded.stderr
    state = json.loads(loaded.stdout.strip().splitlines()[-1])
    assert state["frozen"] > 50_000  # Django, the apps, their URL patterns and views
    assert state["threshold"] == [50_000, 20, 20]


def test_the_thresholds_can_be_set_or_left_to_the_interpreter():
    chosen = json.loads(load_wsgi("10000,5,5").stdout.strip().splitlines()[-1])
    assert chosen["threshold"] == [10_000, 5, 5]
    left = json.loads(load_wsgi("off").stdout.strip().splitlines()[-1])
    assert left == {"frozen": 0, "threshold": [700, 10, 10]}


def test_a_malformed_threshold_stops_the_process_with_a_clear_word():
    refused = load_wsgi("lots")
    assert refused.returncode != 0
    assert "MADOGUCHI_GC_THRESHOLD must be three whole numbers" in refused.stderr
