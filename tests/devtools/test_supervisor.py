"""One dead process never stops the others: the supervisor starts it again, with a growing pause."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from devtools.supervisor import Supervisor, read_procfile

ROOT = Path(__file__).resolve().parents[2]


def test_procfile_lines_become_named_commands(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("# the node\nweb: gunicorn app --bind ${PORT:-8000}\n\nworker: celery worker\n")
    assert read_procfile(procfile) == {"web": "gunicorn app --bind ${PORT:-8000}", "worker": "celery worker"}
    procfile.write_text("not a process line\n")
    with pytest.raises(ValueError):
        read_procfile(procfile)


@pytest.fixture
def supervised(tmp_path):
    started = []

    def run(processes, **options):
        supervisor = Supervisor(processes, cwd=tmp_path, output=io.StringIO(), grace=5, **options)
        thread = threading.Thread(target=supervisor.run, daemon=True)
        thread.start()
        started.append((supervisor, thread))
        return supervisor

    yield run
    for supervisor, thread in started:
        supervisor.stopping.set()
        thread.join(15)


def test_a_process_that_dies_is_started_again_while_the_others_keep_running(supervised):
    supervisor = supervised({"steady": "sleep 600", "flaky": "sh -c 'exit 3'"},
                            first_delay=0.05, max_delay=0.2)
    steady = supervisor.managed["steady"]
    flaky = supervisor.managed["flaky"]
    assert supervisor.wait_for(lambda: flaky.restarts >= 3, timeout=20), supervisor.output.getvalue()
    assert steady.process is not None and steady.process.poll() is None and steady.restarts == 0
    assert flaky.exits[:3] == [3, 3, 3]
    assert "flaky exited with status 3" in supervisor.output.getvalue()


def test_a_killed_process_comes_back_and_the_pause_grows_only_while_it_keeps_dying(supervised):
    supervisor = supervised({"worker": "sleep 600"}, first_delay=0.05, max_delay=0.4, stable_after=60)
    worker = supervisor.managed["worker"]
    assert supervisor.wait_for(lambda: worker.process is not None, timeout=10)
    first_pid = worker.process.pid
    worker.process.kill()  # SIGKILL, like the out-of-memory killer
    assert supervisor.wait_for(lambda: worker.process is not None and worker.process.pid != first_pid, timeout=10)
    assert worker.exits == [-9] and worker.restarts == 1 and worker.delay == pytest.approx(0.1)


def test_stopping_ends_every_process(supervised):
    supervisor = supervised({"a": "sleep 600", "b": "sleep 600"}, first_delay=0.05)
    assert supervisor.wait_for(lambda: all(m.process for m in supervisor.managed.values()), timeout=10)
    processes = [m.process for m in supervisor.managed.values()]
    supervisor.stop_all()
    assert all(process.poll() is not None for process in processes)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_supervisor_killed_outright_takes_its_processes_with_it(tmp_path):
    """SIGKILL leaves the supervisor no time to stop anything: the kernel's parent-death signal does."""
    procfile = tmp_path / "Procfile"
    procfile.write_text("sleeper: sleep 600\n")
    supervisor = subprocess.Popen([sys.executable, "-m", "devtools.supervisor", str(procfile)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = supervisor.stdout.readline()
        child = int(re.search(r"started sleeper \(pid (\d+)\)", line).group(1))
        os.kill(child, 0)  # running
        supervisor.kill()
        supervisor.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        supervisor.kill()
        supervisor.wait(10)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended already
    except FileNotFoundError:
        return False
