"""Reads of billing (public schema). Views call these with the acting user already checked by a guard."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum
from django.utils import timezone

from billing.models import CompletionReport, DocumentStatus, Plan, Statement, UsageKind, UsageRecord
from tenants.models import Municipality


def plan_for_month(municipality: Municipality, month: dt.date) -> Plan | None:
    """The plan in force on the first day of `month` (the latest that took effect by then)."""
    return (Plan.objects.filter(municipality=municipality, effective_from__lte=month)
            .order_by("-effective_from").first())


def plans_of(municipality: Municipality):
    return Plan.objects.filter(municipality=municipality).order_by("-effective_from")


def usage_totals(municipality: Municipality, month: dt.date) -> dict[str, int]:
    """Quantities of the month by kind, and `booking_cancelled_same_month`."""
    rows = (UsageRecord.objects.filter(municipality=municipality, month=month).values("kind")
            .annotate(total=Sum("quantity"), same=Sum("quantity", filter=Q(same_month=True))))
    totals = {kind: 0 for kind in UsageKind.values}
    totals["booking_cancelled_same_month"] = 0
    for row in rows:
        totals[row["kind"]] = row["total"] or 0
        if row["kind"] == UsageKind.BOOKING_CANCELLED:
            totals["booking_cancelled_same_month"] = row["same"] or 0
    return totals


def usage_by_city(month: dt.date, cities=None) -> dict[int, dict[str, int]]:
    """The cities' quantities of the month (every city's, or those of `cities`), in one query."""
    found: dict[int, dict[str, int]] = {}
    records = UsageRecord.objects.filter(month=month)
    if cities is not None:
        records = records.filter(municipality__in=cities)
    for row in (records.values("municipality_id", "kind")
                .annotate(total=Sum("quantity"))):
        found.setdefault(row["municipality_id"], {})[row["kind"]] = row["total"]
    return found


def statements_for_platform(*, month: dt.date | None = None, municipality: Municipality | None = None):
    found = Statement.objects.select_related("municipality", "corrects")
    if month is not None:
        found = found.filter(month=month)
    if municipality is not None:
        found = found.filter(municipality=municipality)
    return found.order_by("-month", "municipality__name", "kind", "id")


def issued_statements_of(municipality: Municipality):
    """Only the city's own issued statements and credit notes (a draft is the platform's business)."""
    return (Statement.objects.filter(municipality=municipality, status=DocumentStatus.ISSUED)
            .select_related("corrects").order_by("-month", "-issued_at"))


def issued_statement_of(municipality: Municipality, pk: int) -> Statement | None:
    return issued_statements_of(municipality).filter(pk=pk).first()


def reports_for_platform(*, month: dt.date | None = None):
    found = CompletionReport.objects.select_related("municipality")
    if month is not None:
        found = found.filter(month=month)
    return found.order_by("-month", "municipality__name")


def issued_reports_of(municipality: Municipality):
    return CompletionReport.objects.filter(municipality=municipality, status=DocumentStatus.ISSUED).order_by("-month")


def issued_report_of(municipality: Municipality, pk: int) -> CompletionReport | None:
    return issued_reports_of(municipality).filter(pk=pk).first()


def creditable_yen(statement: Statement) -> int:
    """What credit notes may still take off an invoice: its subtotal less what the issued credit
    notes already took off (yen, excluding tax)."""
    credited = (Statement.objects.filter(corrects=statement, status=DocumentStatus.ISSUED)
                .aggregate(total=Sum("subtotal_yen"))["total"]) or 0
    return statement.subtotal_yen + credited


def previous_month(today: dt.date | None = None) -> dt.date:
    """The month last billed: the one before today's."""
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
