"""Point-in-time recovery drill (SEC-2): book, note a moment T, change more, restore to T.

    make drill-pitr
    make drill-pitr DRILL_ARGS="--first 100 --later 100 --keep"

1. Make a cluster of its own from nothing (platform/postgres/cluster.sh, in var/drills/pitr):
   its first full base backup is taken at start, and every WAL segment is archived by pgBackRest
   from then on.
2. Migrate and seed a city with notices (as the release rush does); take an incremental backup,
   as a nightly backup would.
3. The first set: --first bookings through the booking service (the one path of every channel).
4. T: the primary's clock right after the last of them committed. Nothing waits around T.
5. Later changes: --later more bookings, and one booking of the first set cancelled.
6. platform/postgres/restore.sh --target T --into a fresh directory (its own check closes and
   archives the current WAL segment first): the latest backup before T plus the archived WAL up
   to T, opened on a spare port.
7. Compare the restored database with what was written: the first set exactly (notice, booking
   code, slot, active), none of the later bookings, the cancelled one still active, and every
   slot's booked count as it was at T.

Ends with one line of figures (restore accuracy, time taken); exits 1 unless the restore holds
exactly the state at T.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time

import psycopg
from drillkit import RESTORE_SCRIPT, Cluster, drill_dir, one_line, seed_city

CITY, DOMAIN = "pitr_city", "pitr.localhost"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, default=60, help="bookings before T, default 60")
    parser.add_argument("--later", type=int, default=60, help="bookings after T, default 60")
    parser.add_argument("--keep", action="store_true", help="leave the cluster and the restored instance running")
    return parser.parse_args(argv)


def book(city, notices: list[str]) -> dict[str, tuple[str, int]]:
    """Book each notice at a free slot inside the booking window; notice number → (code, slot id)."""
    from django_tenants.utils import tenant_context

    from booking.models import Notice, Slot
    from booking.selectors.eligibility import allowed_place_ids, booking_window
    from booking.services.audit import Actor
    from booking.services.reservations import reservation_book

    made = {}
    with tenant_context(city):
        earliest, latest = booking_window()
        slots = list(Slot.objects.filter(starts_at__gt=earliest, starts_at__lt=latest).order_by("starts_at")[:600])
        for number in notices:
            notice = Notice.objects.select_related("ward").get(number=number)
            places = allowed_place_ids(notice)
            for slot in random.sample(slots, len(slots)):
                slot.refresh_from_db()
                if slot.place_id in places and slot.booked < slot.capacity:
                    break
            reservation = reservation_book(notice=notice, slot=slot, actor=Actor.citizen(notice=notice)).reservation
            made[number] = (reservation.code, slot.pk)
    return made


def cancel(city, number: str) -> None:
    from django_tenants.utils import tenant_context

    from booking.models import Reservation
    from booking.services.audit import Actor
    from booking.services.reservations import reservation_cancel

    with tenant_context(city):
        reservation = Reservation.objects.select_related("notice").get(notice__number=number, status="active")
        reservation_cancel(reservation=reservation, actor=Actor.system("pitr drill"))


def database_now() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()::text")
        return cursor.fetchone()[0]


def restored_state(url: str, schema: str) -> tuple[dict, dict]:
    with psycopg.connect(url) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        reservations = {number: (code, slot, status) for number, code, slot, status in conn.execute(
            """SELECT n.number, r.code, r.slot_id, r.status FROM booking_reservation r
               JOIN booking_notice n ON n.id = r.notice_id""")}
        booked = dict(conn.execute("SELECT id, booked FROM booking_slot WHERE booked > 0").fetchall())
    return reservations, booked


def main(argv=None) -> int:
    args = parse_args(argv)
    folder = drill_dir("pitr")
    restored_dir = folder.parent / "pitr-restored"
    os.environ.update(CELERY_TASK_ALWAYS_EAGER="1", MADOGUCHI_OUTBOX_DIR=str(folder.parent / "pitr-outbox"))
    cluster = Cluster(folder)
    restored_url = None
    try:
        subprocess.run(["bash", str(RESTORE_SCRIPT), "--stop", str(restored_dir)], capture_output=True)
        shutil.rmtree(restored_dir, ignore_errors=True)
        print(f"point-in-time drill: making a cluster from nothing in {folder} ...", flush=True)
        made = cluster.start_fresh()
        print(f"cluster up in {made:.1f} s (first full backup taken)", flush=True)
        city, notices = seed_city(cluster.url(), CITY, DOMAIN, args.first + args.later)
        cluster.run("backup", "incr")
        numbers = [number for number, _day in notices]

        first = book(city, numbers[:args.first])
        at_t = database_now()
        later = book(city, numbers[args.first:])
        cancelled = numbers[0]
        cancel(city, cancelled)
        print(f"{len(first)} bookings, then T = {at_t}, then {len(later)} bookings and 1 cancellation", flush=True)

        began = time.monotonic()
        result = subprocess.run(["bash", str(RESTORE_SCRIPT), "--target", at_t, "--into", str(restored_dir)],
                                env=cluster.environment, check=True, stdout=subprocess.PIPE, text=True)
        taken = time.monotonic() - began
        restored_url = result.stdout.strip().splitlines()[-1]
        reservations, booked = restored_state(restored_url, city.schema_name)

        expected = {number: (code, slot, "active") for number, (code, slot) in first.items()}
        first_matching = sum(reservations.get(number) == state for number, state in expected.items())
        later_present = sum(number in reservations for number in later)
        extra = set(reservations) - set(expected)
        expected_booked: dict[int, int] = {}
        for _code, slot in first.values():
            expected_booked[slot] = expected_booked.get(slot, 0) + 1
        slots_right = booked == expected_booked
        with psycopg.connect(restored_url) as conn:
            last_commit = conn.execute("SELECT pg_last_xact_replay_timestamp()").fetchone()[0]
            target = conn.execute("SELECT %s::timestamptz", [at_t]).fetchone()[0]
        changes = len(expected) + len(later) + 1
        uncancelled = reservations.get(cancelled, ("", 0, "missing"))[2] == "active"
        right = first_matching + (len(later) - later_present) + uncancelled
        ok = first_matching == len(expected) and later_present == 0 and not extra and slots_right and uncancelled
        print(f"  restored: {len(reservations)} bookings; first set with the same codes and slots "
              f"{first_matching}/{len(expected)}; later bookings present {later_present}/{len(later)}; "
              f"the booking cancelled after T is active again: {uncancelled}; slot counts as at T: {slots_right}")
        print(one_line("drill-pitr", {
            "restored to T in": f"{taken:.1f} s",
            "accuracy": f"{100 * right / changes:.1f} % ({right}/{changes} changes as at T)",
            "first set": f"{first_matching}/{len(expected)} (codes matched)",
            "after T": f"{later_present}/{len(later)} present",
            "last commit replayed": f"{(target - last_commit).total_seconds() * 1000:.0f} ms before T",
            "result": "PASS" if ok else "FAIL",
        }), flush=True)
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept: cluster in {folder}; restored instance at {restored_url} (data in {restored_dir})")
        else:
            subprocess.run(["bash", str(RESTORE_SCRIPT), "--stop", str(restored_dir)], env=cluster.environment,
                           capture_output=True)
            cluster.destroy()
            shutil.rmtree(restored_dir, ignore_errors=True)
            shutil.rmtree(folder.parent / "pitr-outbox", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
