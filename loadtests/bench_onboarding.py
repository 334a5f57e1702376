"""Onboarding time: cloning the template schema vs. running every migration, in the same run.

    make bench-onboarding        (or: python -m devtools.localdb exec -- python loadtests/bench_onboarding.py)

Prints the median and spread of each strategy over ROUNDS alternating rounds and their ratio.
Works in its own database (madoguchi_bench) and removes the cities it creates.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def main() -> None:
    use_bench_database()
    from django.db import connection

    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from tenants.models import Municipality, User

    wards = [WardSpec(code, name) for code, name in
             [("chuo", "中央区"), ("hanamigawa", "花見川区"), ("inage", "稲毛区"),
              ("wakaba", "若葉区"), ("midori", "緑区"), ("mihama", "美浜区")]]

    def onboard(slug: str, by_migrations: bool) -> tuple[float, float]:
        started = time.perf_counter()
        domain = f"{slug.replace('_', '-')}.bench.localhost"
        result = onboard_municipality(slug=slug, name="計測市", domains=[domain], wards=wards,
                             admin_username=f"{slug}-admin", admin_email=f"{slug}@bench.example.org",
                             build_by_migrations=by_migrations)
        return time.perf_counter() - started, result.schema_seconds

    def remove(slug: str) -> None:
        city = Municipality.objects.get(schema_name=slug)
        User.objects.filter(username=f"{slug}-admin").delete()
        city.delete(force_drop=True)

    timings = {"clone": [], "migrations": []}
    schema = {"clone": [], "migrations": []}
    onboard("bench_warmup", False)
    remove("bench_warmup")
    for round_number in range(ROUNDS):
        order = [("clone", False), ("migrations", True)]
        if round_number % 2:
            order.reverse()
        for label, by_migrations in order:
            slug = f"bench_{label[:5]}_{round_number}"
            total, schema_only = onboard(slug, by_migrations)
            timings[label].append(total)
            schema[label].append(schema_only)
            remove(slug)
    connection.close()

    print(f"onboarding one municipality (6 wards, first admin), {ROUNDS} rounds each, same run:")
    for title, series in (("whole onboarding", timings), ("schema creation alone", schema)):
        print(f" {title}:")
        for label, values in series.items():
            print(f"  {label:<11} median {statistics.median(values):.3f} s   "
                  f"min {min(values):.3f} s   max {max(values):.3f} s")
        ratio = statistics.median(series["migrations"]) / statistics.median(series["clone"])
        print(f"  by migrations / by cloning = {ratio:.1f}x")


if __name__ == "__main__":
    main()
