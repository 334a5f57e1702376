"""`make run`'s process supervisor: every process of platform/Procfile, restarted when it dies.

honcho (and foreman) stop the whole stack when one process exits; on a developer's machine a
worker killed by the out-of-memory killer, or a beat that lost its database for a moment, then
takes the web server and the embedded database with it. Here a process that exits is started
again after a pause that doubles with each quick death (1 s, 2 s, 4 s … 30 s) and starts from
1 s again once it has run for a minute. Ctrl-C (or SIGTERM) stops everything: SIGTERM to every
process group, SIGKILL to what is left after the grace period. Should the supervisor itself be
killed outright (SIGKILL, before it could stop them), the kernel sends each of its processes SIGTERM
(Linux's parent-death signal), so no web server or worker is left running without it.

    python -m devtools.supervisor platform/Procfile      (what devtools.devrun runs)

Output is prefixed like honcho's: `15:04:05 worker.1 | …`, and the supervisor's own lines
say which process died, with what exit status, and when it comes back.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
PR_SET_PDEATHSIG = 1
# looked up before any fork: the child only calls it (loading a library after fork could deadlock)
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """Run in a child before its command (preexec_fn): SIGTERM when the thread that started it ends."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


FIRST_DELAY, MAX_DELAY, STABLE_AFTER = 1.0, 30.0, 60.0


def read_procfile(path: Path) -> dict[str, str]:
    processes = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = LINE.match(line)
        if not found:
            raise ValueError(f"{path}: not a Procfile line: {raw!r}")
        processes[found.group(1)] = found.group(2)
    return processes


@dataclass
class Managed:
    name: str
    command: str
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    delay: float = FIRST_DELAY
    restarts: int = 0
    due_at: float = 0.0  # when a dead process is started again
    exits: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(self, processes: dict[str, str], *, environment: dict | None = None, cwd: Path | None = None,
                 output=None, first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY,
                 stable_after: float = STABLE_AFTER, keepalive: Callable[[], None] | None = None,
                 keepalive_every: float = 5.0, grace: float = 10.0):
        self.managed = {name: Managed(name, command, delay=first_delay) for name, command in processes.items()}
        self.environment = dict(environment if environment is not None else os.environ)
        self.cwd = cwd
        self.output = output or sys.stdout
        self.first_delay, self.max_delay, self.stable_after = first_delay, max_delay, stable_after
        self.keepalive, self.keepalive_every, self.grace = keepalive, keepalive_every, grace
        self.stopping = threading.Event()
        self.changed = threading.Condition()
        self._write_lock = threading.Lock()
        self._width = max((len(name) for name in processes), default=6) + 2

    # --- output ------------------------------------------------------------------------------
    def say(self, name: str, text: str) -> None:
        with self._write_lock:
            self.output.write(f"{time.strftime('%H:%M:%S')} {name:<{self._width}}| {text}\n")
            self.output.flush()

    def _pump(self, name: str, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(name, raw.decode("utf-8", "replace").rstrip("\n"))
        stream.close()

    # --- processes ---------------------------------------------------------------------------
    def _start(self, item: Managed) -> None:
        item.process = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {item.command}"], cwd=self.cwd, env=self.environment,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509 - one libc call, resolved before the fork
        )
        item.started_at = time.monotonic()
        threading.Thread(target=self._pump, args=(f"{item.name}.1", item.process.stdout), daemon=True).start()
        self.say("supervisor", f"started {item.name} (pid {item.process.pid})")

    def _reap(self, item: Managed, now: float) -> None:
        code = item.process.returncode
        item.exits.append(code)
        ran = now - item.started_at
        item.delay = self.first_delay if ran >= self.stable_after else item.delay
        item.due_at = now + item.delay
        self.say("supervisor", f"{item.name} exited with status {code} after {ran:.1f} s; "
                               f"restarting in {item.delay:.0f} s")
        item.delay = min(item.delay * 2, self.max_delay)
        item.process = None

    def step(self) -> None:
        """One look at every process: reap the dead, restart those whose pause is over."""
        now = time.monotonic()
        for item in self.managed.values():
            if item.process is not None and item.process.poll() is not None:
                self._reap(item, now)
                with self.changed:
                    self.changed.notify_all()
            if item.process is None and now >= item.due_at and not self.stopping.is_set():
                if item.exits:
                    item.restarts += 1
                self._start(item)
                with self.changed:
                    self.changed.notify_all()

    def run(self) -> int:
        last_keepalive = time.monotonic()
        while not self.stopping.is_set():
            self.step()
            if self.keepalive and time.monotonic() - last_keepalive >= self.keepalive_every:
                last_keepalive = time.monotonic()
                try:
                    self.keepalive()
                except Exception as error:  # noqa: BLE001 - say it and go on supervising
                    self.say("supervisor", f"keepalive failed: {error}")
            self.stopping.wait(0.2)
        self.stop_all()
        return 0

    def stop_all(self) -> None:
        self.stopping.set()
        running = [item for item in self.managed.values() if item.process and item.process.poll() is None]
        for item in running:
            self._signal(item, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for item in running:
            try:
                item.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.say("supervisor", f"{item.name} did not stop in {self.grace:.0f} s; killing it")
                self._signal(item, signal.SIGKILL)
                item.process.wait()

    @staticmethod
    def _signal(item: Managed, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(item.process.pid, signum)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Block until `predicate()` holds after some process started or died (tests, drills)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
        return True


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    procfile = Path(args[0] if args else "platform/Procfile")
    supervisor = Supervisor(read_procfile(procfile), cwd=Path.cwd())
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: supervisor.stopping.set())
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
