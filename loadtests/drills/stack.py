"""What the reliability drills share: the product's processes started as `make run` starts them
(platform/Procfile), a broker and a mail relay of the drill's own, and HTTP citizens.

Nothing here touches the machine's services: the drill's Redis runs on a free loopback port from
a folder of the drill's own and is the one a drill stops; mail goes to an SMTP sink inside the
drill process (the edge of the world), which records every message.
"""
from __future__ import annotations

import email
import email.policy
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOADTESTS = HERE.parent
ROOT = LOADTESTS.parent
sys.path.insert(0, str(LOADTESTS))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed")
    return found


def one_line(label: str, figures: dict) -> str:
    return f"{label}: " + "; ".join(f"{key} {value}" for key, value in figures.items())


# --- the drill's own Redis ----------------------------------------------------------------------
class Redis:
    """A redis-server of the drill's own, persistent (append-only file) as a broker must be."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server")
        if not binary:
            sys.exit("redis-server is not installed (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        sys.exit("the drill's redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # saves the append-only file and exits
            self.process.wait(timeout=20)


# --- an SMTP sink -------------------------------------------------------------------------------
@dataclass
class Sink:
    messages: list = field(default_factory=list)  # (monotonic time, parsed message)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for _at, message in self.messages:
                for address in (message.get_all("To") or []):
                    counts[str(address).strip().lower()] = counts.get(str(address).strip().lower(), 0) + 1
        return counts


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        sink: Sink = self.server.sink
        self.wfile.write(b"220 drill sink\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 drill sink\r\n")
            elif command.startswith("DATA"):
                self.wfile.write(b"354 go on\r\n")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                time.sleep(self.server.delay)  # a relay takes its time: the worker is mid-batch when killed
                message = email.message_from_bytes(bytes(data), policy=email.policy.default)
                with sink.lock:
                    sink.messages.append((time.monotonic(), message))
                self.wfile.write(b"250 queued\r\n")
            elif command.startswith("QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


class _ThreadingSmtp(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_sink(delay: float = 0.0) -> tuple[Sink, int, _ThreadingSmtp]:
    sink = Sink()
    server = _ThreadingSmtp(("127.0.0.1", 0), _SmtpHandler)
    server.sink, server.delay = sink, delay
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return sink, server.server_address[1], server


# --- the product's processes ----------------------------------------------------------------------
def procfile() -> dict[str, str]:
    from devtools.supervisor import read_procfile  # noqa: PLC0415

    return read_procfile(ROOT / "platform" / "Procfile")


def product_environment(**overrides) -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("RUSH_", "PYTEST"))}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.local", MADOGUCHI_DEBUG="0", LOG_LEVEL="WARNING",
                       PYTHONUNBUFFERED="1", CELERY_TASK_ALWAYS_EAGER="0",
                       PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    environment.update({key: str(value) for key, value in overrides.items()})
    return environment


def wait_http(url: str, host: str, timeout: float = 60) -> None:
    request = urllib.request.Request(url, headers={"Host": host})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def prepare(database: str, city: str, domain: str, notices: int):
    """A fresh database of the drill's own, the platform in it and a city with `notices` notices."""
    from argparse import Namespace

    from benchdb import use_bench_database
    from release_rush import notice_numbers, prepare_city

    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # onboarding's welcome mail: at once, here
    url = use_bench_database(name=database, fresh=True)
    municipality, _ = prepare_city(Namespace(city=city, domain=domain, notices=notices))
    return url, municipality, notice_numbers(notices)


# --- citizens over HTTP -----------------------------------------------------------------------------
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
SLOT_LINK = re.compile(r'href="/booking/slots/(\d+)/"')
DAY_LINK = re.compile(r'href="(/booking/places/[\w-]+/\d{4}-\d{2}-\d{2}/)"')
MONTH_LINK = re.compile(r'href="(/booking/places/[\w-]+/)"')
CODE = re.compile(r'class="booking-code">([^<]+)<')


def hidden(page: str, name: str) -> str:
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("name") == name:
            return attributes.get("value", "")
    return ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Citizen:
    """A browser of one citizen: cookies, the Host header, status codes kept."""

    def __init__(self, base: str, host: str):
        self.base, self.host = base, host
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.statuses: list[int] = []

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Host": self.host})
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text, location = response.status, response.read().decode("utf-8", "replace"), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
            location = error.headers.get("Location", "")
        self.statuses.append(status)
        return status, text, re.sub(r"^https?://[^/]+", "", location)

    def csrf(self, page: str) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        return hidden(page, "csrfmiddlewaretoken")

    def book(self, number: str, day: int, address: str) -> str | None:
        """Log in, take the latest free time of the first days offered, confirm with `address`;
        the booking code shown on the confirmation page, or None."""
        status, page, _ = self.request("/")
        if status != 200:
            return None
        status, _, location = self.request("/login/", {"csrfmiddlewaretoken": self.csrf(page),
                                                        "notice_number": number, "birth_day": str(day)})
        if status != 302:
            return None
        for _attempt in range(6):
            status, page, _ = self.request("/booking/")
            month = MONTH_LINK.search(page)
            if status != 200 or not month:
                return None
            status, page, _ = self.request(month.group(1))
            days = DAY_LINK.findall(page)
            if not days:
                return None
            status, page, _ = self.request(days[min(_attempt, len(days) - 1)])
            slots = SLOT_LINK.findall(page)
            if not slots:
                continue
            path = f"/booking/slots/{slots[hash(number) % len(slots)]}/"
            status, page, _ = self.request(path)
            token = hidden(page, "token")
            status, _, location = self.request(path, {"csrfmiddlewaretoken": self.csrf(page), "token": token,
                                                      "email": address})
            if status == 302 and location == "/booking/":
                status, page, _ = self.request("/booking/")  # the confirmation page
                found = CODE.search(page)
                return found.group(1).strip() if status == 200 and found else None
            if status >= 500:
                return None
        return None
