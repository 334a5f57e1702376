"""The platform console's cities page with 1,741 municipalities: time to render and queries per page.

    make bench-cities      (or: python -m devtools.localdb exec -- python loadtests/bench_cities.py)

Japan has 1,741 municipalities. BENCH_CLONED of them (default 20) are onboarded for real, each a
clone of the template schema, and their summaries computed from their schemas (timed, so the cost
of the scheduled refresh for every city can be read off). The rest are Municipality rows with a
domain and a summary row written in bulk, without a schema: the cities page reads the public
schema only (municipalities joined to their summaries), so what it costs does not depend on the
schemas behind the rows — and 1,741 full schemas (~100 tables each) would take a two-core machine
a long time and fill the catalogue. Set BENCH_CLONED=1741 to clone them all.

Works in its own database (madoguchi_bench_cities), kept between runs (BENCH_FRESH=1 starts over).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402

CITIES = int(os.environ.get("BENCH_CITIES", "1741"))
CLONED = min(int(os.environ.get("BENCH_CLONED", "20")), CITIES)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def main() -> None:
    use_bench_database("madoguchi_bench_cities", fresh=os.environ.get("BENCH_FRESH") == "1")
    import random

    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from platform_console.models import CitySummary
    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from platform_console.services.summaries import city_summary_refresh
    from tenants.models import Domain, Municipality, User

    existing = set(Municipality.objects.filter(schema_name__startswith="city").values_list("schema_name", flat=True))
    clone_times, refresh_times = [], []
    for number in range(CLONED):
        slug = f"city{number:04d}"
        if slug in existing:
            continue
        started = time.perf_counter()
        result = onboard_municipality(
            slug=slug, name=f"計測市{number:04d}", domains=[f"{slug}.bench.localhost"],
            wards=[WardSpec("chuo", "中央区"), WardSpec("kita", "北区")],
            admin_username=f"{slug}-admin", admin_email=f"{slug}@bench.example.org")
        clone_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        city_summary_refresh(municipality=result.municipality)
        refresh_times.append(time.perf_counter() - started)
    connection.set_schema_to_public()
    _remove_rows_without_schema()  # a run that stopped half-way
    rows = [n for n in range(CLONED, CITIES) if not _has_schema(f"city{n:04d}")]
    if rows:
        started = time.perf_counter()
        cities = Municipality.objects.bulk_create([
            Municipality(schema_name=f"city{n:04d}", name=f"計測市{n:04d}", enabled_languages=["ja"]) for n in rows])
        Domain.objects.bulk_create([Domain(domain=f"city{n:04d}.bench.localhost", tenant=city, is_primary=True)
                                    for n, city in zip(rows, cities, strict=True)])
        generator = random.Random(1741)
        CitySummary.objects.bulk_create([CitySummary(
            municipality=city, bookings_today=generator.randint(0, 400), calls_today=generator.randint(0, 300),
            answer_rate=generator.uniform(0.7, 1.0), errors_last_hour=generator.randint(0, 3),
            open_incidents=generator.randint(0, 1), checklist_done=5, checklist_total=5) for city in cities])
        print(f"created {len(rows)} municipality + domain + summary rows in bulk in "
              f"{time.perf_counter() - started:.1f} s")
    if clone_times:
        print(f"onboarded {len(clone_times)} cities by cloning the template: median "
              f"{statistics.median(clone_times):.2f} s each")
        print(f"summary refresh from a city's schema: median {statistics.median(refresh_times) * 1000:.0f} ms "
              f"per city → {statistics.median(refresh_times) * CITIES:.0f} s of work for {CITIES} cities "
              f"(spread over the workers every five minutes)")
    total = Municipality.objects.cities().count()
    schemas = Municipality.objects.cities().filter(schema_name__startswith="city").count()
    print(f"{total} municipalities in the database ({CLONED} with a cloned schema, {schemas - CLONED} rows only)")

    admin, _ = User.objects.get_or_create(username="bench-platform-admin", defaults={"is_platform_admin": True})
    # static URLs without the manifest `make install` builds with collectstatic (the page is what is timed)
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    pages = {
        "first page (by name)": "/platform/",
        "page 18 of 35": "/platform/?page=18",
        "sorted by bookings, descending": "/platform/?sort=-bookings",
        "sorted by answer rate, page 30": "/platform/?sort=answer_rate&page=30",
        "search 計測市17": "/platform/?q=%E8%A8%88%E6%B8%AC%E5%B8%8217",
    }
    client.get("/platform/")  # warm up: session, host lookup, templates
    print(f"cities page, {ROUNDS} renders each (Django test client, whole request; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    for label, url in pages.items():
        times, counts, sql = [], set(), []
        for _round in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            counts.add(len(queries))
            sql.append(sum(float(query["time"]) for query in queries.captured_queries))
        print(f"  {label:<34} median {statistics.median(times) * 1000:6.1f} ms   max {max(times) * 1000:6.1f} ms   "
              f"SQL {statistics.median(sql) * 1000:5.1f} ms   queries {sorted(counts)}   "
              f"{len(response.content) // 1024} KB")
    _remove_rows_without_schema()  # `migrate_schemas` (setup_platform) would trip over them next time
    connection.close()


def _has_schema(name: str) -> bool:
    from django_tenants.utils import schema_exists

    return schema_exists(name)


def _remove_rows_without_schema() -> None:
    from django.db import connection

    from tenants.models import Municipality

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        schemas = {row[0] for row in cursor.fetchall()}
    orphans = [name for name in Municipality.objects.cities().values_list("schema_name", flat=True)
               if name not in schemas]
    Municipality.objects.filter(schema_name__in=orphans).delete()


if __name__ == "__main__":
    main()
