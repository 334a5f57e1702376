"""`make run` and `make test` on a machine with no database: the project starts its own PostgreSQL."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from devtools.localdb import LocalPostgres


@pytest.mark.slow
def test_embedded_postgres_starts_from_nothing_and_stops_cleanly(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    probe = (
        "import os, psycopg; url = os.environ['DATABASE_URL']; "
        "conn = psycopg.connect(url); print(url); print(conn.execute('select version()').fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-m", "devtools.localdb", "--var-dir", str(tmp_path), "exec", "--",
         sys.executable, "-c", probe],
        env=environment, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    url, version = result.stdout.splitlines()[:2]
    assert url.startswith("postgres://postgres@127.0.0.1:") and url.endswith("/madoguchi")
    assert version.startswith("PostgreSQL")
    assert (tmp_path / "postgres" / "PG_VERSION").exists()
    # it started the server, so it stopped it again
    assert LocalPostgres(tmp_path).running_port() is None


def test_an_existing_database_url_is_used_as_it_is(tmp_path):
    environment = dict(os.environ, DATABASE_URL="postgres://somebody@db.example:5432/elsewhere")
    result = subprocess.run(
        [sys.executable, "-m", "devtools.localdb", "--var-dir", str(tmp_path), "exec", "--",
         sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'])"],
        env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == "postgres://somebody@db.example:5432/elsewhere"
    assert not (tmp_path / "postgres").exists()


@pytest.mark.slow
def test_the_server_a_run_started_stops_when_that_run_is_killed_outright(tmp_path):
    """`make run` or `make test` killed with SIGKILL (no chance to clean up) leaves no PostgreSQL behind."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    run = subprocess.Popen(
        [sys.executable, "-m", "devtools.localdb", "--var-dir", str(tmp_path), "exec", "--",
         sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    try:
        assert run.stdout.readline().strip() == "up"
        assert LocalPostgres(tmp_path).running_port() is not None
        os.killpg(run.pid, signal.SIGKILL)  # the run and its command, as a terminal or a CI runner would
        run.wait(10)
        deadline = time.monotonic() + 30
        while LocalPostgres(tmp_path).running_port() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert LocalPostgres(tmp_path).running_port() is None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        LocalPostgres(tmp_path).stop()
