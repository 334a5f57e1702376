"""The monthly report per city (CC-7): bookings and enquiries by channel, every case with its
handling status, complaints, escalations; as data (CSV) and as a printed report (PDF)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Count
from django.template.loader import render_to_string

from booking.clock import at
from booking.selectors.phone import cancellations_by_channel, changes_by_channel, reservations_by_channel
from telephony_adapter.models import Callback, CallRecord, Escalation
from telephony_adapter.selectors.complaints import city_complaints
from telephony_adapter.selectors.statistics import ServiceLevel, service_level, service_levels_by


@dataclass
class MonthlyReport:
    year: int
    month: int
    bookings: dict[str, int]
    changes: dict[str, int]
    cancellations: dict[str, int]
    calls_by_outcome: dict[str, int]
    level: ServiceLevel
    days: list
    calls: list[CallRecord]
    complaints: list
    escalations: list[Escalation]
    callbacks: list[Callback]


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return at(first, dt.time.min), at(following, dt.time.min)


def monthly_report(year: int, month: int) -> MonthlyReport:
    start, end = month_bounds(year, month)
    calls = CallRecord.objects.filter(started_at__gte=start, started_at__lt=end)
    return MonthlyReport(
        year=year, month=month,
        bookings=reservations_by_channel(start=start, end=end),
        changes=changes_by_channel(start=start, end=end),
        cancellations=cancellations_by_channel(start=start, end=end),
        calls_by_outcome={row["outcome"] or "": row["n"] for row in calls.values("outcome").annotate(n=Count("id"))},
        level=service_level(start=start, end=end),
        days=service_levels_by("day", start=start, end=end),
        calls=list(calls.select_related("notice").order_by("started_at")),
        complaints=city_complaints(since=start, until=end, limit=None),
        escalations=list(Escalation.objects.filter(created_at__gte=start, created_at__lt=end)
                         .select_related("ward", "call").order_by("created_at")),
        callbacks=list(Callback.objects.filter(requested_at__gte=start, requested_at__lt=end).order_by("requested_at")),
    )


class _SafeWriter:
    """A CSV writer whose cells never start a spreadsheet formula (=, +, -, @: a quote is put first)."""

    def __init__(self, out):
        self.writer = csv.writer(out)

    def writerow(self, row) -> None:
        self.writer.writerow([f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell
                              for cell in row])


def monthly_report_csv(report: MonthlyReport, channel_names: dict[str, str]) -> str:
    """Sections one after another, each with its header row (UTF-8 with BOM for spreadsheet programs)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = _SafeWriter(out)
    writer.writerow(["section", "channel", "bookings", "changes", "cancellations"])
    for channel, name in channel_names.items():
        writer.writerow(["bookings_by_channel", name, report.bookings.get(channel, 0), report.changes.get(channel, 0),
                         report.cancellations.get(channel, 0)])
    writer.writerow([])
    writer.writerow(["section", "outcome", "calls"])
    for outcome, count in sorted(report.calls_by_outcome.items()):
        writer.writerow(["calls_by_outcome", outcome or "open", count])
    level = report.level
    writer.writerow([])
    writer.writerow(["section", "calls", "offered_to_operators", "answered", "answer_rate", "abandoned",
                     "overflowed", "self_service", "after_hours", "average_speed_of_answer_s", "average_handle_time_s"])
    writer.writerow(["service_level", level.calls, level.offered, level.answered,
                     f"{level.answer_rate:.3f}" if level.answer_rate is not None else "", level.abandoned,
                     level.overflowed, level.self_service, level.after_hours,
                     f"{level.asa_seconds:.0f}" if level.asa_seconds is not None else "",
                     f"{level.handle_seconds:.0f}" if level.handle_seconds is not None else ""])
    writer.writerow([])
    writer.writerow(["section", "started_at", "language", "caller", "notice", "operator", "waited_s", "handled_s",
                     "end_reason", "outcome", "note"])
    for call in report.calls:
        writer.writerow(["case", call.started_at.isoformat(), call.language, call.caller_number,
                         call.notice.number if call.notice else "", call.operator_label,
                         call.waited_seconds if call.waited_seconds is not None else "",
                         call.handle_seconds if call.handle_seconds is not None else "",
                         call.end_reason, call.outcome, call.outcome_note])
    writer.writerow([])
    writer.writerow(["section", "created_at", "category", "status", "recorded_by", "reported_at", "description",
                     "resolution"])
    for complaint in report.complaints:
        writer.writerow(["complaint", complaint.created_at.isoformat(), complaint.category, complaint.status,
                         complaint.recorded_by_label,
                         complaint.reported_at.isoformat() if complaint.reported_at else "",
                         complaint.description, complaint.resolution])
    writer.writerow([])
    writer.writerow(["section", "created_at", "ward", "transferred_to", "operator", "reason"])
    for escalation in report.escalations:
        writer.writerow(["escalation", escalation.created_at.isoformat(), escalation.ward.code,
                         escalation.transferred_to, escalation.created_by_label, escalation.reason])
    writer.writerow([])
    writer.writerow(["section", "requested_at", "number", "language", "status", "note"])
    for callback in report.callbacks:
        writer.writerow(["callback", callback.requested_at.isoformat(), callback.number, callback.language,
                         callback.status, callback.note])
    return out.getvalue()


def monthly_report_pdf(report: MonthlyReport, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("telephony_adapter/report_pdf.html", {"report": report, **context})
    return HTML(string=html).write_pdf()
