"""Bookings CSV export (DATA-1): rows per second and peak memory of the streamed export, beside COPY TO.

    make bench-export   (or: python -m devtools.localdb exec -- python loadtests/bench_export.py)

One run, one throwaway city (schema `bench_export` in a bench database next to DATABASE_URL's):

* setup: BENCH_BOOKINGS (100,000) bookings written by SQL (`INSERT … SELECT generate_series`):
  10 per slot over two places, every eighth name with 𠮷 (outside CP932), one in twenty cancelled;
* view: GET /staff/lists/bookings.csv through the whole Django stack (middleware, guard, form,
  access log) as a staff user of the city, the streamed body read chunk by chunk and thrown away —
  once UTF-8 with BOM, once CP932 (𠮷 → 〓, counted);
* COPY: PostgreSQL's `COPY (SELECT … the same rows, joins and order …) TO STDOUT (FORMAT csv)`
  read the same way: the floor of what reading the rows costs the database and the driver.

Peak RSS is the process's high-water mark (getrusage ru_maxrss) after the setup and after each
export: a streamed export that kept rows would raise it by the size of the file.
"""
from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402

BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "100000"))
PER_SLOT = 10
SCHEMA = "bench_export"
HOST = "bench-export.localhost"
FIRST_DAY = dt.date(2030, 1, 7)
SLOTS_PER_DAY = 18  # 09:00–18:00, 30 minutes


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def prepare():
    from django.db import connection
    from django_tenants.utils import tenant_context

    from booking.models import Place
    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from tenants.models import Membership, Municipality, Role, User

    city = Municipality.objects.filter(schema_name=SCHEMA).first()
    if city is None:
        city = onboard_municipality(slug=SCHEMA, name="計測出力市", domains=[HOST],
                                    wards=[WardSpec("chuo", "中央区"), WardSpec("minami", "南区")],
                                    admin_username="bench-export-admin",
                                    admin_email="admin@bench-export.example.org").municipality
    from tenants.services.networks import LOOPBACK_RANGES

    if list(city.lgwan_networks or []) != list(LOOPBACK_RANGES):  # the clerk's terminal: this machine
        Municipality.objects.filter(pk=city.pk).update(lgwan_networks=list(LOOPBACK_RANGES))
    user, _created = User.objects.get_or_create(username="bench-export-clerk")
    Membership.objects.get_or_create(user=user, municipality=city, defaults={"role": Role.STAFF})
    slots = -(-BOOKINGS // PER_SLOT)
    with tenant_context(city):
        places = list(Place.objects.order_by("sort_order", "code").values_list("pk", flat=True)[:2])
        wards = dict(city_wards())
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE booking_reservation, booking_card, booking_notice, booking_slot, "
                           "lgwan_access_staffaccessentry CASCADE")
            cursor.execute("""
                INSERT INTO booking_slot (place_id, starts_at, ends_at, capacity, booked)
                SELECT CASE WHEN i %% 2 = 0 THEN %(p1)s ELSE %(p2)s END, ts, ts + interval '30 minutes',
                       %(cap)s, %(cap)s
                FROM (SELECT i, ((%(first)s::date + (i / 2 / %(per_day)s) * interval '1 day' + time '09:00'
                                  + (i / 2 %% %(per_day)s) * interval '30 minutes') AT TIME ZONE %(tz)s) AS ts
                      FROM generate_series(0, %(slots)s - 1) AS i) AS s
            """, {"p1": places[0], "p2": places[-1], "cap": PER_SLOT, "first": FIRST_DAY,
                                     "per_day": SLOTS_PER_DAY, "tz": city.time_zone or "Asia/Tokyo", "slots": slots})
            cursor.execute("""
                INSERT INTO booking_notice (number, birth_day, ward_id, default_place_id, mailed_on, expires_on,
                                            status, status_changed_at, created_at)
                SELECT 'BEX' || lpad(i::text, 7, '0'), 1 + i %% 28,
                       CASE WHEN i %% 2 = 0 THEN %(w1)s ELSE %(w2)s END,
                       CASE WHEN i %% 2 = 0 THEN %(p1)s ELSE %(p2)s END,
                       %(first)s::date - 30, %(first)s::date + 365, 'booked', now(), now()
                FROM generate_series(0, %(n)s - 1) AS i
            """, {"w1": wards["chuo"], "w2": wards["minami"], "p1": places[0], "p2": places[-1], "first": FIRST_DAY,
                  "n": BOOKINGS})
            cursor.execute("""
                INSERT INTO booking_card (notice_id, serial, dispatch_number, name_kanji, name_kana, batch, status,
                                          status_changed_at, closing_reason, flag, flag_note, created_at)
                SELECT id, 'SN' || substr(number, 4), '',
                       (ARRAY['山田','髙橋','佐藤','鈴木','渡邊','齋藤','𠮷田','小林'])[1 + k % 8] || '　'
                         || (ARRAY['太郎','花子','一郎','美咲','翔太','陽菜'])[1 + k % 6],
                       (ARRAY['ヤマダ','タカハシ','サトウ','スズキ','ワタナベ','サイトウ','ヨシダ',
                              'コバヤシ'])[1 + k % 8] || ' タロウ', 'B-1', 'received', now(), '', '', '', now()
                FROM (SELECT id, number, substr(number, 4)::int AS k FROM booking_notice) AS n
            """)
            cursor.execute("""
                WITH n AS (SELECT id, substr(number, 4)::int AS k FROM booking_notice),
                     s AS (SELECT id, row_number() OVER (ORDER BY starts_at, place_id) - 1 AS k FROM booking_slot)
                INSERT INTO booking_reservation (notice_id, slot_id, channel, status, code, email, language,
                                                 created_at, updated_at)
                SELECT n.id, s.id, (ARRAY['web','phone','ivr','staff'])[1 + n.k %% 4],
                       CASE WHEN n.k %% 20 = 7 THEN 'cancelled' ELSE 'active' END,
                       'BX' || lpad(n.k::text, 8, '0'), '', 'ja', now(), now()
                FROM n JOIN s ON s.k = n.k / %(per)s
            """, {"per": PER_SLOT})
            cursor.execute("ANALYZE booking_slot; ANALYZE booking_notice; ANALYZE booking_card; "
                           "ANALYZE booking_reservation")
            cursor.execute("SELECT count(*) FROM booking_reservation")
            count = cursor.fetchone()[0]
        setup_seconds = time.perf_counter() - started
    connection.close()
    assert count == BOOKINGS, count
    last_day = FIRST_DAY + dt.timedelta(days=(slots // 2) // SLOTS_PER_DAY + 1)
    return city, user, setup_seconds, last_day


def city_wards():
    from booking.models import Ward

    return Ward.objects.values_list("code", "pk")


def view_phase(user, last_day: dt.date, encoding: str, expected: int | None = BOOKINGS
               ) -> tuple[float, int, int, dict]:
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import tenant_context

    from lgwan_access.models import StaffAccessEntry
    from tenants.models import Municipality

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)  # and past the second factor, as after the clerk's TOTP code
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="bench", confirmed=True))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    started = time.perf_counter()
    response = client.get("/staff/lists/bookings.csv", {"date_from": FIRST_DAY.isoformat(),
                                                        "date_to": last_day.isoformat(), "encoding": encoding})
    assert response.status_code == 200 and response.streaming, response.status_code
    size = chunks = 0
    first = b""
    for chunk in response.streaming_content:
        if not first:
            first = chunk[:3]
        size += len(chunk)
        chunks += 1
    response.close()
    elapsed = time.perf_counter() - started
    assert (first == b"\xef\xbb\xbf") == (encoding == "utf-8"), first
    with tenant_context(Municipality.objects.get(schema_name=SCHEMA)):
        details = StaffAccessEntry.objects.filter(action="export").order_by("-pk").values_list(
            "details", flat=True).first()
    connection.close()
    assert expected is None or details["rows"] == expected, details
    return elapsed, size, chunks, details


def copy_phase(city, last_day: dt.date) -> tuple[float, int]:
    import psycopg

    tz = city.time_zone or "Asia/Tokyo"
    query = f"""
        COPY (SELECT to_char(s.starts_at AT TIME ZONE '{tz}', 'YYYY-MM-DD'), to_char(s.starts_at AT TIME ZONE '{tz}',
                     'HH24:MI'), to_char(s.ends_at AT TIME ZONE '{tz}', 'HH24:MI'), p.name, w.name, r.code, n.number,
                     c.name_kanji, c.name_kana, r.status, r.channel,
                     to_char(r.created_at AT TIME ZONE '{tz}', 'YYYY-MM-DD HH24:MI')
              FROM booking_reservation r JOIN booking_slot s ON s.id = r.slot_id
              JOIN booking_place p ON p.id = s.place_id JOIN booking_notice n ON n.id = r.notice_id
              LEFT JOIN booking_ward w ON w.id = n.ward_id LEFT JOIN booking_card c ON c.notice_id = n.id
              WHERE s.starts_at >= '{FIRST_DAY.isoformat()}'::date AT TIME ZONE '{tz}'
                AND s.starts_at < '{(last_day + dt.timedelta(days=1)).isoformat()}'::date AT TIME ZONE '{tz}'
              ORDER BY s.starts_at, p.sort_order, r.code)
        TO STDOUT WITH (FORMAT csv, HEADER true)"""
    size = 0
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute(f"SET search_path TO {city.schema_name}, public")
        started = time.perf_counter()
        with conn.cursor().copy(query) as copy:
            for block in copy:
                size += len(block)
        elapsed = time.perf_counter() - started
    return elapsed, size


def main() -> None:
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collected static files
    use_bench_database("madoguchi_bench_export")
    city, user, setup_seconds, last_day = prepare()
    print(f"bookings CSV export: {BOOKINGS:,} bookings ({BOOKINGS // PER_SLOT:,} slots at 2 places, "
          f"{FIRST_DAY} – {last_day}), {os.cpu_count()} CPU cores", flush=True)
    print(f"  setup (SQL)        {setup_seconds:6.2f} s; peak RSS after setup {peak_rss_mb():7.1f} MB", flush=True)
    copy_seconds, copy_size = copy_phase(city, last_day)
    copy_rate = BOOKINGS / copy_seconds
    print(f"  COPY TO STDOUT     {copy_rate:10,.0f} rows/s   {copy_seconds:6.2f} s   "
          f"{copy_size / 1e6:6.1f} MB   peak RSS {peak_rss_mb():7.1f} MB", flush=True)
    view_phase(user, FIRST_DAY, "utf-8", expected=None)  # warm-up: imports, templates, URL resolver
    for encoding, label in (("utf-8", "view UTF-8 BOM"), ("cp932", "view CP932    ")):
        before = peak_rss_mb()
        seconds, size, chunks, details = view_phase(user, last_day, encoding)
        rate = BOOKINGS / seconds
        print(f"  {label}     {rate:10,.0f} rows/s   {seconds:6.2f} s   {size / 1e6:6.1f} MB in {chunks:,} chunks   "
              f"peak RSS {peak_rss_mb():7.1f} MB (+{peak_rss_mb() - before:.1f} MB)   "
              f"view/COPY = {rate / copy_rate:.2f}"
              + (f"   replaced by 〓: {details['replaced']:,} ({', '.join(details['replaced_characters'])})"
                 if encoding == "cp932" else ""), flush=True)
    print(f"  peak RSS of the process: {peak_rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
