"""Time in the municipality of the current schema (every city keeps its own time zone)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone


def city_tz() -> ZoneInfo:
    tenant = getattr(connection, "tenant", None)
    return ZoneInfo(getattr(tenant, "time_zone", None) or "Asia/Tokyo")


def city_now() -> dt.datetime:
    return timezone.now().astimezone(city_tz())


def city_today() -> dt.date:
    return city_now().date()


def at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=city_tz())


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(city_tz())


def current_municipality():
    """The Municipality row of the schema in use (its booking policy)."""
    return connection.tenant
