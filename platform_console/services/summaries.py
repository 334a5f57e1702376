"""The cities' summaries (one row per city): refreshed by a scheduled task per city, and on demand.

Each refresh reads one city's schema (bookings made today, today's calls) and a few public rows
(incidents, errors, the standby's lag), and writes one row in the public schema. The cities page
then reads those rows only, however many cities there are.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.selectors.phone import reservations_by_channel
from operations.selectors import dangerously_error_count, dangerously_open_incident_count, replication_lag_seconds
from platform_console.models import CitySummary
from telephony_adapter.selectors.statistics import service_level
from tenants.checklist import city_checklist
from tenants.models import Municipality

_UNSET = object()


def _today(municipality: Municipality, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(municipality.time_zone or "Asia/Tokyo")
    start = dt.datetime.combine(now.astimezone(zone).date(), dt.time(0), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def city_summary_refresh(*, municipality: Municipality, now: dt.datetime | None = None,
                         lag=_UNSET) -> CitySummary:
    """Recompute one city's row. `lag` may be passed in when many cities are refreshed in a row."""
    now = now or timezone.now()
    start, end = _today(municipality, now)
    if connection.schema_name == municipality.schema_name:
        figures = _city_figures(municipality, start, end)
    else:
        with tenant_context(municipality):
            figures = _city_figures(municipality, start, end)
    figures.update(
        errors_last_hour=dangerously_error_count(municipality.schema_name, since=now - dt.timedelta(hours=1)),
        open_incidents=dangerously_open_incident_count(municipality.schema_name),
        replication_lag_seconds=replication_lag_seconds() if lag is _UNSET else lag,
        refreshed_at=now,
    )
    with transaction.atomic():
        summary, _created = CitySummary.objects.update_or_create(municipality=municipality, defaults=figures)
    return summary


def _city_figures(municipality: Municipality, start: dt.datetime, end: dt.datetime) -> dict:
    level = service_level(start=start, end=end)
    checklist = city_checklist(municipality)
    return {
        "bookings_today": sum(reservations_by_channel(start=start, end=end).values()),
        "calls_today": level.calls, "offered_today": level.offered, "answered_today": level.answered,
        "answer_rate": level.answer_rate,
        "checklist_done": sum(item.done for item in checklist), "checklist_total": len(checklist),
    }


def city_summaries_refresh_all(*, cities, now: dt.datetime | None = None) -> int:
    """Every city in `cities` in one go (the command and the benchmark); the lag is read once."""
    lag = replication_lag_seconds()
    count = 0
    for city in cities:
        city_summary_refresh(municipality=city, now=now, lag=lag)
        count += 1
    connection.set_schema_to_public()
    return count
