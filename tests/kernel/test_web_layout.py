"""The web node's gunicorn layout: one spare process over the cores, four threads each, as
production's configuration file reads it (and as the environment overrides it)."""
from __future__ import annotations

import runpy
from pathlib import Path

from kernel.web_layout import THREADS, web_workers

CONFIG = Path(__file__).resolve().parents[2] / "platform" / "gunicorn.conf.py"


def test_one_process_more_than_the_cores():
    assert [web_workers(cores) for cores in (1, 2, 8)] == [2, 3, 9]


def test_the_production_configuration_follows_the_cores_unless_told(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    read = runpy.run_path(str(CONFIG))
    assert (read["workers"], read["threads"], read["worker_class"]) == (3, THREADS, "gthread")
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    monkeypatch.setenv("WEB_THREADS", "2")
    read = runpy.run_path(str(CONFIG))
    assert (read["workers"], read["threads"]) == (7, 2)
