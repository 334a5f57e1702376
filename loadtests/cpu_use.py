"""Where a load run's CPU went: the web server, PostgreSQL, the load generator and the whole machine.

Read from /proc (Linux) before and after the load; each process's own time plus that of its children
it has reaped, so gunicorn workers replaced during the run and PostgreSQL backends that ended are
still counted. All `postgres` processes of the machine are counted (on a machine whose PostgreSQL
serves others at the same time the figure is an upper bound).
"""
from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


def _ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds of the process and its reaped children)."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    # after the name: state ppid … utime(11) stime(12) cutime(13) cstime(14), counted from state = 0
    seconds = sum(int(value) for value in fields[11:15]) / _ticks()
    return name, int(fields[1]), seconds


def process_seconds(pid: int) -> float | None:
    """CPU seconds (user and system) process `pid` used so far, with its reaped children; None if it is gone."""
    stat = _stat(pid)
    return stat[2] if stat is not None else None


def _processes() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                found[int(entry.name)] = stat
    return found


def _tree_seconds(processes: dict, root: int) -> float:
    children: dict[int, list[int]] = {}
    for pid, (_name, parent, _seconds) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in processes:
            total += processes[pid][2]
        todo.extend(children.get(pid, []))
    return total


def _machine_busy_seconds() -> float:
    """CPU seconds all cores spent on anything but idling since boot."""
    fields = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _ticks()


@dataclass(frozen=True)
class CpuSnapshot:
    web: float  # the web server's process tree
    database: float  # every PostgreSQL process
    load: float  # this process's children that have ended (the load generator, run to its end)
    machine: float  # the whole machine
    wall: float

    def __sub__(self, other: CpuSnapshot) -> CpuSnapshot:
        return CpuSnapshot(*(getattr(self, name) - getattr(other, name)
                             for name in ("web", "database", "load", "machine", "wall")))


def cpu_snapshot(web_pid: int) -> CpuSnapshot:
    """Take one before the load generator starts and one after it has ended (while the web server still
    runs); their difference is the run's CPU."""
    processes = _processes()
    database = sum(seconds for name, _parent, seconds in processes.values() if name in ("postgres", "postmaster"))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSnapshot(web=_tree_seconds(processes, web_pid), database=database,
                       load=children.ru_utime + children.ru_stime, machine=_machine_busy_seconds(),
                       wall=time.monotonic())


def cpu_report(used: CpuSnapshot, bookings: int, cores: int) -> str:
    """CPU milliseconds per booking by part, and how busy the machine's cores were."""
    parts = {"web server": used.web, "PostgreSQL": used.database, "load generator": used.load}
    other = max(used.machine - sum(parts.values()), 0.0)
    per_booking = ", ".join(f"{name} {seconds * 1000 / bookings:.1f}" for name, seconds in
                            [*parts.items(), ("the rest", other)])
    busy = used.machine / used.wall if used.wall else 0.0
    return (f"CPU per booking (ms): {per_booking}; all {used.machine * 1000 / bookings:.1f}. "
            f"The {cores} cores were {busy / cores:.0%} busy ({busy:.2f} of {cores}); "
            f"at this CPU per booking they carry at most {cores * bookings / used.machine:.0f} bookings/s")


def available() -> bool:
    return (PROC / "stat").exists()
