"""Complaints of the current city (CC-6), for the operator console, the monthly report and the
staff console (which shows the city its complaints at once)."""
from __future__ import annotations

import datetime as dt

from telephony_adapter.models import Complaint


def city_complaints(*, status: str | None = None, since: dt.datetime | None = None,
                    until: dt.datetime | None = None, limit: int | None = 200) -> list[Complaint]:
    """The city's complaints, newest first; filter by handling status and time recorded."""
    complaints = Complaint.objects.select_related("call").order_by("-created_at")
    if status:
        complaints = complaints.filter(status=status)
    if since:
        complaints = complaints.filter(created_at__gte=since)
    if until:
        complaints = complaints.filter(created_at__lt=until)
    return list(complaints[:limit] if limit else complaints)


def complaint_by_id(complaint_id: int) -> Complaint | None:
    return Complaint.objects.filter(pk=complaint_id).first()


def open_complaint_count() -> int:
    return Complaint.objects.exclude(status=Complaint.Status.RESOLVED).count()
