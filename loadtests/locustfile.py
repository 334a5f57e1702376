"""Release rush: many citizens of one city log in with their notice and book a pickup at once.

Run through `make loadtest` (loadtests/release_rush.py prepares the city, the notices and the
server, runs this file headless and checks the database afterwards). By hand:

    RUSH_NOTICES_FILE=notices.csv RUSH_DOMAIN=rush.localhost \\
        locust -f loadtests/locustfile.py --headless -u 200 -r 50 -t 20s --host http://127.0.0.1:8000

No Django imports here: Locust patches the standard library with gevent, and importing Django
settings first breaks that ("cannot release un-acquired lock"). Everything is HTTP.

Environment:
    RUSH_NOTICES_FILE   lines "NUMBER,BIRTH_DAY"; every simulated citizen takes the next unused one
    RUSH_DOMAIN         the city's domain, sent as the Host header (the city is chosen by host)
    RUSH_RESULTS_FILE   where to write the outcome counts as JSON when the run stops (optional)
    RUSH_THINK          think time between pages in seconds, "MIN-MAX" (default 0.2-1.0)
    RUSH_DAY_SPREAD     citizens pick one of the first N days with free seats (default 3)
    RUSH_MAX_ATTEMPTS   slots a citizen tries before giving up (default 10)

A citizen sent to the waiting room (303 to /waiting-room/) waits there as a browser does: asks
again after the page's Refresh seconds until let in, then logs in. Their place in line (the
ticket id from the signed cookie) and how long they waited are written to the results.

A Locust user is a stream of citizens: after one has booked (or given up), the same user logs
in as the next unused notice with fresh cookies. When the notices run out, the user stops.
Run it in one Locust process (no --processes/workers): notices are handed out in-process.
"""
from __future__ import annotations

import html
import json
import os
import random
import re
import time
from collections import Counter
from typing import ClassVar

import gevent
from locust import FastHttpUser, events, task
from locust.exception import StopUser

DOMAIN = os.environ.get("RUSH_DOMAIN", "rush.localhost")
NOTICES_FILE = os.environ.get("RUSH_NOTICES_FILE", "")
RESULTS_FILE = os.environ.get("RUSH_RESULTS_FILE", "")
THINK_MIN, THINK_MAX = (float(part) for part in os.environ.get("RUSH_THINK", "0.2-1.0").split("-", 1))
DAY_SPREAD = int(os.environ.get("RUSH_DAY_SPREAD", "3"))
MAX_ATTEMPTS = int(os.environ.get("RUSH_MAX_ATTEMPTS", "10"))

DAY_LINK = re.compile(r'href="(/booking/places/[\w-]+/(\d{4}-\d{2}-\d{2})/)"')
NEXT_MONTH = re.compile(r'href="\?month=(\d{4}-\d{2})" rel="next"')
NEXT_DAYS = re.compile(r'<nav class="next-days"[^>]*>(.*?)</nav>', re.S)
SLOT_CHOICE = re.compile(r'name="slot" id="slot-\d+" value="(\d+)"')
MONTH_PATH = re.compile(r"/booking/places/[\w-]+/")
INPUT_TAG = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
MONTHS_TO_TRY = 3


def _load_notices() -> list[tuple[str, str]]:
    if not NOTICES_FILE:
        return []
    with open(NOTICES_FILE, encoding="utf-8") as handle:
        return [tuple(line.strip().split(",", 1)) for line in handle if line.strip()]


NOTICES = _load_notices()
_next_notice = 0
OUTCOMES: Counter = Counter()
BOOKED_NUMBERS: list[str] = []  # notices whose booking the site confirmed (302 to /booking/)
LOGIN, BOOK = "POST /login/", "POST day (book)"
LATENCIES: dict[str, list[float]] = {LOGIN: [], BOOK: []}  # exact milliseconds (Locust's own are rounded)
WAITING = "GET waiting room"
CITIZEN_OF: dict = {}  # greenlet -> the Locust user running in it
REQUESTS_PER_BOOKING: list[int] = []  # HTTP requests of each citizen who booked, start page to confirmation
WAITED: list[dict] = []  # {"ticket": id, "seconds": waited, "admitted_at": time} of citizens who waited
THOUGHT = {"seconds": 0.0}  # time the citizens spent thinking between pages, all together
IN_LINE = {"seconds": 0.0}  # time they spent on the waiting page between its refreshes, all together
ON_LINE: dict = {}  # Locust user -> [started, stopped or None]: how long each took part


def take_notice() -> tuple[str, str] | None:
    """The next unused notice; greenlets of one process never interleave here (no await point)."""
    global _next_notice
    if _next_notice >= len(NOTICES):
        return None
    notice = NOTICES[_next_notice]
    _next_notice += 1
    OUTCOMES["citizens"] += 1
    return notice


def hidden_value(page: str, name: str) -> str | None:
    for tag in INPUT_TAG.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("name") == name:
            return html.unescape(attributes.get("value", ""))
    return None


def next_days(day_page: str) -> list[str]:
    """The day pages a full day's page offers instead (its "next days with a free time")."""
    offered = NEXT_DAYS.search(day_page)
    return [path for path, _date in DAY_LINK.findall(offered.group(1))] if offered else []


def location_path(response) -> str:
    location = (response.headers or {}).get("Location") or (response.headers or {}).get("location") or ""
    return re.sub(r"^https?://[^/]+", "", location)


@events.test_start.add_listener
def _check_setup(environment, **_kwargs):
    if not NOTICES:
        raise SystemExit("RUSH_NOTICES_FILE is unset or empty: run through loadtests/release_rush.py")


@events.request.add_listener
def _keep_latency(name, response_time, **_kwargs):
    if name != WAITING:  # every page of the booking flow, failed ones too, as Locust counts them
        LATENCIES.setdefault(name, []).append(response_time)
        citizen = CITIZEN_OF.get(gevent.getcurrent())  # requests are made in the user's own greenlet
        if citizen is not None:
            citizen.requests_made += 1


@events.test_stop.add_listener
def _write_results(environment, **_kwargs):
    now = time.monotonic()
    user_seconds = sum((stopped or now) - started for started, stopped in ON_LINE.values())
    if RESULTS_FILE:
        with open(RESULTS_FILE, "w", encoding="utf-8") as handle:
            failures = {f"{error.method} {error.name}: {error.error}": error.occurrences
                        for error in environment.stats.errors.values()}
            json.dump({"outcomes": dict(OUTCOMES), "booked": BOOKED_NUMBERS, "latencies_ms": LATENCIES,
                       "failures": failures, "requests_per_booking": REQUESTS_PER_BOOKING,
                       "waited": WAITED, "notices_handed_out": _next_notice, "notices": len(NOTICES),
                       "think_seconds": THOUGHT["seconds"], "in_line_seconds": IN_LINE["seconds"],
                       "user_seconds": user_seconds}, handle)


class Citizen(FastHttpUser):
    """One citizen after another: log in, find a free time, book it; retry when it was taken."""

    default_headers: ClassVar[dict] = {"Host": DOMAIN}
    network_timeout = 60.0
    connection_timeout = 10.0

    requests_made = 0  # by the citizen now using this Locust user (the waiting page's polls aside)

    def on_start(self) -> None:
        ON_LINE[self] = [time.monotonic(), None]

    def on_stop(self) -> None:
        if self in ON_LINE and ON_LINE[self][1] is None:
            ON_LINE[self][1] = time.monotonic()

    def think(self) -> None:
        began = time.monotonic()
        try:
            gevent.sleep(random.uniform(THINK_MIN, THINK_MAX))
        finally:  # the time it took, also when the run stops the citizen mid-thought
            THOUGHT["seconds"] += time.monotonic() - began

    def csrf_token(self, page: str = "") -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return hidden_value(page, "csrfmiddlewaretoken") or ""

    @task
    def book_one_pickup(self) -> None:
        notice = take_notice()
        if notice is None:
            raise StopUser()
        number, birth_day = notice
        self.client.cookiejar.clear()  # a new citizen, a new browser
        self.requests_made = 0
        CITIZEN_OF[gevent.getcurrent()] = self
        month_path = self.log_in(number, birth_day)
        if not month_path:
            return
        # no pause here: a browser follows the login's redirect to the calendar at once
        outcome = self.book(number, month_path)
        OUTCOMES[outcome] += 1
        if outcome == "booked":
            REQUESTS_PER_BOOKING.append(self.requests_made)
        self.think()

    # --- steps -------------------------------------------------------------------------------
    def ticket(self) -> int | None:
        for cookie in self.client.cookiejar:
            if cookie.name == "madoguchi_waiting":
                head = cookie.value.strip('"').split(":", 1)[0]
                return int(head) if head.isdigit() else None
        return None

    def wait_in_line(self, path: str) -> bool:
        """Stay on the waiting page, as its Refresh header says, until let in (a 303 onwards)."""
        began = time.monotonic()
        while time.monotonic() - began < 600:
            with self.client.get(path, name=WAITING, allow_redirects=False, catch_response=True) as response:
                if response.status_code == 303:
                    response.success()
                    WAITED.append({"ticket": self.ticket(), "seconds": time.monotonic() - began,
                                   "admitted_at": time.time()})
                    return True
                if response.status_code != 200:
                    response.failure(f"waiting room: {response.status_code}")
                    return False
                refresh = float((response.headers or {}).get("Refresh") or 5)
            began_pause = time.monotonic()
            try:
                gevent.sleep(refresh)
            finally:
                IN_LINE["seconds"] += time.monotonic() - began_pause
        return False

    def front_page(self) -> tuple[str | None, str]:
        """The login form's page, or (None, waiting-room path) when the site sends the citizen to wait."""
        with self.client.get("/", name="GET / (login form)", allow_redirects=False, catch_response=True) as response:
            if response.status_code == 303 and "/waiting-room/" in location_path(response):
                response.success()
                return None, location_path(response)
            if response.status_code != 200 or 'name="notice_number"' not in (response.text or ""):
                response.failure(f"no login form ({response.status_code})")
                return None, ""
            return response.text, ""

    def log_in(self, number: str, birth_day: str) -> str | None:
        """The calendar the site sends a citizen to after logging in (None: not logged in).

        The room may send a citizen to wait at the start page or when they log in (automatic mode
        counts those entering the booking flow): they wait, then log in again, as a browser would."""
        for _ in range(3):
            page, waiting_path = self.front_page()
            if waiting_path:
                OUTCOMES["waited"] += 1
                if self.wait_in_line(waiting_path):
                    page, waiting_path = self.front_page()
            if page is None:
                OUTCOMES["error"] += 1
                return None
            self.think()
            data = {"csrfmiddlewaretoken": self.csrf_token(page), "notice_number": number, "birth_day": birth_day}
            with self.client.post("/login/", data=data, name=LOGIN, allow_redirects=False,
                                  catch_response=True) as response:
                target = location_path(response)
                if response.status_code == 302 and MONTH_PATH.fullmatch(target):
                    return target  # no booking yet: straight to the calendar of the notice's place
                if response.status_code == 303 and target.startswith("/waiting-room/"):
                    response.success()
                    OUTCOMES["waited"] += 1
                    if not self.wait_in_line(target):
                        OUTCOMES["error"] += 1
                        return None
                    continue  # let in: the start page again, and the login
                kind = {200: "login_refused", 403: "login_locked", 429: "login_throttled"}.get(
                    response.status_code, "error")
                OUTCOMES[kind] += 1
                response.failure(f"login: {response.status_code} {kind} {target}")
                return None
        OUTCOMES["error"] += 1
        return None

    def get_page(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return None
            return response.text or ""

    def book(self, number: str, month_path: str) -> str:
        attempts = 0
        day_path, day_page = None, None
        while attempts < MAX_ATTEMPTS:
            if day_path is None:
                if attempts:  # back to the calendar after a day filled up: the citizen reads it again
                    self.think()
                day_path = self.choose_day(month_path)
                if day_path is None:
                    return "no_free_day"
            arrived = day_page is None
            if arrived:
                self.think()
                day_page = self.get_page(day_path, "GET day (times)")
                if day_page is None:
                    return "error"
            slots = SLOT_CHOICE.findall(day_page)
            if not slots:
                OUTCOMES["day_full_on_arrival" if arrived else "day_full_after_taken"] += 1
                attempts += 1
                # the day filled up meanwhile: one of the next days the page offers, else the calendar
                following = next_days(day_page)
                day_path, day_page = (random.choice(following[:DAY_SPREAD]) if following else None), None
                if day_path is None:
                    OUTCOMES["back_to_calendar"] += 1
                continue
            attempts += 1
            result, day_page, sent_to = self.confirm(day_path, day_page, random.choice(slots), number)
            if result != "slot_taken":
                return result
            OUTCOMES["slot_taken"] += 1
            # the site answered with the day page as it is now, or sent us to a day's page (the same
            # day, or the next with a time when none was left): choose again there
            day_path = sent_to or day_path
        return "gave_up"

    def choose_day(self, month_path: str) -> str | None:
        """A day with free times: the calendar as the login sent the citizen there (the site opens it
        at the first month with a time to book), then the next months while none has one."""
        month = None
        for _ in range(MONTHS_TO_TRY):
            page = self.get_page(f"{month_path}?month={month}" if month else month_path, "GET month (calendar)")
            if page is None:
                return None
            days = [path for path, _date in DAY_LINK.findall(page)]
            if days:
                return random.choice(days[:DAY_SPREAD])
            following = NEXT_MONTH.search(page)
            if not following:
                return None
            month = following.group(1)
            self.think()
        return None

    def confirm(self, day_path: str, day_page: str, slot_id: str,
                number: str) -> tuple[str, str | None, str | None]:
        """Book a time with the day page's own form (no confirmation page in between); the outcome,
        and when the time was taken the day page the site answered with and, if it sent the citizen
        to a day's page, its path (the browser follows a redirect at once, with no pause)."""
        token = hidden_value(day_page, "token")
        if not token:
            return "error", None, None
        again, sent_to = None, None
        self.think()
        data = {"csrfmiddlewaretoken": self.csrf_token(day_page), "token": token, "slot": slot_id, "email": ""}
        with self.client.post(day_path, data=data, name=BOOK, allow_redirects=False,
                              catch_response=True) as response:
            target = location_path(response)
            if response.status_code == 302 and target == "/booking/":
                BOOKED_NUMBERS.append(number)
                response.success()
                outcome = "booked"
            elif response.status_code == 302 and target.startswith("/booking/places/"):
                response.success()  # taken while choosing: a normal outcome of a rush
                OUTCOMES["slot_taken_sent_on"] += 1
                outcome, sent_to = "slot_taken", target
            elif response.status_code == 200 and 'class="slot-choice' in (response.text or ""):
                response.success()  # full by the time the form arrived: the day page again, with its times now
                outcome, again = "slot_taken", response.text
            else:
                response.failure(f"booking: {response.status_code} {target}")
                outcome = "error"
        if outcome == "booked":  # the browser shows the booking the site just confirmed
            page = self.get_page("/booking/", "GET /booking/ (confirmation)")
            if page is None or "booking-code" not in page:
                return "error", None, None
        if sent_to:
            again = self.get_page(sent_to, "GET day (times)")
            if again is None:
                return "error", None, None
        return outcome, again, sent_to
