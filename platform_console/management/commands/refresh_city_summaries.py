"""Recompute every city's summary now (the scheduled task does it every five minutes)."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from platform_console.services.summaries import city_summaries_refresh_all
from tenants.selectors import dangerously_active_cities


class Command(BaseCommand):
    help = "Recompute the summary row of every active city (the cities page of the platform console)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = city_summaries_refresh_all(cities=dangerously_active_cities())
        self.stdout.write(f"refreshed {count} city summaries in {time.perf_counter() - started:.2f} s")
