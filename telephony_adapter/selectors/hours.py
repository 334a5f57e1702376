"""When the city's lines are open (CC-1): 8:30–17:30 on weekdays by default, closed on national
holidays and 29 December – 3 January; the city edits the rule and single days."""
from __future__ import annotations

import datetime as dt

import jpholiday
from django.utils import timezone

from booking.clock import local
from telephony_adapter.models import CallCentreDay, CallCentreSettings


def call_centre_settings() -> CallCentreSettings:
    """The city's settings, or the defaults when it never saved any."""
    return CallCentreSettings.objects.first() or CallCentreSettings()


def _year_end(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def hours_on(day: dt.date, policy: CallCentreSettings | None = None) -> tuple[dt.time, dt.time] | None:
    """The opening hours of the lines on `day`, or None when they are closed all day."""
    policy = policy or call_centre_settings()
    exception = CallCentreDay.objects.filter(date=day).first()
    if exception is not None:
        return (exception.opens_at, exception.closes_at) if exception.is_open else None
    if day.weekday() not in (policy.open_weekdays or []):
        return None
    if policy.closed_year_end and _year_end(day):
        return None
    if policy.closed_on_holidays and jpholiday.is_holiday(day):
        return None
    return policy.opens_at, policy.closes_at


def lines_open(now: dt.datetime | None = None, policy: CallCentreSettings | None = None) -> bool:
    moment = local(now or timezone.now())
    hours = hours_on(moment.date(), policy)
    return hours is not None and hours[0] <= moment.time() < hours[1]


def upcoming_days(limit: int = 30) -> list[CallCentreDay]:
    return list(CallCentreDay.objects.filter(date__gte=local(timezone.now()).date()).order_by("date")[:limit])
