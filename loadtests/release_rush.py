"""Release rush: many citizens of one city log in and book at once, over HTTP, against gunicorn.

    make loadtest                  (or: python -m devtools.localdb exec -- python loadtests/release_rush.py)
    make loadtest LOADTEST_ARGS=--smoke

1. In the bench database (loadtests/benchdb.py), make sure the rush city exists (onboarded like
   any city: two wards, weekly opening hours, slots over the horizon), create the notices, and
   undo the bookings of earlier runs.
2. Start gunicorn on a free port of 127.0.0.1 with the local settings and DEBUG off.
3. Run loadtests/locustfile.py headless: every Locust user is a stream of citizens, each with a
   notice of its own, going GET / → POST /login/ → /booking/ → month → day → confirm → POST.
4. Stop gunicorn and check the database: no oversold slot, every slot's count equal to its
   active reservations, at most one active reservation per notice, notice statuses in line with
   their reservations, and every booking the site confirmed to a citizen present.
5. Print the booking throughput (from the database) and the latency of the login and of the
   booking POST (every request's time as Locust measured it, unrounded; totals from Locust's
   final JSON stats). Exit 1 if an invariant is broken or nothing was booked.

Parameters: command-line options, or the environment (RUSH_USERS, RUSH_SPAWN_RATE, RUSH_DURATION,
RUSH_NOTICES, RUSH_WORKERS, RUSH_THREADS, RUSH_THINK, RUSH_CITY, RUSH_DOMAIN); see --help.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import undo_bookings, use_bench_database
from cpu_use import available as cpu_available
from cpu_use import cpu_report, cpu_snapshot

from kernel.web_layout import THREADS, web_workers

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PREFIX = "RSH"  # notice numbers RSH000000…: the default pattern ^[A-Z0-9]{3}[0-9]{6}$
WARDS = [("kita", "北区"), ("minami", "南区")]
SMOKE = {"users": 20, "spawn_rate": 20, "duration": 8, "notices": 400}
LOGIN, BOOK = "POST /login/", "POST day (book)"
STEPS = ["GET / (login form)", LOGIN, "GET month (calendar)", "GET day (times)", BOOK, "GET /booking/ (confirmation)"]


def parse_args(argv=None) -> argparse.Namespace:
    env = os.environ.get
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=int(env("RUSH_USERS", "200")),
                        help="concurrent citizens (Locust users), default 200")
    parser.add_argument("--spawn-rate", type=float, default=float(env("RUSH_SPAWN_RATE", "50")),
                        help="users started per second, default 50")
    parser.add_argument("--duration", type=int, default=int(env("RUSH_DURATION", "20")),
                        help="seconds of load, default 20")
    parser.add_argument("--notices", type=int, default=int(env("RUSH_NOTICES", "3000")),
                        help="notices in the city (each citizen uses one), default 3000")
    parser.add_argument("--workers", type=int, default=int(env("RUSH_WORKERS", str(web_workers(cpus)))),
                        help="gunicorn worker processes, default as production: CPUs + 1 (kernel/web_layout.py)")
    parser.add_argument("--threads", type=int, default=int(env("RUSH_THREADS", str(THREADS))),
                        help=f"threads per gunicorn worker, default {THREADS}")
    parser.add_argument("--think", default=env("RUSH_THINK", "0.2-1.0"),
                        help="citizens' think time between pages in seconds, MIN-MAX, default 0.2-1.0")
    parser.add_argument("--city", default=env("RUSH_CITY", "rush_city"), help="schema of the rush city")
    parser.add_argument("--domain", default=env("RUSH_DOMAIN", "rush.localhost"), help="its domain")
    parser.add_argument("--waiting-room", choices=["auto", "on", "off"], default=env("RUSH_WAITING_ROOM", "auto"),
                        help="the rush city's waiting room (auto: the product's default; `make drill-rush` compares "
                             "off and on)")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run: 20 users, 8 s, 400 notices (explicit options still win)")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (Locust JSON stats, logs) afterwards")
    args = parser.parse_args(argv)
    if args.smoke:
        given = set(argv if argv is not None else sys.argv[1:])
        for key, value in SMOKE.items():
            option = "--" + key.replace("_", "-")
            explicit = any(arg == option or arg.startswith(option + "=") for arg in given)
            if not explicit and f"RUSH_{key.upper()}" not in os.environ:
                setattr(args, key, value)
    if args.notices > 999_999:
        parser.error("at most 999999 notices")
    return args


# --- the city, its notices, a clean slate ---------------------------------------------------
def city_lock(bench_url: str, city: str):
    """One rush per city at a time (e.g. `make loadtest` beside the smoke test): a session-level
    advisory lock on a connection of its own, held until the run ends."""
    import psycopg

    conn = psycopg.connect(bench_url, autocommit=True)
    key = int.from_bytes(hashlib.sha256(f"release_rush:{city}".encode()).digest()[:8], "big", signed=True)
    if not conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0]:
        print(f"another release rush on {city} is running: waiting for it", flush=True)
        conn.execute("SELECT pg_advisory_lock(%s)", [key])
    return conn


def prepare_city(args) -> tuple[object, list[tuple[str, int]]]:
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from booking.models import Notice, Place, Slot, Ward
    from booking.services.calendars import slots_regenerate
    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from tenants.models import Domain, Municipality

    city = Municipality.objects.filter(schema_name=args.city).first()
    if city is None:
        started = time.perf_counter()
        city = onboard_municipality(
            slug=args.city, name="急増市", domains=[args.domain], wards=[WardSpec(c, n) for c, n in WARDS],
            admin_username=f"{args.city}-admin", admin_email=f"admin@{args.city.replace('_', '-')}.example.org",
        ).municipality
        print(f"onboarded {args.city} ({args.domain}) in {time.perf_counter() - started:.2f} s", flush=True)
    elif not Domain.objects.filter(tenant=city, domain=args.domain).exists():
        sys.exit(f"{args.city} exists but is not served on {args.domain}")

    with tenant_context(city):
        from booking.models import WaitingTicket
        from booking.services.waiting_room import waiting_room_configure

        undo_bookings()
        WaitingTicket.objects.all().delete()  # a fresh room: earlier runs' citizens are gone
        waiting_room_configure(mode=getattr(args, "waiting_room", "auto"))
        places = {place.code: place for place in Place.objects.all()}
        for place in places.values():  # the horizon moved on since the city was made
            slots_regenerate(place=place)
        wards = list(Ward.objects.order_by("sort_order"))
        have = set(Notice.objects.filter(number__startswith=PREFIX).values_list("number", flat=True))
        Notice.objects.bulk_create([
            Notice(number=number, birth_day=day, ward=wards[n % len(wards)],
                   default_place=places[wards[n % len(wards)].code])
            for n, (number, day) in enumerate(notice_numbers(args.notices)) if number not in have
        ], batch_size=2000)
        bookable = Slot.objects.filter(starts_at__gt=timezone.now() + dt.timedelta(days=1)).count()
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    connection.close()
    print(f"city {args.city}: {args.notices} notices ready, {bookable} future slots, earlier bookings undone",
          flush=True)
    return city, notice_numbers(args.notices)


def notice_numbers(count: int) -> list[tuple[str, int]]:
    return [(f"{PREFIX}{n:06d}", n % 28 + 1) for n in range(count)]


# --- gunicorn -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def start_gunicorn(args, port: int, run_dir: Path, bench_url: str, throttle: bool = False,
                   settings: dict[str, str] | None = None) -> subprocess.Popen:
    """gunicorn as production runs it on `port`; `settings`: environment variables to add."""
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local", MADOGUCHI_DEBUG="0",
                       DATABASE_URL=bench_url, LOG_LEVEL="WARNING", CELERY_TASK_ALWAYS_EAGER="1",
                       MADOGUCHI_OUTBOX_DIR=str(run_dir / "outbox"), **(settings or {}))
    if not throttle:
        # every Locust citizen comes from 127.0.0.1: the per-client login throttle would treat them
        # as one client, so it is set out of reach for a booking rush
        environment.update(BOOKING_CLIENT_SLOW_AFTER="1000000", BOOKING_CLIENT_REFUSE_AFTER="1000000")
    # hashed static files: the manifest must exist before pages can name them
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                   cwd=ROOT, env=environment, check=True)
    with open(run_dir / "gunicorn.log", "w") as log:  # the server keeps its own copy of the descriptor
        server = subprocess.Popen(
            [tool("gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
             "--backlog", "2048", "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": args.domain})
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{tail(run_dir / 'gunicorn.log')}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_gunicorn(server)
            sys.exit(f"gunicorn did not answer within 60 s:\n{tail(run_dir / 'gunicorn.log')}")
        time.sleep(0.2)
    # every worker imports Django lazily on its first request: warm them all up before the rush
    for _ in range(args.workers * 4):
        with urllib.request.urlopen(request, timeout=30):
            pass
    return server


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the arbiter stops its workers gracefully
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- locust ---------------------------------------------------------------------------------
def run_locust(args, port: int, run_dir: Path) -> int:
    environment = dict(os.environ, RUSH_NOTICES_FILE=str(run_dir / "notices.csv"), RUSH_DOMAIN=args.domain,
                       RUSH_RESULTS_FILE=str(run_dir / "results.json"), RUSH_THINK=args.think)
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        environment.pop(key, None)  # the load generator knows HTTP only
    command = [tool("locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(args.users),
               "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{port}",
               "--json-file", str(run_dir / "locust"), "--only-summary", "--loglevel", "WARNING"]
    with open(run_dir / "locust.log", "w") as log:
        return subprocess.call(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)


def locust_totals(run_dir: Path) -> dict:
    """Requests, failures and requests/s of the whole run, from Locust's final JSON stats."""
    entries = json.loads((run_dir / "locust.json").read_text())
    requests = sum(entry["num_requests"] for entry in entries)
    waiting_polls = sum(entry["num_requests"] for entry in entries if entry["name"] == "GET waiting room")
    failures = sum(entry["num_failures"] for entry in entries)
    starts = [entry["start_time"] for entry in entries]
    ends = [entry["last_request_timestamp"] for entry in entries if entry["last_request_timestamp"]]
    span = max(ends) - min(starts) if starts and ends else 0.0
    return {"requests": requests, "failures": failures, "per_second": requests / span if span else 0.0,
            "waiting_polls": waiting_polls}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


# --- after the rush -------------------------------------------------------------------------
def check_database(city, confirmed: list[str]) -> dict:
    from django.db import connection
    from django_tenants.utils import tenant_context

    queries = {
        "oversold slots (booked > capacity)":
            "SELECT count(*) FROM booking_slot WHERE booked > capacity",
        "slots whose booked count differs from their active reservations":
            """SELECT count(*) FROM booking_slot s LEFT JOIN (
                 SELECT slot_id, count(*) AS n FROM booking_reservation WHERE status = 'active' GROUP BY slot_id
               ) r ON r.slot_id = s.id WHERE s.booked <> coalesce(r.n, 0)""",
        "notices with more than one active reservation":
            """SELECT count(*) FROM (SELECT notice_id FROM booking_reservation WHERE status = 'active'
               GROUP BY notice_id HAVING count(*) > 1) d""",
        "notices whose status disagrees with their reservation":
            """SELECT count(*) FROM booking_notice n WHERE (n.status IN ('booked', 'pulled')) <> EXISTS (
                 SELECT 1 FROM booking_reservation r WHERE r.notice_id = n.id AND r.status = 'active')""",
    }
    with tenant_context(city), connection.cursor() as cursor:
        found = {}
        for label, sql in queries.items():
            cursor.execute(sql)
            found[label] = cursor.fetchone()[0]
        cursor.execute("""SELECT n.number FROM booking_notice n JOIN booking_reservation r
                          ON r.notice_id = n.id AND r.status = 'active'""")
        in_database = {row[0] for row in cursor.fetchall()}
        found["bookings confirmed to a citizen but missing in the database"] = len(set(confirmed) - in_database)
        cursor.execute("""SELECT count(*), min(created_at), max(created_at),
                                 count(DISTINCT date_trunc('second', created_at))
                          FROM booking_reservation WHERE channel = 'web'""")
        count, first, last, seconds = cursor.fetchone()
        cursor.execute("""SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM booking_reservation
                          WHERE channel = 'web' GROUP BY date_trunc('second', created_at)) per_second""")
        peak = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM booking_slot WHERE booked > 0")
        slots_used = cursor.fetchone()[0]
    connection.close()
    return {"invariants": found, "bookings": count, "first": first, "last": last, "peak": peak,
            "active_seconds": seconds, "slots_used": slots_used}


def report(args, totals: dict, results: dict, database: dict, locust_code: int) -> bool:
    outcomes = results.get("outcomes", {})
    bookings = database["bookings"]
    print(f"\nrelease rush: {args.users} citizens at once ({args.spawn_rate:g}/s), {args.duration} s of load, "
          f"think time {args.think} s, gunicorn {args.workers}×{args.threads} threads, "
          f"{os.cpu_count()} CPU cores (Locust, gunicorn and PostgreSQL share them), "
          f"waiting room {getattr(args, 'waiting_room', 'auto')}")
    print(f"  citizens served {outcomes.get('citizens', 0)} (of {results.get('notices', '?')} notices): "
          f"booked {outcomes.get('booked', 0)}, slot taken while confirming {outcomes.get('slot_taken', 0)} times "
          f"({outcomes.get('slot_taken_sent_on', 0)} sent on to the next day with a time), a day found full "
          f"{outcomes.get('day_full_on_arrival', 0) + outcomes.get('day_full_after_taken', 0)} times "
          f"({outcomes.get('day_full_on_arrival', 0)} on arriving, "
          f"{outcomes.get('day_full_after_taken', 0)} after a time was taken; "
          f"{outcomes.get('back_to_calendar', 0)} back to the calendar, the "
          f"others on to a next day the page offered), "
          f"gave up {outcomes.get('gave_up', 0)}, no free day {outcomes.get('no_free_day', 0)}, "
          f"login refused/locked/throttled {outcomes.get('login_refused', 0)}/{outcomes.get('login_locked', 0)}/"
          f"{outcomes.get('login_throttled', 0)}, errors {outcomes.get('error', 0)}")
    print(f"  HTTP: {totals['requests']} requests, {totals['failures']} failed, "
          f"{totals['per_second']:.0f} requests/s")
    window = (database["last"] - database["first"]).total_seconds() if bookings > 1 else 0.0
    print(f"  bookings in the database: {bookings} into {database['slots_used']} slots = "
          f"{bookings / args.duration:.1f} bookings/s over the {args.duration} s run (ramp-up included); "
          f"{bookings / window if window else 0:.1f}/s from the first to the last booking ({window:.1f} s); "
          f"peak {database['peak']} in one second")
    thought, on_line = results.get("think_seconds") or 0.0, results.get("user_seconds") or 0.0
    in_line = results.get("in_line_seconds") or 0.0
    if thought and on_line and bookings:
        # a closed loop: each citizen waits for a page, reads it, sends the next; had every page come at
        # once, the same citizens thinking (and waiting in line) the same would have booked
        # on_line ÷ (thought + in_line) times as many
        print(f"  the citizens' own pace: they spent {thought / on_line:.0%} of their time reading and choosing "
              f"(think time), {in_line / on_line:.0%} on the waiting page and the rest waiting for pages; had "
              f"every page answered at once they would have booked at most "
              f"{bookings / args.duration * on_line / (thought + in_line):.1f}/s over the run (ramp-up included)")
    waiting_polls = totals.get("waiting_polls", 0)
    per_booking = results.get("requests_per_booking") or []
    if per_booking:
        print(f"  HTTP requests per completed booking (start page to confirmation, waiting page's polls aside): "
              f"median {percentile(per_booking, 0.5):.0f}, mean {sum(per_booking) / len(per_booking):.1f}, "
              f"{sum(n <= 6 for n in per_booking) / len(per_booking):.0%} in 6 or fewer; all requests of the run "
              f"÷ bookings {totals['requests'] / max(bookings, 1):.1f} (waiting page's polls {waiting_polls}, "
              f"citizens still on their way when the run stopped included)")
    print("  latency (ms) of each step              count     p50     p95     p99     max")
    latencies = results.get("latencies_ms", {})
    for name in STEPS + sorted(set(latencies) - set(STEPS)):
        values = latencies.get(name) or []
        if not values:
            continue
        figures = [percentile(values, f) for f in (0.50, 0.95, 0.99)] + [max(values)]
        print(f"  {name:<39}{len(values):>6}  " + " ".join(f"{value:7.0f}" for value in figures))
    failures = results.get("failures") or {}
    for failure, count in sorted(failures.items(), key=lambda item: -item[1])[:5]:
        print(f"  failed: {count} × {failure}")
    print("  invariants (each must be 0):")
    broken = False
    for label, value in database["invariants"].items():
        broken |= value != 0
        print(f"    {label:<68}{value:>4}{'' if value == 0 else '   BROKEN'}")
    if bookings == 0:
        print("  nothing was booked: the run measured nothing")
    if locust_code != 0:
        print(f"  (locust exited with {locust_code}: some requests failed; see the counts above)")
    return not broken and bookings > 0


def main(argv=None) -> int:
    args = parse_args(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="release-rush-"))
    # onboarding queues a welcome mail: send it here, into the run folder, not to a shared queue
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ["MADOGUCHI_OUTBOX_DIR"] = str(run_dir / "outbox")
    bench_url = use_bench_database()
    lock = city_lock(bench_url, args.city)
    try:
        city, notices = prepare_city(args)
        (run_dir / "notices.csv").write_text("".join(f"{number},{day}\n" for number, day in notices))
        port = free_port()
        server = start_gunicorn(args, port, run_dir, bench_url)
        try:
            print(f"gunicorn on 127.0.0.1:{port} (Host: {args.domain}); rush of {args.users} citizens for "
                  f"{args.duration} s ...", flush=True)
            before = cpu_snapshot(server.pid) if cpu_available() else None
            locust_code = run_locust(args, port, run_dir)
            cpu_used = cpu_snapshot(server.pid) - before if before else None
        finally:
            stop_gunicorn(server)
        try:
            totals = locust_totals(run_dir)
            results = json.loads((run_dir / "results.json").read_text())
        except (OSError, ValueError) as error:
            print(f"locust left no results ({error}):\n{tail(run_dir / 'locust.log')}", file=sys.stderr)
            return 1
        database = check_database(city, results.get("booked", []))
        ok = report(args, totals, results, database, locust_code)
        if cpu_used is not None and database["bookings"]:
            print("  " + cpu_report(cpu_used, database["bookings"], os.cpu_count() or 1))
        if not ok:
            print(f"\ngunicorn log:\n{tail(run_dir / 'gunicorn.log', 20)}\nlocust log:\n"
                  f"{tail(run_dir / 'locust.log', 30)}", file=sys.stderr)
        return 0 if ok else 1
    finally:
        lock.close()
        if args.keep:
            print(f"run folder kept: {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
