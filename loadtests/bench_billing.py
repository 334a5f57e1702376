"""Monthly statements for 1,741 cities (every municipality of Japan): time in total and per city.

    make bench-billing        (or: python -m devtools.localdb exec -- python loadtests/bench_billing.py)

Statements are computed from the public schema alone (plans and usage records), so the cities are
created as rows only (`bulk_create`, no schema: a schema per city is the onboarding benchmark's
subject, and cloning 1,741 schemas would take ~10 minutes here without changing these figures).
Usage rows are inserted directly with generate_series (BENCH_BOOKINGS bookings, a tenth of them
cancelled in the month, call minutes and automated calls per city). Then, timed: the scheduled
drafting of every city's invoice, drafting again (the task running twice), issuing every one
(numbers from one locked sequence), CSV for every one, and PDF for a sample (weasyprint).
Works in its own database (madoguchi_bench_billing) and removes what an earlier run left.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402

CITIES = int(os.environ.get("BENCH_CITIES", "1741"))
BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "200"))
PDF_SAMPLE = int(os.environ.get("BENCH_PDF_SAMPLE", "10"))
MONTH = dt.date(2026, 10, 1)
PREFIX = "bill_"


def _clear() -> None:
    from django.db import connection, transaction

    from tenants.models import Municipality

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # issued statements are frozen by triggers
        for table in ("billing_statementline", "billing_statement", "billing_invoicesequence",
                      "billing_usagerecord", "billing_plan", "billing_completionreport", "billing_usagewatermark"):
            cursor.execute(f"DELETE FROM {table}")
        Municipality.objects.filter(schema_name__startswith=PREFIX).delete()


def _prepare():
    from django.db import connection

    from billing.models import Plan
    from tenants.models import Municipality

    cities = Municipality.objects.bulk_create([
        Municipality(schema_name=f"{PREFIX}{n:04d}", name=f"計測市{n:04d}", kind=Municipality.Kind.CITY,
                     enabled_languages=["ja"]) for n in range(CITIES)], batch_size=500)
    Plan.objects.bulk_create([
        Plan(municipality=city, effective_from=dt.date(2026, 4, 1), base_fee_yen=50000 + 10 * index,
             per_booking_yen=Decimal("120"), booking_tiers=[{"up_to": 100, "yen": "120"},
                                                            {"up_to": None, "yen": "95.5"}],
             per_call_minute_yen=Decimal("18.5"), per_ivr_session_yen=Decimal("12"),
             credit_cancelled_in_month=index % 2 == 0)
        for index, city in enumerate(cities)], batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO billing_usagerecord (municipality_id, kind, event_key, occurred_at, month, quantity,
                                             same_month, recorded_at)
            SELECT m.id, k.kind, k.kind || ':' || g, %(at)s, %(month)s, k.quantity, k.same_month, now()
            FROM tenants_municipality m
            CROSS JOIN LATERAL (VALUES ('booking', 1, false, %(bookings)s),
                                       ('booking_cancelled', 1, true, %(bookings)s / 10),
                                       ('call_minutes', 3, false, %(bookings)s / 2),
                                       ('ivr_session', 1, false, %(bookings)s / 4)) AS k(kind, quantity, same_month, n)
            CROSS JOIN LATERAL generate_series(1, k.n) AS g
            WHERE m.schema_name LIKE %(prefix)s
            ON CONFLICT DO NOTHING
        """, {"at": dt.datetime(2026, 10, 15, 1, tzinfo=dt.UTC), "month": MONTH, "bookings": BOOKINGS,
              "prefix": PREFIX + "%"})
        cursor.execute("ANALYZE billing_usagerecord")
        cursor.execute("SELECT count(*) FROM billing_usagerecord")
        return cities, cursor.fetchone()[0]


def main() -> None:
    use_bench_database("madoguchi_bench_billing")
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing import documents
    from billing.models import Statement
    from billing.services.statements import statement_draft, statement_issue, statements_draft_all
    from tenants.models import Municipality, User

    _clear()
    started = time.perf_counter()
    cities, usage_rows = _prepare()
    print(f"prepared {len(cities)} cities (rows only) and {usage_rows:,} usage rows "
          f"in {time.perf_counter() - started:.1f} s")
    cities = list(Municipality.objects.filter(schema_name__startswith=PREFIX).order_by("schema_name"))
    admin, _ = User.objects.get_or_create(username="bench-billing-admin", defaults={"is_platform_admin": True})

    with CaptureQueriesContext(connection) as one:
        statement_draft(municipality=cities[0], month=MONTH)
    started = time.perf_counter()
    drafted = statements_draft_all(month=MONTH, cities=cities)
    draft_seconds = time.perf_counter() - started
    started = time.perf_counter()
    statements_draft_all(month=MONTH, cities=cities)
    redraft_seconds = time.perf_counter() - started

    statements = list(Statement.objects.filter(month=MONTH, municipality__schema_name__startswith=PREFIX))
    issue_times = []
    started = time.perf_counter()
    for statement in statements:
        one_started = time.perf_counter()
        statement_issue(statement=statement, actor=admin)
        issue_times.append(time.perf_counter() - one_started)
    issue_seconds = time.perf_counter() - started
    issued = list(Statement.objects.filter(month=MONTH, status="issued", municipality__schema_name__startswith=PREFIX)
                  .select_related("corrects").order_by("number"))
    started = time.perf_counter()
    csv_bytes = sum(len(documents.statement_csv(statement)) for statement in issued)
    csv_seconds = time.perf_counter() - started
    pdf_times = []
    for statement in issued[:PDF_SAMPLE]:
        one_started = time.perf_counter()
        documents.statement_pdf(statement)
        pdf_times.append(time.perf_counter() - one_started)
    totals = [statement.total_yen for statement in issued]

    print(f"drafted {drafted} statements in {draft_seconds:.1f} s "
          f"({1000 * draft_seconds / drafted:.1f} ms per city, {len(one.captured_queries)} queries per city)")
    print(f"drafted again (the task running twice) in {redraft_seconds:.1f} s")
    print(f"issued {len(issue_times)} in {issue_seconds:.1f} s ({1000 * statistics.median(issue_times):.1f} ms median "
          f"per statement); numbers {issued[0].number} … {issued[-1].number}")
    print(f"CSV for all {len(issued)}: {csv_seconds:.1f} s, {csv_bytes / 1024:.0f} KiB")
    if pdf_times:
        median = statistics.median(pdf_times)
        print(f"PDF (sample of {len(pdf_times)}): {median:.2f} s median each → {median * len(issued) / 60:.1f} min "
              f"for all {len(issued)} on one core")
    print(f"total billed: ¥{sum(totals):,} (¥{min(totals):,} … ¥{max(totals):,} per city)")
    total = draft_seconds + issue_seconds + csv_seconds
    print(f"statements for {len(issued)} cities, drafted + issued + CSV: {total:.1f} s in total, "
          f"{1000 * total / len(issued):.1f} ms per city")
    _clear()
    connection.close()


if __name__ == "__main__":
    main()
