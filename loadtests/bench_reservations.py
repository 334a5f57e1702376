"""Reservations per second through `reservation_book`, beside the same SQL transaction run directly.

    make bench-reservations   (or: python -m devtools.localdb exec -- python loadtests/bench_reservations.py)

Both phases run in the same run, against the same PostgreSQL, with the same number of concurrent
clients (processes, each with its own connection), booking the same notices into the same slots:

* service: `booking.services.reservations.reservation_book` (checks, notice lock, conditional
  seat UPDATE, reservation INSERT, notice transition, two audit rows), through Django's ORM;
* raw SQL: the same statements as one transaction through psycopg, no Python checks.

The ratio shows what the domain layer costs on top of the database's own work.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import undo_bookings, use_bench_database  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
NOTICES = int(os.environ.get("BENCH_NOTICES", "3000"))
SLOTS = 30
SCHEMA = "bench_city"

RAW_TRANSACTION = [
    ("SELECT id, status FROM booking_notice WHERE id = %(notice)s FOR UPDATE", False),
    ("UPDATE booking_slot SET booked = booked + 1 WHERE id = %(slot)s AND booked < capacity", True),
    ("INSERT INTO booking_reservation (notice_id, slot_id, channel, status, code, email, language, created_at,"
     " updated_at) VALUES (%(notice)s, %(slot)s, 'web', 'active', %(code)s, '', 'ja', now(), now()) RETURNING id",
     False),
    ("UPDATE booking_notice SET status = 'booked', status_changed_at = now() WHERE id = %(notice)s", False),
    ("INSERT INTO booking_auditentry (created_at, actor_kind, actor_label, channel, action, notice_id, changes)"
     " VALUES (now(), 'citizen', '', 'web', 'notice.status', %(notice)s, '{}')", False),
    ("INSERT INTO booking_auditentry (created_at, actor_kind, actor_label, channel, action, notice_id, changes)"
     " VALUES (now(), 'citizen', '', 'web', 'reservation.create', %(notice)s, '{}')", False),
]


def prepare():
    from django.db import connection
    from django_tenants.utils import tenant_context

    from booking.clock import at
    from booking.models import Notice, Place, Slot, Ward
    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from tenants.models import Municipality

    city = Municipality.objects.filter(schema_name=SCHEMA).first()
    if city is None:
        city = onboard_municipality(slug=SCHEMA, name="計測市", domains=["bench-city.localhost"],
                                    wards=[WardSpec("chuo", "中央区")], admin_username="bench-city-admin",
                                    admin_email="admin@bench.example.org").municipality
    with tenant_context(city):
        place, ward = Place.objects.get(code="chuo"), Ward.objects.get(code="chuo")
        day = dt.date.today() + dt.timedelta(days=10)
        slots = []
        for n in range(SLOTS):
            starts_at = at(day, dt.time(8, 0)) + dt.timedelta(minutes=10 * n)
            slot, _ = Slot.objects.update_or_create(
                place=place, starts_at=starts_at,
                defaults={"ends_at": starts_at + dt.timedelta(minutes=10), "capacity": NOTICES, "booked": 0})
            slots.append(slot.pk)
        existing = Notice.objects.filter(number__startswith="BEN").count()
        Notice.objects.bulk_create([
            Notice(number=f"BEN{n:06d}", birth_day=1, ward=ward, default_place=place)
            for n in range(existing, NOTICES)
        ])
        notices = list(Notice.objects.filter(number__startswith="BEN").order_by("pk").values_list("pk", flat=True))
    connection.close()
    return city, notices[:NOTICES], slots


def reset(city) -> None:
    from django.db import connection
    from django_tenants.utils import tenant_context

    with tenant_context(city):
        undo_bookings()
    connection.close()


def _service_client(args):
    schema, jobs, barrier = args
    from django.db import connection

    from booking.models import Notice, Slot
    from booking.services.audit import Actor
    from booking.services.reservations import reservation_book
    from tenants.models import Municipality

    city = Municipality.objects.get(schema_name=schema)
    connection.set_tenant(city)
    actor = Actor.citizen()
    notices = {n.pk: n for n in Notice.objects.filter(pk__in=[j[0] for j in jobs])}
    slots = {s.pk: s for s in Slot.objects.filter(pk__in={j[1] for j in jobs})}
    latencies = []
    barrier.wait()
    for notice_id, slot_id in jobs:
        started = time.perf_counter()
        reservation_book(notice=notices[notice_id], slot=slots[slot_id], actor=actor)
        latencies.append(time.perf_counter() - started)
    connection.close()
    return latencies


def _sql_client(args):
    schema, jobs, barrier = args
    import psycopg

    from booking.services.seats import new_booking_code

    url = os.environ["DATABASE_URL"]
    latencies = []
    with psycopg.connect(url) as conn:
        conn.execute(f"SET search_path TO {schema}, public")
        conn.commit()
        barrier.wait()
        for notice_id, slot_id in jobs:
            started = time.perf_counter()
            with conn.transaction():
                params = {"notice": notice_id, "slot": slot_id, "code": new_booking_code()}
                for statement, must_change in RAW_TRANSACTION:
                    cursor = conn.execute(statement, params)
                    if must_change and cursor.rowcount != 1:
                        raise RuntimeError("slot full")
            latencies.append(time.perf_counter() - started)
    return latencies


def run_phase(client, city, notices, slots) -> tuple[float, list[float]]:
    jobs = [(notice, slots[index % len(slots)]) for index, notice in enumerate(notices)]
    chunks = [jobs[n::CLIENTS] for n in range(CLIENTS)]
    context = mp.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(CLIENTS + 1)
        with context.Pool(CLIENTS) as pool:
            pending = pool.map_async(client, [(city.schema_name, chunk, barrier) for chunk in chunks])
            barrier.wait()
            started = time.perf_counter()
            results = pending.get()
            elapsed = time.perf_counter() - started
    return len(jobs) / elapsed, [latency for chunk in results for latency in chunk]


def check(city, expected: int) -> None:
    from django.db import connection
    from django.db.models import F
    from django_tenants.utils import tenant_context

    from booking.models import Reservation, Slot

    with tenant_context(city):
        booked = sum(Slot.objects.filter(booked__gt=0).values_list("booked", flat=True))
        active = Reservation.objects.filter(status="active").count()
        oversold = Slot.objects.filter(booked__gt=F("capacity")).count()
    connection.close()
    assert booked == active == expected, (booked, active, expected)
    assert oversold == 0


def main() -> None:
    use_bench_database()
    city, notices, slots = prepare()
    print(f"reservations through one slot set: {len(notices)} notices into {len(slots)} slots, "
          f"{CLIENTS} concurrent clients (processes), {os.cpu_count()} CPU cores", flush=True)
    results = {}
    for label, client in (("raw SQL", _sql_client), ("service", _service_client)):
        reset(city)
        rate, latencies = run_phase(client, city, notices, slots)
        check(city, len(notices))
        results[label] = rate
        quantiles = statistics.quantiles(latencies, n=100)
        print(f"  {label:<8} {rate:8.0f} reservations/s   latency p50 {quantiles[49] * 1000:6.1f} ms   "
              f"p95 {quantiles[94] * 1000:6.1f} ms   p99 {quantiles[98] * 1000:6.1f} ms", flush=True)
    reset(city)
    print(f"  service / raw SQL = {results['service'] / results['raw SQL']:.2f}")


if __name__ == "__main__":
    main()
