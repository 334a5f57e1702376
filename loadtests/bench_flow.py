"""CPU per citizen booking, in-process, alternated with a baseline checkout so that the machine's
drift cancels out.

    make bench-flow                                   (this checkout alone)
    make bench-flow BENCH_FLOW_ARGS="--baseline ../older-checkout"

The release rush (`make loadtest`) measures bookings per second, the product's figure. On a
shared two-core machine, how fast the same code runs changes by half between runs a minute
apart, so two versions compared with it one after the other differ by the machine as much as by
the code. Here each checkout runs in a process of its own (its own code, the same Python and
database), both kept running, and they take turns: a batch of citizens in one, then a batch in
the other, many times. Each citizen goes the release rush's way through the whole Django stack
(middleware, sessions, templates, the booking service; Django's test client instead of HTTP):
start page, login, calendar, day, booking, the booking's page. Every turn measures the web
process's CPU time and the CPU time of its PostgreSQL backend, per booking.

Printed: for each checkout the median over turns of the web and database CPU milliseconds per
booking, and, with a baseline, this checkout's figure divided by the baseline's. The rush city of
`make loadtest` is used (made if missing); its bookings are undone first.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
DAY_LINK = re.compile(r'href="(/booking/places/[\w-]+/\d{4}-\d{2}-\d{2}/)"')
SLOT_CHOICE = re.compile(r'name="slot" id="slot-\d+" value="(\d+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


# --- one checkout's process -----------------------------------------------------------------
def serve(tree: Path, domain: str) -> None:
    """Book for the notices the driver names, a batch at a time; answer with the CPU each batch took."""
    sys.path.insert(0, str(HERE.parent))  # this checkout's loadtests/ (cpu_use), whichever tree is served
    from cpu_use import process_seconds

    sys.path.insert(0, str(tree))
    os.chdir(tree)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=domain)  # one handler (its middleware is built once, as a server's is)

    def book_one(number: str, day: int, rng: random.Random) -> bool:
        client.cookies.clear()  # a new citizen, a new browser
        client.get("/")
        answer = client.post("/login/", {"notice_number": number, "birth_day": str(day)})
        if answer.status_code != 302:
            return False
        month = client.get(answer["Location"]).content.decode()
        days = DAY_LINK.findall(month)
        if not days:
            return False
        day_path = rng.choice(days[:3])
        page = client.get(day_path).content.decode()
        slots, token = SLOT_CHOICE.findall(page), TOKEN.search(page)
        if not slots or not token:
            return False
        answer = client.post(day_path, {"token": token.group(1), "slot": rng.choice(slots), "email": ""})
        if answer.status_code != 302 or answer["Location"] != "/booking/":
            return False
        return "booking-code" in client.get("/booking/").content.decode()

    rng = random.Random(0)
    for line in sys.stdin:
        notices = json.loads(line)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()
        database_before, web_before = process_seconds(backend), time.process_time()
        booked = sum(book_one(number, day, rng) for number, day in notices)
        web = time.process_time() - web_before
        with connection.cursor() as cursor:  # the same backend throughout, or no database figure
            cursor.execute("SELECT pg_backend_pid()")
            (still,) = cursor.fetchone()
        database = process_seconds(backend) - database_before if still == backend else None
        print(json.dumps({"booked": booked, "web": web, "database": database}), flush=True)


# --- the driver -------------------------------------------------------------------------------
def _ask(name: str, process: subprocess.Popen, batch: list) -> dict:
    """One batch of citizens in one checkout's process; what it measured."""
    try:
        process.stdin.write(json.dumps(batch) + "\n")
        process.stdin.flush()
        answer = process.stdout.readline()
    except BrokenPipeError:
        answer = ""
    if not answer:
        sys.exit(f"{name}: its process stopped (its errors are above)")
    return json.loads(answer)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout of the project to compare with")
    parser.add_argument("--turns", type=int, default=12, help="batches per checkout, default 12")
    parser.add_argument("--batch", type=int, default=25, help="citizens per batch, default 25")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--domain", default="rush.localhost", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.domain)
        return 0

    sys.path.insert(0, str(HERE.parent))
    from benchdb import use_bench_database
    from release_rush import notice_numbers, prepare_city

    trees = {"this checkout": ROOT}
    if args.baseline:
        if not (args.baseline / "manage.py").exists():
            sys.exit(f"{args.baseline} is not a checkout of the project")
        trees = {"baseline": args.baseline.resolve(), **trees}
    needed = (args.turns + 1) * args.batch * len(trees)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    bench_url = use_bench_database()
    prepare_city(argparse.Namespace(city="rush_city", domain=args.domain, notices=max(needed, 3000),
                                    waiting_room="auto"))
    notices = notice_numbers(needed)
    environment = dict(os.environ, DATABASE_URL=bench_url, DJANGO_SETTINGS_MODULE="config.settings.local",
                       MADOGUCHI_DEBUG="0", LOG_LEVEL="WARNING", CELERY_TASK_ALWAYS_EAGER="1",
                       BOOKING_CLIENT_SLOW_AFTER="1000000", BOOKING_CLIENT_REFUSE_AFTER="1000000")
    for tree in trees.values():  # hashed static names: each checkout's manifest, as its servers have it
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                       cwd=tree, env=environment, check=True)
    processes = {
        name: subprocess.Popen([sys.executable, str(HERE), "--serve", str(tree), "--domain", args.domain],
                               cwd=tree, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for name, tree in trees.items()}
    figures: dict[str, dict[str, list[float]]] = {name: {"web": [], "database": []} for name in trees}
    print(f"{len(trees)} checkout(s), {args.turns} turns of {args.batch} citizens each, alternated", flush=True)
    try:
        at = 0
        for name, process in processes.items():  # a first batch each, not counted: imports, caches
            _ask(name, process, notices[at:at + args.batch])
            at += args.batch
        for turn in range(args.turns):
            order = list(processes.items()) if turn % 2 == 0 else list(processes.items())[::-1]
            for name, process in order:
                batch = notices[at:at + args.batch]
                at += args.batch
                result = _ask(name, process, batch)
                if result["booked"] != len(batch):
                    sys.exit(f"{name}: {result['booked']} of {len(batch)} citizens booked")
                figures[name]["web"].append(1000 * result["web"] / len(batch))
                if result["database"] is not None:
                    figures[name]["database"].append(1000 * result["database"] / len(batch))
    finally:
        for process in processes.values():
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
            process.wait(timeout=60)
    print("CPU per booking (ms), median over turns      web process   its database backend")
    for name, tree in trees.items():
        web, database = figures[name]["web"], figures[name]["database"]
        print(f"  {name:<16} {str(tree)[-24:]:>24} {statistics.median(web):10.1f}"
              f" {statistics.median(database) if database else float('nan'):14.1f}")
    if args.baseline:
        for part in ("web", "database"):
            if figures["baseline"][part] and figures["this checkout"][part]:
                ratio = statistics.median(figures["this checkout"][part]) / statistics.median(figures["baseline"][part])
                print(f"  this checkout ÷ baseline, {part}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
