"""The monthly completion report (業務完了報告書, due by the 10th of the following month).

Drafted on the 1st by the scheduled task from the city's own records (bookings by channel, changes,
cancellations, handovers, no-shows, calls and service level, complaints and escalations with their
status) and the month's incidents; reviewed and issued by the platform admin (a draft may be drafted
again, an issued report is frozen by the database); then the city's staff_admin sees it.

Incidents live in `operations`, which billing may not import: the report reads them through the
function named in `BILLING_INCIDENTS_SOURCE` (by default `operations.reporting.incidents_for_report`),
the same way operations reaches the phone carrier by a module name.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from billing.errors import FrozenError
from billing.models import CompletionReport, DocumentStatus
from billing.services.statements import draft_lock
from booking.clock import local
from booking.models import AuditEntry
from booking.selectors.phone import cancellations_by_channel, changes_by_channel, reservations_by_channel
from telephony_adapter.models import Complaint, Escalation
from telephony_adapter.selectors.reports import month_bounds
from telephony_adapter.selectors.statistics import service_level
from tenants.models import Municipality, User
from tenants.services.audit import platform_audit_record


def _rate(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _incidents(municipality: Municipality, start: dt.datetime, end: dt.datetime) -> list[dict]:
    source = getattr(settings, "BILLING_INCIDENTS_SOURCE", "")
    return import_string(source)(scope=municipality.schema_name, start=start, end=end) if source else []


def report_figures(*, municipality: Municipality, month: dt.date) -> dict:
    """The month's figures of a city, as JSON-ready data."""
    with tenant_context(municipality):
        start, end = month_bounds(month.year, month.month)
        actions = dict(AuditEntry.objects.filter(created_at__gte=start, created_at__lt=end,
                                                 action__in=["card.hand_over", "reservation.no_show"])
                       .values_list("action").annotate(n=Count("id")))
        level = service_level(start=start, end=end)
        complaints = Complaint.objects.filter(created_at__gte=start, created_at__lt=end).order_by("created_at")
        escalations = (Escalation.objects.filter(created_at__gte=start, created_at__lt=end)
                       .select_related("ward").order_by("created_at"))
        figures = {
            "bookings": reservations_by_channel(start=start, end=end),
            "changes": changes_by_channel(start=start, end=end),
            "cancellations": cancellations_by_channel(start=start, end=end),
            "handovers": actions.get("card.hand_over", 0),
            "no_shows": actions.get("reservation.no_show", 0),
            "calls": {"total": level.calls, "offered": level.offered, "answered": level.answered,
                      "abandoned": level.abandoned, "answer_rate": _rate(level.answer_rate),
                      "abandonment_rate": _rate(level.abandonment_rate)},
            "complaints": [{"created_at": local(c.created_at).isoformat(), "category": c.category, "status": c.status,
                            "resolution": c.resolution[:300]} for c in complaints],
            "escalations": [{"created_at": local(e.created_at).isoformat(), "ward": e.ward.name,
                             "reason": e.reason[:300]} for e in escalations],
        }
    figures["incidents"] = _incidents(municipality, start, end)
    figures["downtime_minutes"] = sum(row["downtime_minutes"] for row in figures["incidents"])
    figures["complaints_open"] = sum(1 for row in figures["complaints"] if row["status"] != "resolved")
    return figures


def report_draft(*, municipality: Municipality, month: dt.date) -> CompletionReport:
    """Draft (or draft again) the month's report; an issued report is returned as it is."""
    month = month.replace(day=1)
    figures = report_figures(municipality=municipality, month=month)
    with transaction.atomic():
        draft_lock(municipality)
        report = (CompletionReport.objects.select_for_update()
                  .filter(municipality=municipality, month=month).first())
        if report is not None and report.is_issued:
            return report
        if report is None:
            return CompletionReport.objects.create(municipality=municipality, month=month, figures=figures)
        report.figures = figures
        report.save(update_fields=["figures", "drafted_at"])
    return report


def report_issue(*, report: CompletionReport, actor: User, remarks: str = "") -> CompletionReport:
    """The platform admin reviewed the draft: issue it (frozen) with their remarks."""
    with transaction.atomic():
        locked = CompletionReport.objects.select_for_update().get(pk=report.pk)
        if locked.is_issued:
            raise FrozenError(_("This report is already issued."))
        locked.status, locked.issued_at = DocumentStatus.ISSUED, timezone.now()
        locked.issued_by, locked.issued_by_label = actor, actor.get_username()
        locked.remarks = (remarks or "").strip()[:2000]
        locked.save(update_fields=["status", "issued_at", "issued_by", "issued_by_label", "remarks"])
        platform_audit_record(actor=actor, action="billing.report.issue", municipality=locked.municipality,
                              changes={"month": locked.month.isoformat()})
    return locked
