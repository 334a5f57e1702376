"""Tasks of the platform side. They run inside the municipality they concern."""
from __future__ import annotations

from django.db import connection

from kernel.tasking import municipality_task, platform_task
from platform_console.services.onboarding import SEND_STAFF_WELCOME
from platform_console.services.summaries import city_summary_refresh
from platform_console.services.welcome import staff_welcome_send
from tenants.selectors import dangerously_active_cities, dangerously_municipality

REFRESH_SUMMARY = "platform_console.refresh_city_summary"


@municipality_task(name=SEND_STAFF_WELCOME, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=30,
                   max_retries=5)
def send_staff_welcome(user_id: int) -> bool:
    return staff_welcome_send(user_id=user_id)


@municipality_task(name=REFRESH_SUMMARY)
def refresh_city_summary() -> int:
    """One city's row of the cities page, computed inside its schema."""
    city = dangerously_municipality(connection.schema_name)
    return city_summary_refresh(municipality=city).bookings_today if city else 0


@platform_task(name="platform_console.refresh_city_summaries")
def refresh_city_summaries() -> int:
    """Beat, every five minutes: one task per city, so a slow city never holds up the others."""
    count = 0
    for schema_name in dangerously_active_cities().values_list("schema_name", flat=True):
        refresh_city_summary.apply_async(headers={"_schema_name": schema_name})
        count += 1
    return count
