"""A separate database for benchmarks, next to the one DATABASE_URL names, so runs never touch demo data."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def use_bench_database(name: str = "madoguchi_bench", fresh: bool = False) -> str:
    import psycopg

    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("DATABASE_URL is unset: run through `make bench` (or python -m devtools.localdb exec -- ...)")
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("setup_platform", verbosity=0)
    return bench_url


def undo_bookings() -> None:
    """In the current city's schema: undo every booking of earlier runs, with its audit rows,
    mail receipts and login guards, so that a run starts from free slots and unbooked notices
    (and the shared cache learns of it)."""
    from booking.models import (
        AuditEntry,
        ClientLoginGuard,
        LoginLockEvent,
        MailReceipt,
        Notice,
        NoticeLoginGuard,
        Reservation,
        Slot,
    )

    MailReceipt.objects.all().delete()
    AuditEntry.objects.all().delete()
    Reservation.objects.all().delete()
    Slot.objects.filter(booked__gt=0).update(booked=0)
    Notice.objects.exclude(status="mailed").update(status="mailed")
    NoticeLoginGuard.objects.all().delete()
    ClientLoginGuard.objects.all().delete()
    LoginLockEvent.objects.all().delete()
    # the seats changed behind the services' back: what the shared cache holds of them is old
    from booking.availability_cache import availability_changed
    from booking.models import Place

    availability_changed(Place.objects.values_list("pk", flat=True))
