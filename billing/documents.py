"""Statements and completion reports as printed documents (PDF, weasyprint with the IPA fonts) and data (CSV).

Both are Japanese documents addressed to a Japanese city: they are printed in Japanese, with dates
in the Western calendar (2026年12月1日) or the Japanese era (令和8年12月1日) as the city's plan says.
CSV goes out as UTF-8 with a BOM (spreadsheet programs open it as Unicode), no cell starting a formula.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation

from billing.models import CompletionReport, DateStyle, Statement
from billing.money import tax_by_rate
from booking.formatting import wareki
from booking.models import Channel

PAYMENT_DAYS = 30  # 第3章3: paid within 30 days of the invoice's receipt


def japanese_date(day: dt.date | dt.datetime, style: str) -> str:
    if isinstance(day, dt.datetime):
        day = day.astimezone(ZoneInfo("Asia/Tokyo")).date()
    if style == DateStyle.JAPANESE_ERA:
        return wareki(day)
    return f"{day.year}年{day.month}月{day.day}日"


def japanese_month(day: dt.date, style: str) -> str:
    text = japanese_date(day.replace(day=1), style)
    return text[: text.index("月") + 1]


class _SafeWriter:
    def __init__(self, out):
        self.writer = csv.writer(out)

    def writerow(self, row) -> None:
        self.writer.writerow([f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell
                              for cell in row])


def _statement_context(statement: Statement) -> dict:
    lines = list(statement.lines.all())
    style = statement.date_style
    return {
        "statement": statement, "lines": lines,
        "by_rate": [{"rate": rate, "total": total, "tax": tax}
                    for rate, (total, tax) in tax_by_rate([(line.amount_yen, line.tax_rate_percent)
                                                           for line in lines]).items()],
        "issued_on": japanese_date(statement.issued_at, style) if statement.issued_at else "",
        "month_label": japanese_month(statement.month, style),
        "due_on": japanese_date(statement.issued_at + dt.timedelta(days=PAYMENT_DAYS), style)
        if statement.issued_at else "",
    }


def statement_html(statement: Statement) -> str:
    with translation.override("ja"):
        return render_to_string("billing/print/statement.html", _statement_context(statement))


def statement_pdf(statement: Statement) -> bytes:
    from weasyprint import HTML

    return HTML(string=statement_html(statement)).write_pdf()


def statement_csv(statement: Statement) -> bytes:
    context = _statement_context(statement)
    out = io.StringIO()
    out.write("\ufeff")
    writer = _SafeWriter(out)
    writer.writerow(["number", "kind", "issuer", "registration_number", "recipient", "month", "issued_on",
                     "corrects"])
    writer.writerow([statement.number or "", statement.kind, statement.issuer_name,
                     statement.issuer_registration_number, statement.recipient_name, context["month_label"],
                     context["issued_on"], statement.corrects.number if statement.corrects_id else ""])
    writer.writerow([])
    writer.writerow(["position", "item", "quantity", "unit_price_yen", "amount_yen", "tax_rate_percent"])
    for line in context["lines"]:
        writer.writerow([line.position, line.label, line.quantity, f"{line.unit_price_yen}", line.amount_yen,
                         line.tax_rate_percent])
    writer.writerow([])
    writer.writerow(["tax_rate_percent", "taxable_total_yen", "tax_yen"])
    for row in context["by_rate"]:
        writer.writerow([row["rate"], row["total"], row["tax"]])
    writer.writerow([])
    writer.writerow(["subtotal_yen", "tax_yen", "total_yen"])
    writer.writerow([statement.subtotal_yen, statement.tax_yen, statement.total_yen])
    return out.getvalue().encode("utf-8")


def channel_names() -> dict[str, str]:
    """The booking channels as the report prints them (in the active language)."""
    return {code: str(label) for code, label in Channel.choices}


def _report_context(report: CompletionReport) -> dict:
    figures = report.figures
    with translation.override("ja"):
        names = channel_names()
    channels = [{"name": name, "bookings": figures.get("bookings", {}).get(code, 0),
                 "changes": figures.get("changes", {}).get(code, 0),
                 "cancellations": figures.get("cancellations", {}).get(code, 0)}
                for code, name in names.items()]
    return {"report": report, "figures": figures, "channels": channels,
            "month_label": japanese_month(report.month, DateStyle.JAPANESE_ERA),
            "issued_on": japanese_date(report.issued_at, DateStyle.JAPANESE_ERA) if report.issued_at else ""}


def report_pdf(report: CompletionReport) -> bytes:
    from weasyprint import HTML

    with translation.override("ja"):
        html = render_to_string("billing/print/report.html", _report_context(report))
    return HTML(string=html).write_pdf()


def report_csv(report: CompletionReport) -> bytes:
    context = _report_context(report)
    figures = report.figures
    out = io.StringIO()
    out.write("\ufeff")
    writer = _SafeWriter(out)
    writer.writerow(["section", "channel", "bookings", "changes", "cancellations"])
    for row in context["channels"]:
        writer.writerow(["bookings_by_channel", row["name"], row["bookings"], row["changes"], row["cancellations"]])
    writer.writerow([])
    writer.writerow(["section", "handovers", "no_shows"])
    writer.writerow(["counter", figures.get("handovers", 0), figures.get("no_shows", 0)])
    calls = figures.get("calls", {})
    writer.writerow([])
    writer.writerow(["section", "calls", "offered", "answered", "answer_rate", "abandoned", "abandonment_rate"])
    writer.writerow(["calls", calls.get("total", 0), calls.get("offered", 0), calls.get("answered", 0),
                     calls.get("answer_rate") if calls.get("answer_rate") is not None else "",
                     calls.get("abandoned", 0),
                     calls.get("abandonment_rate") if calls.get("abandonment_rate") is not None else ""])
    writer.writerow([])
    writer.writerow(["section", "created_at", "category", "status", "resolution"])
    for row in figures.get("complaints", []):
        writer.writerow(["complaint", row["created_at"], row["category"], row["status"], row["resolution"]])
    writer.writerow([])
    writer.writerow(["section", "created_at", "ward", "reason"])
    for row in figures.get("escalations", []):
        writer.writerow(["escalation", row["created_at"], row["ward"], row["reason"]])
    writer.writerow([])
    writer.writerow(["section", "opened_at", "resolved_at", "title", "severity", "platform_wide", "downtime_minutes"])
    for row in figures.get("incidents", []):
        writer.writerow(["incident", row["opened_at"], row["resolved_at"], row["title"], row["severity"],
                         row["platform_wide"], row["downtime_minutes"]])
    return out.getvalue().encode("utf-8")
