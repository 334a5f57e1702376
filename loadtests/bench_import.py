"""Card data import: records per second through the import service, beside PostgreSQL COPY of the same rows.

    make bench-import   (or: python -m devtools.localdb exec -- python loadtests/bench_import.py)

One run, one database (a bench database next to DATABASE_URL's), one file of BENCH_CARDS (100,000)
card records in the documented layout:

* service: `booking.services.card_import.card_import_start` on the whole file: decode, check every
  line against the city's data, create the notices, boxes and cards in one transaction, one audit
  row per notice, the import's record; then the same file again (every card unchanged: the upsert);
* COPY: PostgreSQL's `COPY … FROM STDIN (FORMAT csv)` of the same bytes into a plain table with
  the same columns, no checks, no indexes: the floor of what the database itself costs.

The ratio service / COPY says what checking, linking and auditing each record costs on top.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402

CARDS = int(os.environ.get("BENCH_CARDS", "100000"))
SCHEMA = "bench_cards"
SURNAMES = ["山田", "髙橋", "佐藤", "鈴木", "渡邊", "齋藤", "𠮷田", "小林"]
GIVEN = ["太郎", "花子", "一郎", "美咲", "翔太", "陽菜"]
KANA = ["ヤマダ", "タカハシ", "サトウ", "スズキ", "ワタナベ", "サイトウ", "ヨシダ", "コバヤシ"]
COLUMNS = ["notice_number", "dispatch_number", "card_serial", "name_kanji", "name_kana", "birth_date", "ward",
           "card_expires_on", "certificate_expires_on", "received_on", "batch", "box", "shelf", "position",
           "mailed_on", "pickup_deadline"]


def card_file(count: int) -> bytes:
    lines = [",".join(COLUMNS)]
    for n in range(count):
        s = n % len(SURNAMES)
        lines.append(",".join([
            f"BCH{n:06d}", f"D{n:07d}", f"SN{n:010d}", f"{SURNAMES[s]}　{GIVEN[n % len(GIVEN)]}", f"{KANA[s]} タロウ",
            f"{1950 + n % 60}-{1 + n % 12:02d}-{1 + n % 28:02d}", "chuo" if n % 2 else "minami",
            "2036-03-31", "2031-03-31", "2026-11-01", f"B-{n // 5000:03d}", f"K-{n // 100:05d}", f"S{n // 2000}",
            str(n % 100 + 1), "2026-11-20", "2027-02-20",
        ]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def prepare():
    from django.db import connection
    from django_tenants.utils import tenant_context

    from booking.models import AuditEntry, Card, CardImport, Notice, StorageBox
    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from tenants.models import Municipality

    city = Municipality.objects.filter(schema_name=SCHEMA).first()
    if city is None:
        city = onboard_municipality(slug=SCHEMA, name="計測カード市", domains=["bench-cards.localhost"],
                                    wards=[WardSpec("chuo", "中央区"), WardSpec("minami", "南区")],
                                    admin_username="bench-cards-admin",
                                    admin_email="admin@bench-cards.example.org").municipality
    city.notice_number_pattern = r"^[A-Z0-9]{3}[0-9]{6}$"
    with tenant_context(city):
        Card.objects.all().delete()
        StorageBox.objects.all().delete()
        AuditEntry.objects.all().delete()
        Notice.objects.filter(number__startswith="BCH").delete()
        CardImport.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_card_copy")
            cursor.execute("CREATE TABLE bench_card_copy (" + ", ".join(
                f"{name} {'date' if name.endswith(('_on', '_date', '_deadline')) else 'text'}" for name in COLUMNS)
                + ")")
        connection.close()
    return city


def service_phase(city, content: bytes):
    from django.db import connection
    from django_tenants.utils import tenant_context

    from booking.services.audit import Actor
    from booking.services.card_import import card_import_start

    with tenant_context(city):
        started = time.perf_counter()
        record = card_import_start(content=content, file_name="bench.csv", actor=Actor.system("bench"),
                                   in_background=False)
        elapsed = time.perf_counter() - started
    connection.close()
    assert record.status == "done", (record.status, record.errors[:3])
    return elapsed, record


def copy_phase(city, content: bytes) -> float:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute(f"SET search_path TO {city.schema_name}, public")
        conn.execute("TRUNCATE bench_card_copy")
        conn.commit()
        started = time.perf_counter()
        with conn.transaction(), conn.cursor().copy(
                "COPY bench_card_copy FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')") as copy:
            copy.write(content)
        elapsed = time.perf_counter() - started
        copied = conn.execute("SELECT count(*) FROM bench_card_copy").fetchone()[0]
        conn.execute("DROP TABLE bench_card_copy")
        conn.commit()
    assert copied == CARDS, copied
    return elapsed


def main() -> None:
    use_bench_database()
    city = prepare()
    content = card_file(CARDS)
    print(f"card data import: {CARDS:,} records ({len(content) / 1e6:.1f} MB UTF-8 CSV, 16 columns), "
          f"{os.cpu_count()} CPU cores", flush=True)
    copy_seconds = copy_phase(city, content)
    print(f"  COPY          {CARDS / copy_seconds:10,.0f} records/s   {copy_seconds:6.2f} s", flush=True)
    first_seconds, first = service_phase(city, content)
    print(f"  service       {CARDS / first_seconds:10,.0f} records/s   {first_seconds:6.2f} s   "
          f"({first.cards_created:,} cards and {first.notices_created:,} notices created)", flush=True)
    again_seconds, again = service_phase(city, content)
    print(f"  same file     {CARDS / again_seconds:10,.0f} records/s   {again_seconds:6.2f} s   "
          f"({again.cards_unchanged:,} unchanged, {again.cards_created} created)", flush=True)
    print(f"  service / COPY = {copy_seconds / first_seconds:.3f} "
          f"(COPY is {first_seconds / copy_seconds:.0f}x faster); same file again / COPY = "
          f"{copy_seconds / again_seconds:.3f}")


if __name__ == "__main__":
    main()
