"""Drill: a Celery worker killed mid-batch and the broker gone for 15 s during a burst of bookings.

    make drill-worker            (python -m devtools.localdb exec -- python loadtests/drills/worker.py)

From nothing: a fresh database of its own (`madoguchi_drill_worker`) with a city and its notices,
a Redis of the drill's own (persistent, on a free loopback port), an SMTP sink in this process,
and the product's processes as `make run` runs them (web under gunicorn, worker, beat, outbox
relay) under devtools.supervisor. Citizens book over HTTP, each with an address of their own.
During the burst the worker is SIGKILLed (the supervisor starts it again) and the broker is
stopped for 15 s. Every booking request must end on its confirmation page (no 5xx), and a minute
after the broker's return every booking must have exactly one confirmation mail at the sink.

Ends with one line: bookings acknowledged, mails, missing, doubled (and how long it took).
Exit status 1 if a request failed, a mail is missing or doubled.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import (
    ROOT,
    Citizen,
    Redis,
    free_port,
    one_line,
    prepare,
    procfile,
    product_environment,
    start_sink,
    wait_http,
)

CITY, DOMAIN = "drill_worker", "drill-worker.localhost"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--outage", type=float, default=15.0, help="seconds the broker is stopped")
    parser.add_argument("--after-return", type=float, default=60.0, help="seconds allowed after the broker is back")
    parser.add_argument("--mail-delay", type=float, default=0.05, help="seconds the mail relay takes per message")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (logs)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="drill-worker-"))
    print(f"drill-worker: preparing a fresh database and the city ({args.bookings} notices) ...", flush=True)
    database_url, _city, notices = prepare("madoguchi_drill_worker", CITY, DOMAIN, args.bookings)
    sink, smtp_port, smtp = start_sink(delay=args.mail_delay)
    (run_dir / "var").mkdir()
    redis = Redis(run_dir / "redis")
    redis.start()
    port = free_port()
    environment = product_environment(
        DATABASE_URL=database_url, CELERY_BROKER_URL=redis.url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp_port,
        MADOGUCHI_BIND=f"127.0.0.1:{port}", MADOGUCHI_SITE_PORT=port, WEB_CONCURRENCY=2, WORKER_CONCURRENCY=4,
        MADOGUCHI_VAR_DIR=run_dir / "var", BOOKING_CLIENT_SLOW_AFTER=10**6, BOOKING_CLIENT_REFUSE_AFTER=10**6)
    from devtools.supervisor import Supervisor

    processes = {name: command for name, command in procfile().items() if name in ("web", "worker", "beat", "relay")}
    log = open(run_dir / "processes.log", "a")  # noqa: SIM115 - open for the whole run
    supervisor = Supervisor(processes, environment=environment, cwd=ROOT, output=log)
    threading.Thread(target=supervisor.run, daemon=True).start()
    started = time.monotonic()
    try:
        wait_http(f"http://127.0.0.1:{port}/", DOMAIN)
        worker = supervisor.managed["worker"]
        supervisor.wait_for(lambda: worker.process is not None, 30)
        time.sleep(3)  # the worker connects to its broker
        print(f"drill-worker: stack up in {time.monotonic() - started:.0f} s; burst of {args.bookings} bookings "
              f"({args.concurrency} at a time); SIGKILL of the worker, then the broker stopped {args.outage:.0f} s",
              flush=True)
        results: dict[int, str | None] = {}
        statuses: list[int] = []
        lock = threading.Lock()
        done = threading.Semaphore(0)

        def citizen(index: int) -> None:
            number, day = notices[index]
            browser = Citizen(f"http://127.0.0.1:{port}", DOMAIN)
            code = browser.book(number, day, f"drill-{index}@example.jp")
            with lock:
                results[index] = code
                statuses.extend(browser.statuses)
            done.release()

        pool = ThreadPoolExecutor(args.concurrency)
        burst_began = time.monotonic()
        for index in range(args.bookings):
            pool.submit(citizen, index)
        for _ in range(args.bookings // 6):
            done.acquire()
        killed_pid = worker.process.pid
        os.kill(killed_pid, signal.SIGKILL)  # mid-batch: mails are being sent
        killed_at = time.monotonic()
        time.sleep(1)
        redis.stop()
        stopped_at = time.monotonic()
        print(f"drill-worker: worker {killed_pid} killed at {killed_at - burst_began:.1f} s, broker stopped at "
              f"{stopped_at - burst_began:.1f} s", flush=True)
        time.sleep(max(args.outage - (time.monotonic() - stopped_at), 0))
        redis.start()
        back_at = time.monotonic()
        pool.shutdown(wait=True)
        burst_ended = time.monotonic()
        acknowledged = {f"drill-{index}@example.jp" for index, code in results.items() if code}
        # a minute after the broker's return (or after the last booking, when the burst outlasted it)
        deadline = max(back_at, burst_ended) + args.after_return
        all_in_at = None
        while True:
            counts = sink.by_recipient()
            if all_in_at is None and all(counts.get(address, 0) >= 1 for address in acknowledged):
                all_in_at = time.monotonic()
            if time.monotonic() >= deadline:
                break
            time.sleep(0.5)
    finally:
        supervisor.stopping.set()
        supervisor.stop_all()
        redis.stop()
        smtp.shutdown()
        log.close()
    server_errors = sum(1 for status in statuses if status >= 500)
    failed = args.bookings - len(acknowledged)
    mails = sum(counts.get(address, 0) for address in acknowledged)
    missing = sum(1 for address in acknowledged if counts.get(address, 0) == 0)
    doubled = sum(1 for address in acknowledged if counts.get(address, 0) > 1)
    database = count_bookings(database_url)
    all_in = (f"{max(all_in_at - back_at, 0):.0f} s after the broker's return" if all_in_at
              else "not within the minute")
    figures = {
        "bookings acknowledged": f"{len(acknowledged)}/{args.bookings}",
        "HTTP 5xx": server_errors, "mails": mails, "missing": missing, "doubled": doubled,
        "all mails in": all_in, "bookings in database": database,
        "worker restarts": worker.restarts, "broker down": f"{back_at - stopped_at:.0f} s",
        "burst": f"{burst_ended - burst_began:.0f} s (ended {burst_ended - back_at:.0f} s after the return)",
    }
    if failed:
        print(f"drill-worker: {failed} citizen(s) did not reach a confirmation page; see {run_dir}", file=sys.stderr)
    print(one_line("drill-worker", figures), flush=True)
    ok = not server_errors and not failed and not missing and not doubled and database == len(acknowledged)
    if args.keep or not ok:
        print(f"run folder kept: {run_dir}")
    else:
        import shutil

        shutil.rmtree(run_dir, ignore_errors=True)
    return 0 if ok else 1


def count_bookings(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM {CITY}.booking_reservation WHERE email <> ''").fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
