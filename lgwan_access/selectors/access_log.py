"""Reading the record of who looked at what (SEC-9), for the city's staff_admin."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from booking.clock import at
from lgwan_access.models import StaffAccessEntry


def access_entries(*, user: str = "", action: str = "", date_from: dt.date | None = None,
                   date_until: dt.date | None = None) -> QuerySet:
    """Entries newest first; `user` matches the user name's beginning, dates are the city's days."""
    entries = StaffAccessEntry.objects.all()
    if user:
        entries = entries.filter(user_label__istartswith=user)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(created_at__gte=at(date_from, dt.time.min))
    if date_until:
        entries = entries.filter(created_at__lt=at(date_until + dt.timedelta(days=1), dt.time.min))
    return entries.order_by("-created_at", "-id")


def access_actions() -> list[tuple[str, str]]:
    return list(StaffAccessEntry.Action.choices)
