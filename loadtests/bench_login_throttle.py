"""Does an attacker's flood of failing logins slow down other visitors? (WEB-11, issue: no stalls)

    make bench-login          (or: python -m devtools.localdb exec -- python loadtests/bench_login_throttle.py)

Against gunicorn sized like `make run` (2 workers × 4 threads, local settings, DEBUG off), in the
bench database, the same run measures twice, in rounds that alternate:

* baseline: 100 plain `GET /` sent in parallel by one client, while another client fetches `GET /`
  one request after another;
* attack: 100 failing logins (wrong days for 100 notice numbers) sent in parallel from one address,
  while the other client does the same as above.

It prints the other client's worst and median latency in both, and the ratio of the worst. A
throttle that sleeps in request threads shows here as seconds; one that answers 429 at once keeps
the two close.
"""
from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402
from release_rush import free_port, start_gunicorn, stop_gunicorn  # noqa: E402

CITY, DOMAIN = "throttle_city", "throttle.localhost"


def prepare() -> None:
    from django_tenants.utils import tenant_context

    from booking.models import ClientLoginGuard, LoginFailureMinute, LoginLockEvent, NoticeLoginGuard
    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from tenants.models import Municipality

    city = Municipality.objects.filter(schema_name=CITY).first()
    if city is None:
        city = onboard_municipality(
            slug=CITY, name="試験市", domains=[DOMAIN], wards=[WardSpec("kita", "北区")],
            admin_username=f"{CITY}-admin", admin_email="admin@throttle.example.org").municipality
    with tenant_context(city):
        for model in (NoticeLoginGuard, ClientLoginGuard, LoginFailureMinute, LoginLockEvent):
            model.objects.all().delete()


def request(port: int, method: str, path: str, body: str | None = None, headers: dict | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers={"Host": DOMAIN, **(headers or {})})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def csrf(port: int) -> tuple[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Host": DOMAIN})
    response = conn.getresponse()
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def burst(port: int, kind: str, count: int, cookie: str, token: str, round_no: int) -> list[int]:
    statuses: list[int] = []
    barrier = threading.Barrier(count)
    lock = threading.Lock()

    def one(index: int) -> None:
        barrier.wait()
        if kind == "attack":
            body = urlencode({"csrfmiddlewaretoken": token, "notice_number": f"ATK{round_no:02d}{index:04d}",
                              "birth_day": str(index % 31 + 1)})
            status = request(port, "POST", "/login/", body, {
                "Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
        else:
            status = request(port, "GET", "/")
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def measure(port: int, kind: str, count: int, cookie: str, token: str, round_no: int) -> tuple[list[float], list]:
    """The other client's latencies while one burst of `kind` runs."""
    latencies: list[float] = []
    done = threading.Event()
    result: list = []

    def load() -> None:
        result.extend(burst(port, kind, count, cookie, token, round_no))
        done.set()

    loader = threading.Thread(target=load)
    loader.start()
    while not done.is_set():
        started = time.perf_counter()
        request(port, "GET", "/")
        latencies.append(time.perf_counter() - started)
    loader.join()
    return latencies, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    bench_url = use_bench_database()
    prepare()
    from django.db import connection

    connection.close()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-login-") as folder:
        server = start_gunicorn(argparse.Namespace(workers=args.workers, threads=args.threads, domain=DOMAIN),
                                port, Path(folder), bench_url, throttle=True)
        try:
            cookie, token = csrf(port)
            figures: dict[str, list[float]] = {"plain": [], "attack": []}
            codes: dict[str, dict[int, int]] = {"plain": {}, "attack": {}}
            for round_no in range(args.rounds):
                for kind in ("plain", "attack"):
                    latencies, statuses = measure(port, kind, args.parallel, cookie, token, round_no)
                    figures[kind].extend(latencies)
                    for status in statuses:
                        codes[kind][status] = codes[kind].get(status, 0) + 1
        finally:
            stop_gunicorn(server)
    plain, attack = figures["plain"], figures["attack"]

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]

    print(f"parallel burst: {args.parallel} requests × {args.rounds} rounds; gunicorn {args.workers}×{args.threads}")
    for label, values, kind in ((f"{args.parallel} plain GET /", plain, "plain"),
                                (f"{args.parallel} failing logins", attack, "attack")):
        print(f"  under {label:<20} other client's GET / worst {max(values) * 1000:.0f} ms, "
              f"p95 {p95(values) * 1000:.0f} ms, median {statistics.median(values) * 1000:.0f} ms "
              f"({len(values)} requests); burst answers {codes[kind]}")
    print(f"worst-case ratio attack ÷ plain: {max(attack) / max(plain):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
