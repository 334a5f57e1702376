"""How much memory a PostgreSQL backend holds after serving many cities (1,741 schemas).

    make bench-connections   (or: python -m devtools.localdb exec -- python loadtests/bench_connections.py)

In the bench database, makes (once) N schemas cloned without data from the migrated
`tenant_template` (the tables every city has), then touches every schema from one connection the
way a request does (SET search_path, a notice lookup, a month of slots, a booking's tables) and
prints the backend's memory (pg_backend_memory_contexts) as it goes; then the same with the
connection closed after MADOGUCHI_CONNECTION_MAX_SCHEMAS schemas, as the web processes do
(tenants.middleware.SchemaBoundedConnectionMiddleware). Both in the same run.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402

PREFIX = "conn_city_"
TOUCH = [
    "SELECT id, status FROM booking_notice WHERE number = 'AB1234567'",
    "SELECT starts_at, capacity, booked FROM booking_slot WHERE place_id = 1 AND starts_at >= now() "
    "ORDER BY starts_at LIMIT 50",
    "SELECT r.id FROM booking_reservation r JOIN booking_slot s ON s.id = r.slot_id "
    "JOIN booking_place p ON p.id = s.place_id WHERE r.status = 'active' LIMIT 1",
    "SELECT count(*) FROM booking_auditentry WHERE notice_id = 1",
    "SELECT failures FROM booking_noticeloginguard WHERE number = 'AB1234567'",
]
MEMORY = "SELECT sum(total_bytes) FROM pg_backend_memory_contexts"


LIKE_TEMPLATE = """
DO $$
DECLARE t record;
BEGIN
  EXECUTE format('CREATE SCHEMA %%I', %(name)s);
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'tenant_template' LOOP
    EXECUTE format('CREATE TABLE %%I.%%I (LIKE tenant_template.%%I INCLUDING ALL)', %(name)s, t.tablename, t.tablename);
  END LOOP;
END $$;
"""


def make_schemas(count: int) -> list[str]:
    """N copies of the migrated template's tables (no rows), made once and kept in the bench database.

    Each copy is `CREATE TABLE … (LIKE tenant_template.… INCLUDING ALL)` for every table: the same
    tables, columns, indexes and constraints a city has (what fills a backend's catalogue caches),
    made in one statement per schema; django-tenants' clone_schema() copies functions, triggers and
    grants too and takes about 30 s a schema on two loaded cores.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [PREFIX + "%"])
        have = {row[0] for row in cursor.fetchall()}
    wanted = [f"{PREFIX}{n:04d}" for n in range(count)]
    missing = [name for name in wanted if name not in have]
    started = time.perf_counter()
    for index, name in enumerate(missing, start=1):
        with connection.cursor() as cursor:
            cursor.execute(LIKE_TEMPLATE.replace("%(name)s", "'" + name + "'").replace("%%", "%"))
        if index % 250 == 0:
            print(f"  {index}/{len(missing)} schemas made ({time.perf_counter() - started:.0f} s)", flush=True)
    if missing:
        print(f"made {len(missing)} schemas in {time.perf_counter() - started:.0f} s", flush=True)
    connection.close()
    return wanted


def touch_all(url: str, schemas: list[str], close_after: int | None) -> tuple[list[tuple[int, float]], float, int]:
    """Touch every schema; (schemas touched, MiB) at checkpoints, the highest MiB seen, connections used."""
    import psycopg

    checkpoints, highest, used = [], 0.0, 0
    conn = None
    served = 0
    for index, schema in enumerate(schemas, start=1):
        if conn is None:
            conn, served, used = psycopg.connect(url, autocommit=True), 0, used + 1
        conn.execute(f'SET search_path TO "{schema}", public')
        for statement in TOUCH:
            conn.execute(statement).fetchall()
        served += 1
        if index in (1, 10, 100, 250, 500, 1000, len(schemas)) or (close_after and served == close_after):
            mib = conn.execute(MEMORY).fetchone()[0] / 2**20
            highest = max(highest, mib)
            if index in (1, 10, 100, 250, 500, 1000, len(schemas)):
                checkpoints.append((index, mib))
        if close_after and served >= close_after:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()
    return checkpoints, highest, used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", type=int, default=1741)
    parser.add_argument("--close-after", type=int,
                        default=int(os.environ.get("MADOGUCHI_CONNECTION_MAX_SCHEMAS", "100")))
    args = parser.parse_args()
    url = use_bench_database()
    schemas = make_schemas(args.cities)
    print(f"{args.cities} city schemas; each touched with {len(TOUCH)} statements as a request would", flush=True)
    long_lived, highest_long, _ = touch_all(url, schemas, None)
    for touched, mib in long_lived:
        print(f"  one connection for every city: after {touched:>5} schemas the backend holds {mib:7.1f} MiB")
    _, highest_bounded, used = touch_all(url, schemas, args.close_after)
    print(f"  connection closed after {args.close_after} cities: at most {highest_bounded:.1f} MiB per backend "
          f"({used} connections over the run)")
    print(f"backend memory at {args.cities} cities: {highest_long:.1f} MiB unbounded vs {highest_bounded:.1f} MiB "
          f"bounded ({highest_long / highest_bounded:.1f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
