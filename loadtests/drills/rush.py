"""Drill: the release rush with the waiting room off and then on, in the same run (PLT-4).

    make drill-rush              (python -m devtools.localdb exec -- python loadtests/drills/rush.py)

From nothing: a fresh database of its own with the rush city and its notices. Twice, with the
same Locust crowd (loadtests/locustfile.py) against gunicorn: first with the city's waiting room
off, then on at --capacity citizens at once. Between the two every booking is undone. For each:
p95 of the booking pages (every page of the flow, login included, the waiting page not), failed
requests, bookings per second; with the room on also how many waited, the longest wait, and
whether they were let in in the order they came (tickets admitted out of order: must be 0).

Ends with one line of figures. Exit status 1 if an invariant of the booking data broke, nothing
was booked, or the room let someone in out of order.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
from argparse import Namespace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import LOADTESTS, free_port, one_line  # noqa: F401 - puts loadtests/ on the path

from kernel.web_layout import THREADS, web_workers

CITY, DOMAIN = "drill_rush", "drill-rush.localhost"
FLOW = ["GET / (login form)", "POST /login/", "GET /booking/", "GET month (calendar)", "GET day (times)",
        "GET slot (confirm form)", "POST slot (book)"]


def parse_args(argv=None):
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=50)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--notices", type=int, default=4000)
    parser.add_argument("--capacity", type=int, default=30, help="citizens let in at once with the room on")
    parser.add_argument("--workers", type=int, default=web_workers(cpus))
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--think", default="0.2-1.0")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args(argv)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)] if ordered else 0.0


def phase(args, label: str, mode: str, run_dir: Path, bench_url: str, city) -> dict:
    from django.db import connection
    from django.db.models import F
    from django_tenants.utils import tenant_context
    from release_rush import locust_totals, notice_numbers, prepare_city, run_locust, start_gunicorn, stop_gunicorn

    from booking.models import Reservation, WaitingTicket
    from booking.services.waiting_room import waiting_room_configure

    folder = run_dir / label
    folder.mkdir()
    rush = Namespace(city=CITY, domain=DOMAIN, notices=args.notices, users=args.users, spawn_rate=args.spawn_rate,
                     duration=args.duration, workers=args.workers, threads=args.threads, think=args.think)
    prepare_city(rush)  # every booking of the phase before undone
    (folder / "notices.csv").write_text("".join(f"{n},{d}\n" for n, d in notice_numbers(args.notices)))
    with tenant_context(city):
        waiting_room_configure(mode=mode, capacity=args.capacity)
    connection.close()
    port = free_port()
    server = start_gunicorn(rush, port, folder, bench_url)
    with tenant_context(city):
        WaitingTicket.objects.all().delete()  # the warm-up requests' places
    connection.close()
    try:
        print(f"drill-rush: {label}: {args.users} citizens for {args.duration} s ...", flush=True)
        code = run_locust(rush, port, folder)
    finally:
        stop_gunicorn(server)
    totals = locust_totals(folder)
    results = json.loads((folder / "results.json").read_text())
    flow = [value for name in FLOW for value in results["latencies_ms"].get(name, [])]
    with tenant_context(city):
        bookings = Reservation.objects.filter(channel="web").count()
        admitted = list(WaitingTicket.objects.filter(admitted_at__isnull=False, admitted_at__gt=F("created_at"))
                        .order_by("id").values_list("id", "admitted_at"))
    connection.close()
    out_of_order = sum(1 for (_a, first), (_b, second) in zip(admitted, admitted[1:], strict=False) if second < first)
    waited = results.get("waited", [])
    return {"p95": percentile(flow, 0.95), "failures": totals["failures"], "requests": totals["requests"],
            "bookings": bookings, "per_second": bookings / args.duration, "waited": len(waited),
            "longest_wait": max((entry["seconds"] for entry in waited), default=0.0),
            "out_of_order": out_of_order, "locust_code": code, "outcomes": results.get("outcomes", {})}


def main(argv=None) -> int:
    args = parse_args(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="drill-rush-"))
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ["MADOGUCHI_OUTBOX_DIR"] = str(run_dir / "outbox")
    # Locust's citizens think 0.2–1 s a page: one idle for 20 s has left (people on phones: minutes)
    os.environ.setdefault("BOOKING_WAITING_ROOM_IDLE_SECONDS", "20")
    os.environ.setdefault("BOOKING_WAITING_ROOM_REFRESH_SECONDS", "3")
    from benchdb import use_bench_database

    print("drill-rush: preparing a fresh database and the rush city ...", flush=True)
    bench_url = use_bench_database(name="madoguchi_drill_rush", fresh=True)
    from release_rush import prepare_city

    city, _ = prepare_city(Namespace(city=CITY, domain=DOMAIN, notices=args.notices))
    try:
        off = phase(args, "room-off", "off", run_dir, bench_url, city)
        on = phase(args, "room-on", "on", run_dir, bench_url, city)
    finally:
        if not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    figures = {
        "room off": f"p95 {off['p95']:.0f} ms, {off['failures']} failed of {off['requests']}, "
                    f"{off['per_second']:.1f} bookings/s",
        f"room on ({args.capacity} at once)": f"p95 {on['p95']:.0f} ms, {on['failures']} failed of {on['requests']}, "
                                              f"{on['per_second']:.1f} bookings/s, {on['waited']} waited "
                                              f"(longest {on['longest_wait']:.0f} s), admitted out of order "
                                              f"{on['out_of_order']}",
        "citizens": args.users, "duration": f"{args.duration} s each",
    }
    print(one_line("drill-rush", figures), flush=True)
    ok = off["bookings"] > 0 and on["bookings"] > 0 and on["out_of_order"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
