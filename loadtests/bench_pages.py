"""Pages per second through the same gunicorn: month calendar, day page, landing page, a static file.

    make bench-pages   (or: python -m devtools.localdb exec -- python loadtests/bench_pages.py)

In the bench database, a city with one notice logged in (the calendar and day pages are a
logged-in citizen's); gunicorn as production runs it (kernel/web_layout.py: cores + 1 workers,
4 threads); `wrk` (Debian's, installed by `make bench-pages`) with 32 connections for each page
in turn, in alternating rounds, all in the same run. The month and day pages are measured as
served (shared between citizens) and, as their baseline, from a second gunicorn with shared pages
off (MADOGUCHI_SHARED_PAGES=0). Prints requests/s of each and the ratios of the month and day
pages to the static file.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402
from release_rush import free_port, start_gunicorn, stop_gunicorn  # noqa: E402

from kernel.web_layout import THREADS, web_workers  # noqa: E402

CITY, DOMAIN, NUMBER = "pages_city", "pages.localhost", "PGS000001"


def prepare() -> None:
    from django_tenants.utils import tenant_context

    from booking.models import Notice, Ward
    from booking.services.calendars import slots_regenerate
    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from tenants.models import Municipality

    city = Municipality.objects.filter(schema_name=CITY).first()
    if city is None:
        city = onboard_municipality(slug=CITY, name="頁市", domains=[DOMAIN], wards=[WardSpec("kita", "北区")],
                                    admin_username=f"{CITY}-admin",
                                    admin_email="admin@pages.example.org").municipality
    with tenant_context(city):
        ward = Ward.objects.get(code="kita")
        for place in ward.default_places.all():
            slots_regenerate(place=place)
        Notice.objects.get_or_create(number=NUMBER, defaults={"birth_day": 1, "ward": ward,
                                                              "default_place": ward.default_places.first()})


def request(port: int, method: str, path: str, body: str = "", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body or None, headers={"Host": DOMAIN, **(headers or {})})
    response = conn.getresponse()
    return response, response.read().decode(errors="replace")


def log_in(port: int) -> tuple[str, str, str]:
    """A logged-in citizen's cookies, the calendar's path and a day page's path."""
    response, html = request(port, "GET", "/")
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response, _ = request(port, "POST", "/login/", urlencode({
        "csrfmiddlewaretoken": token, "notice_number": NUMBER, "birth_day": "1"}), {
        "Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"})
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie")).group(1)
    cookies = f"csrftoken={csrf}; sessionid={session}"
    month = response.getheader("Location")
    _, month_html = request(port, "GET", month, headers={"Cookie": cookies})
    day = re.search(r'href="(/booking/places/[\w-]+/\d{4}-\d{2}-\d{2}/)"', month_html).group(1)
    return cookies, month, day


def wrk(port: int, path: str, cookies: str, seconds: int, connections: int) -> float:
    command = [shutil.which("wrk"), "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Host: {DOMAIN}"]
    if cookies:
        command += ["-H", f"Cookie: {cookies}"]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{path}: {non_2xx.group(1)} responses were errors\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench-pages` installs it (Debian package wrk)")
    bench_url = use_bench_database()
    prepare()
    from django.db import connection

    connection.close()
    cores = multiprocessing.cpu_count()
    workers, threads = web_workers(cores), THREADS
    port = free_port()
    # the same gunicorn twice: as configured, and with shared pages off (Django renders every
    # one), the baseline of the shared page in the same run; the idle one costs no CPU
    unshared_port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        layout = argparse.Namespace(workers=workers, threads=threads, domain=DOMAIN)
        servers = [start_gunicorn(layout, port, Path(folder), bench_url)]
        try:
            (Path(folder) / "unshared").mkdir()
            servers.append(start_gunicorn(layout, unshared_port, Path(folder) / "unshared", bench_url,
                                          settings={"MADOGUCHI_SHARED_PAGES": "0"}))
            cookies, month, day = log_in(port)
            unshared_cookies, _, _ = log_in(unshared_port)
            _, landing_html = request(port, "GET", "/")
            static = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', landing_html).group(1)
            pages = {"month page": (port, month, cookies),
                     "month, unshared": (unshared_port, month, unshared_cookies),
                     "day page": (port, day, cookies),
                     "day, unshared": (unshared_port, day, unshared_cookies), "landing page": (port, "/", ""),
                     "static file": (port, static, "")}
            rates: dict[str, list[float]] = {name: [] for name in pages}
            for _round in range(args.rounds):
                for name, (server_port, path, cookie) in pages.items():
                    rates[name].append(wrk(server_port, path, cookie, args.seconds, args.connections))
        finally:
            for server in servers:
                stop_gunicorn(server)
    print(f"pages through gunicorn {workers}×{threads} on {cores} cores, wrk {args.connections} connections, "
          f"{args.rounds} rounds of {args.seconds} s each (median):")
    medians = {name: statistics.median(values) for name, values in rates.items()}
    for name, rate in medians.items():
        print(f"  {name:<15} {rate:8.0f} req/s   ({', '.join(f'{v:.0f}' for v in rates[name])})")
    for page in ("month", "day"):
        print(f"{page} page ÷ static file = {medians[page + ' page'] / medians['static file']:.2f}"
              f" (unshared: {medians[page + ', unshared'] / medians['static file']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
