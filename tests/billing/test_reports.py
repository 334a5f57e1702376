"""The monthly completion report (業務完了報告書): drafted on the 1st, reviewed, issued, frozen."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from billing.documents import report_csv, report_pdf
from billing.errors import FrozenError
from billing.models import CompletionReport, DocumentStatus
from billing.services.reports import report_draft, report_issue
from billing.tasks import draft_reports_for_all_cities
from operations.models import Incident, Severity
from telephony_adapter.models import CallRecord, Complaint, EndReason
from tests.billing.factories import TOKYO, book, cancel

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def _calls(city):
    with tenant_context(city):
        start = dt.datetime(2026, 11, 5, 10, tzinfo=TOKYO)
        for n in range(4):  # four callers asked for an operator: three answered, one hung up waiting
            answered = n < 3
            CallRecord.objects.create(provider="twilio", call_id=f"CArep{n}", started_at=start,
                                      enqueued_at=start, answered_at=start + dt.timedelta(seconds=15) if answered
                                      else None, ended_at=start + dt.timedelta(minutes=3),
                                      end_reason=EndReason.OPERATOR if answered else EndReason.ABANDONED)
        Complaint.objects.create(category=Complaint.Category.WAITING, description="待ち時間が長い",
                                 status=Complaint.Status.IN_PROGRESS)
        Complaint.objects.create(category=Complaint.Category.OPERATOR, description="説明が丁寧",
                                 status=Complaint.Status.RESOLVED, resolution="お礼を伝えた")


def test_the_report_of_the_month_is_drafted_on_the_first_with_the_citys_figures(city_a, city_b, platform_admin):
    book(city_a, dt.datetime(2026, 11, 2, 10, tzinfo=TOKYO))
    cancelled = book(city_a, dt.datetime(2026, 11, 2, 11, tzinfo=TOKYO))
    cancel(city_a, cancelled, dt.datetime(2026, 11, 3, 10, tzinfo=TOKYO))
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=TOKYO), tick=False):
        _calls(city_a)
    Incident.objects.create(scope="alpha", component="web", severity=Severity.MAJOR, title="予約画面の停止",
                            opened_at=dt.datetime(2026, 11, 10, 10, tzinfo=TOKYO),
                            resolved_at=dt.datetime(2026, 11, 10, 11, 30, tzinfo=TOKYO))
    Incident.objects.create(scope="", component="web", severity=Severity.MINOR, title="応答の遅延",
                            opened_at=dt.datetime(2026, 11, 30, 23, tzinfo=TOKYO),
                            resolved_at=dt.datetime(2026, 12, 1, 1, tzinfo=TOKYO))
    Incident.objects.create(scope="beta", component="web", severity=Severity.MAJOR, title="他市",
                            opened_at=dt.datetime(2026, 11, 12, 10, tzinfo=TOKYO),
                            resolved_at=dt.datetime(2026, 11, 12, 12, tzinfo=TOKYO))

    with time_machine.travel(dt.datetime(2026, 12, 1, 5, tzinfo=TOKYO), tick=False):
        assert draft_reports_for_all_cities() >= 2

    report = CompletionReport.objects.get(municipality=city_a, month=NOV)
    figures = report.figures
    assert report.status == DocumentStatus.DRAFT
    assert figures["bookings"] == {"staff": 2} and figures["cancellations"] == {"staff": 1}
    assert figures["calls"]["offered"] == 4 and figures["calls"]["answered"] == 3
    assert figures["calls"]["answer_rate"] == 0.75 and figures["calls"]["abandonment_rate"] == 0.25
    assert sorted(row["status"] for row in figures["complaints"]) == ["in_progress", "resolved"]
    assert figures["complaints_open"] == 1
    assert [row["title"] for row in figures["incidents"]] == ["予約画面の停止", "応答の遅延"]
    assert figures["downtime_minutes"] == 90  # degraded performance is an incident without downtime
    other = CompletionReport.objects.get(municipality=city_b, month=NOV)
    assert other.figures["downtime_minutes"] == 120 and other.figures["bookings"] == {}

    csv = report_csv(report).decode("utf-8-sig")
    assert any(line.startswith("bookings_by_channel,") and line.endswith(",2,0,1") for line in csv.splitlines())
    assert "0.75" in csv and "incident,2026-11-10T10:00:00+09:00,2026-11-10T11:30:00+09:00,予約画面の停止" in csv
    assert report_pdf(report).startswith(b"%PDF")


def test_an_issued_report_is_frozen(city_a, platform_admin):
    report = report_issue(report=report_draft(municipality=city_a, month=NOV), actor=platform_admin,
                          remarks="特記事項なし")
    assert (report.status, report.remarks, report.issued_by_label) == (DocumentStatus.ISSUED, "特記事項なし",
                                                                       platform_admin.username)
    book(city_a, dt.datetime(2026, 11, 2, 10, tzinfo=TOKYO))
    again = report_draft(municipality=city_a, month=NOV)  # the scheduled task running late
    assert again.pk == report.pk and again.figures["bookings"] == {}
    with pytest.raises(FrozenError):
        report_issue(report=report, actor=platform_admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionReport.objects.filter(pk=report.pk).update(remarks="書き換え")
    report.refresh_from_db()
    assert report.remarks == "特記事項なし"
