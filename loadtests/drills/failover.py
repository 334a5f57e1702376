"""Failover drill (SEC-1): citizens book over HTTP while the primary's PostgreSQL is killed.

    make drill-failover
    make drill-failover DRILL_ARGS="--clients 12 --before 15 --keep"

1. Make a cluster of its own from nothing (platform/postgres/cluster.sh, in var/drills/failover):
   etcd, a primary with a synchronous standby and a reports replica under Patroni, pgBackRest.
2. Migrate (setup_platform) and seed a city with notices the way the release rush does.
3. Start gunicorn (as the release rush does) on the cluster's multi-host DATABASE_URL
   (host=pg1,pg2, target_session_attrs=read-write): the application knows no primary by name.
4. Client threads, each a stream of citizens: log in with a notice and the day of birth, choose
   a day and a free time, confirm (CSRF token and the form's one-time token), and read the
   booking code on the booking page; only then is a booking "acknowledged". A 503 is the
   site's "try again": the citizen waits a moment and sends the same request again, as the
   page asks. Any other 5xx is counted as a failure.
5. After --before seconds, SIGKILL the primary's postmaster. Patroni sees PostgreSQL gone and,
   because the primary may not restart in place (primary_start_timeout 0), promotes the
   synchronous standby; the killed member comes back as a standby by itself (pg_rewind).
6. Bookings go on until --after seconds after the first booking that succeeds on the new
   primary (at most --max-wait seconds after the kill); then the drill waits (up to 60 s) for the
   killed member to be back as the synchronous standby.
7. Check on the new primary: every acknowledged booking is there with its code (missing = 0);
   no notice has two bookings and no code is used twice (doubled = 0); no slot is oversold.

Ends with one line of figures; exits 1 if a booking is missing or doubled, a 5xx other than 503
was answered, or bookings did not succeed again.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from zoneinfo import ZoneInfo

import requests
from drillkit import Cluster, drill_dir, one_line, seed_city
from release_rush import free_port, start_gunicorn, stop_gunicorn, tail

CITY, DOMAIN = "failover_city", "failover.localhost"
CITY_TZ = ZoneInfo("Asia/Tokyo")
MONTH_LINK = re.compile(r'href="(/booking/places/[\w-]+/)"')
DAY_LINK = re.compile(r'href="(/booking/places/[\w-]+/\d{4}-\d{2}-\d{2}/)"')
NEXT_MONTH = re.compile(r'href="\?month=(\d{4}-\d{2})" rel="next"')
SLOT_LINK = re.compile(r'name="slot" id="slot-\d+" value="(\d+)"')  # the day page's times
HIDDEN = re.compile(r'<input[^>]*name="(csrfmiddlewaretoken|token)"[^>]*value="([^"]*)"')
BOOKING_CODE = re.compile(r'class="booking-code">([A-Z0-9-]+)<')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="citizens booking at once (threads), default 8")
    parser.add_argument("--before", type=float, default=10, help="seconds of booking before the kill, default 10")
    parser.add_argument("--after", type=float, default=10,
                        help="seconds of booking after bookings succeed again, default 10")
    parser.add_argument("--max-wait", type=float, default=90,
                        help="give up if bookings do not succeed again within this many seconds, default 90")
    parser.add_argument("--notices", type=int, default=1500, help="notices in the city, default 1500")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes, default 3")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker, default 4")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running and keep the logs")
    return parser.parse_args(argv)


class Tally:
    """What the clients saw, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.outcomes: Counter = Counter()
        self.acknowledged: dict[str, str] = {}  # notice number → booking code seen on the booking page
        self.redirected: set[str] = set()  # booking POST answered 302 /booking/ (code not necessarily seen)
        self.killed_at: float | None = None
        self.recovered_at: float | None = None  # first booking answered after the kill, sent after it
        self.other_5xx: list[str] = []
        self.refusals: list[str] = []  # 4xx answers, with when (seconds from the kill) and where

    def status(self, code: int, method: str, path: str) -> None:
        with self.lock:
            self.statuses[code] += 1
            when = f"{time.monotonic() - self.killed_at:+.1f} s" if self.killed_at else "before the kill"
            if code >= 500 and code != 503:
                self.other_5xx.append(f"{code} {method} {path} ({when})")
            elif 400 <= code < 500:
                self.refusals.append(f"{code} {method} {path} ({when})")

    def outcome(self, name: str) -> None:
        with self.lock:
            self.outcomes[name] += 1


class Citizen:
    """One citizen after another on one thread, each with a fresh browser (cookies)."""

    def __init__(self, base: str, notices: list[tuple[str, int]], next_notice, tally: Tally, stop: threading.Event):
        self.base, self.notices, self.next_notice, self.tally, self.stop = base, notices, next_notice, tally, stop
        self.session: requests.Session | None = None

    def run(self) -> None:
        while not self.stop.is_set():
            notice = self.next_notice()
            if notice is None:
                self.tally.outcome("notices used up")
                return
            self.session = requests.Session()
            self.session.headers["Host"] = DOMAIN
            try:
                self.tally.outcome(self.book(*notice))
            except _Stopped:
                self.tally.outcome("stopped mid-way")

    # --- HTTP with "try again" ---------------------------------------------------------------
    def call(self, method: str, path: str, data: dict | None = None, *, finish: bool = False):
        """The request, sent again after a 503 or a refused connection; (response, sent_at)."""
        patience = time.monotonic() + 30
        while True:
            if self.stop.is_set() and not (finish and time.monotonic() < patience):
                raise _Stopped()
            sent_at = time.monotonic()
            try:
                response = self.session.request(method, self.base + path, data=data, allow_redirects=False,
                                                timeout=30)
            except requests.RequestException:
                self.tally.outcome("connection error (sent again)")
                time.sleep(0.5)
                continue
            self.tally.status(response.status_code, method, path)
            if response.status_code == 503:
                time.sleep(min(float(response.headers.get("Retry-After", 1)), 1.0) * random.uniform(0.3, 0.6))
                continue
            return response, sent_at

    def book(self, number: str, birth_day: int) -> str:
        page, _ = self.call("GET", "/")
        if page.status_code != 200:
            return f"start page {page.status_code}"
        response, _ = self.call("POST", "/login/", {"csrfmiddlewaretoken": self.csrf(page.text),
                                                    "notice_number": number, "birth_day": str(birth_day)})
        if response.status_code != 302:
            return f"login {response.status_code}"
        status, _ = self.call("GET", "/booking/")
        found = MONTH_LINK.search(status.text)
        if not found:
            return f"no place to book ({status.status_code} {status.headers.get('Location', '')})"
        day_path = None
        for _attempt in range(10):
            day_path = day_path or self.choose_day(found.group(1))
            if day_path is None:
                return "no free day"
            day, _ = self.call("GET", day_path)
            slots = SLOT_LINK.findall(day.text)
            if not slots:
                day_path = None
                continue
            slot_path = f"/booking/slots/{random.choice(slots)}/"
            form, _ = self.call("GET", slot_path)
            fields = dict(HIDDEN.findall(form.text))
            answer, sent_at = self.call("POST", slot_path, {
                "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", ""), "token": fields.get("token", ""),
                "email": ""})
            target = answer.headers.get("Location", "")
            if answer.status_code == 302 and target == "/booking/":
                return self.acknowledge(number, sent_at)
            if answer.status_code == 302 and target.startswith("/booking/places/"):
                self.tally.outcome("slot taken meanwhile (chose again)")
                continue
            return f"booking answered {answer.status_code} {target}"
        return "gave up"

    def acknowledge(self, number: str, sent_at: float) -> str:
        answered_at = time.monotonic()
        with self.tally.lock:
            self.tally.redirected.add(number)
            killed = self.tally.killed_at
            if killed is not None and sent_at > killed and self.tally.recovered_at is None:
                self.tally.recovered_at = answered_at
        page, _ = self.call("GET", "/booking/", finish=True)
        code = BOOKING_CODE.search(page.text)
        if not code:
            return "booked, but no code on the booking page"
        with self.tally.lock:
            self.tally.acknowledged[number] = code.group(1)
        return "booked"

    def choose_day(self, month_path: str) -> str | None:
        month = (dt.datetime.now(CITY_TZ) + dt.timedelta(days=1)).strftime("%Y-%m")
        for _ in range(3):
            page, _ = self.call("GET", f"{month_path}?month={month}")
            days = DAY_LINK.findall(page.text)
            if days:
                return random.choice(days[:12])
            following = NEXT_MONTH.search(page.text)
            if not following:
                return None
            month = following.group(1)
        return None

    def csrf(self, page: str) -> str:
        return self.session.cookies.get("csrftoken") or dict(HIDDEN.findall(page)).get("csrfmiddlewaretoken", "")


class _Stopped(Exception):
    pass


def watch_cluster(cluster: Cluster, tally: Tally, stop: threading.Event, events: dict) -> None:
    """Note when a new primary appears and when a synchronous standby is back (Patroni's view)."""
    while not stop.is_set():
        if tally.killed_at is not None:
            roles = cluster.roles()
            leader = next((name for name, role in roles.items() if role == "leader"), None)
            sync = next((name for name, role in roles.items() if role == "sync_standby"), None)
            if "new primary" not in events and leader and leader != events.get("old"):
                events["new primary"] = (time.monotonic(), leader)
            if "new primary" in events and "sync back" not in events and sync:
                events["sync back"] = (time.monotonic(), sync)
        time.sleep(0.2)


def check(city, tally: Tally) -> dict:
    from django.db import connection
    from django_tenants.utils import tenant_context
    from release_rush import check_database

    connection.close()  # the drill's own connection went to the old primary
    database = check_database(city, sorted(tally.redirected))
    with tenant_context(city), connection.cursor() as cursor:
        cursor.execute("""SELECT n.number, r.code FROM booking_reservation r JOIN booking_notice n ON n.id = r.notice_id
                          WHERE r.status = 'active'""")
        stored = dict(cursor.fetchall())
        cursor.execute("""SELECT (SELECT count(*) FROM (SELECT notice_id FROM booking_reservation GROUP BY notice_id
                                                       HAVING count(*) > 1) twice)
                               + (SELECT count(*) FROM (SELECT code FROM booking_reservation GROUP BY code
                                                       HAVING count(*) > 1) same_code)""")
        doubled = cursor.fetchone()[0]
    connection.close()
    missing = [number for number, code in tally.acknowledged.items() if stored.get(number) != code]
    missing += [number for number in tally.redirected - tally.acknowledged.keys() if number not in stored]
    return {"stored": stored, "missing": missing, "doubled": doubled, "invariants": database["invariants"],
            "in doubt": sorted(set(stored) - tally.redirected)}


def main(argv=None) -> int:
    args = parse_args(argv)
    folder = drill_dir("failover")
    run_dir = folder.parent / "failover-run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    os.environ.update(CELERY_TASK_ALWAYS_EAGER="1", MADOGUCHI_OUTBOX_DIR=str(run_dir / "outbox"))
    cluster = Cluster(folder)
    server = None
    try:
        print(f"failover drill: making a cluster from nothing in {folder} ...", flush=True)
        made = cluster.start_fresh()
        url = cluster.url()
        print(f"cluster up in {made:.1f} s: {cluster.roles()}", flush=True)
        city, notices = seed_city(url, CITY, DOMAIN, args.notices)
        port = free_port()
        server = start_gunicorn(argparse.Namespace(workers=args.workers, threads=args.threads, domain=DOMAIN),
                                port, run_dir, url)
        print(f"gunicorn on 127.0.0.1:{port} ({args.workers}×{args.threads}) with DATABASE_URL on "
              f"{url.split('@', 1)[1]}", flush=True)

        tally, stop, stop_watching, events = Tally(), threading.Event(), threading.Event(), {}
        queue = iter(random.sample(notices, len(notices)))
        queue_lock = threading.Lock()

        def next_notice():
            with queue_lock:
                return next(queue, None)

        threads = [threading.Thread(target=Citizen(f"http://127.0.0.1:{port}", notices, next_notice, tally, stop).run,
                                    daemon=True) for _ in range(args.clients)]
        watcher = threading.Thread(target=watch_cluster, args=(cluster, tally, stop_watching, events), daemon=True)
        for thread in [*threads, watcher]:
            thread.start()
        time.sleep(args.before)
        before_kill = len(tally.acknowledged)
        old = events["old"] = cluster.leader()
        pid = cluster.postmaster_pid(old)
        os.kill(pid, signal.SIGKILL)
        tally.killed_at = time.monotonic()
        print(f"{before_kill} bookings acknowledged; SIGKILL to the primary {old}'s postmaster (pid {pid})", flush=True)
        deadline = tally.killed_at + args.max_wait
        while tally.recovered_at is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if tally.recovered_at is not None:
            print(f"bookings succeed again {tally.recovered_at - tally.killed_at:.1f} s after the kill; "
                  f"booking on for {args.after:.0f} s more", flush=True)
            time.sleep(args.after)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        stop_gunicorn(server)
        server = None
        rejoin_deadline = time.monotonic() + 60  # the old primary comes back as the synchronous standby
        while "sync back" not in events and time.monotonic() < rejoin_deadline:
            time.sleep(0.2)
        stop_watching.set()
        watcher.join(timeout=5)

        result = check(city, tally)
        recovered = tally.recovered_at is not None
        seconds = f"{tally.recovered_at - tally.killed_at:.1f} s" if recovered else "never"
        new = events.get("new primary")
        back = events.get("sync back")
        print(f"  Patroni: new primary {new[1] if new else '?'} after "
              f"{(new[0] - tally.killed_at) if new else float('nan'):.1f} s; synchronous standby again "
              f"({back[1] if back else 'not yet'}) after {(back[0] - tally.killed_at) if back else float('nan'):.1f} s")
        print(f"  client outcomes: {dict(tally.outcomes)}")
        print(f"  HTTP statuses: {dict(sorted(tally.statuses.items()))}")
        for label, value in result["invariants"].items():
            print(f"  {label}: {value}")
        if result["missing"]:
            print(f"  MISSING: {result['missing'][:20]}")
        if tally.refusals:
            print(f"  4xx answers: {tally.refusals[:10]}")
        if tally.other_5xx:
            print(f"  other 5xx: {tally.other_5xx[:10]}\n{tail(run_dir / 'gunicorn.log', 30)}")
        broken = any(result["invariants"].values())
        ok = recovered and not result["missing"] and not result["doubled"] and not tally.other_5xx and not broken
        print(one_line("drill-failover", {
            "bookings succeed again after": seconds,
            "old primary back as sync standby after": f"{back[0] - tally.killed_at:.1f} s" if back else "over 60 s",
            "acknowledged": len(tally.acknowledged),
            "missing": len(result["missing"]),
            "doubled": result["doubled"],
            "503 answered": tally.statuses[503],
            "other 5xx": len(tally.other_5xx),
            "in doubt (503 but committed)": len(result["in doubt"]),
            "result": "PASS" if ok else "FAIL",
        }), flush=True)
        return 0 if ok else 1
    finally:
        if server is not None:
            stop_gunicorn(server)
        if args.keep:
            print(f"kept: cluster in {folder} (platform/postgres/cluster.sh with MADOGUCHI_CLUSTER_DIR={folder}), "
                  f"logs in {run_dir}")
        else:
            cluster.destroy()
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
