"""Service level figures, the answer-rate alert, the monthly report, the staffing calculator (CC-2, CC-7, CC-14)."""
from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tenants.utils import tenant_context

from telephony_adapter.models import AnswerRateAlert, CallRecord, Complaint, EndReason, Outcome
from telephony_adapter.selectors.reports import monthly_report, monthly_report_csv, monthly_report_pdf
from telephony_adapter.selectors.statistics import service_level, service_levels_by
from telephony_adapter.services.alerts import answer_rate_check
from telephony_adapter.staffing import agents_needed, erlang_a, erlang_c_service_level
from tenants.models import Role
from tests.telephony_adapter.conftest import MONDAY_10
from tests.telephony_adapter.factories import make_operator, tokyo
from tests.telephony_adapter.test_calls import logged_in

pytestmark = pytest.mark.django_db
_ids = iter(range(1, 10**6))


def call(started, *, waited=None, handled=None, reason=EndReason.OPERATOR, outcome=Outcome.ENQUIRY):
    """A finished call that asked for an operator `waited` seconds before being answered (None: never)."""
    enqueued = started + dt.timedelta(seconds=10)
    answered = enqueued + dt.timedelta(seconds=waited) if waited is not None else None
    ended = (answered + dt.timedelta(seconds=handled)) if answered and handled else enqueued + dt.timedelta(seconds=60)
    return CallRecord.objects.create(provider="twilio", call_id=f"CAstat{next(_ids)}", started_at=started,
                                     enqueued_at=enqueued, answered_at=answered, ended_at=ended,
                                     end_reason=reason if answered is None or reason != EndReason.OPERATOR else reason,
                                     outcome=outcome)


def test_answer_rate_abandonment_speed_and_handle_time(in_city_a):
    for n in range(8):
        call(MONDAY_10 + dt.timedelta(minutes=n), waited=10 + 5 * n, handled=300)
    call(MONDAY_10, reason=EndReason.ABANDONED, outcome=Outcome.OTHER)
    call(MONDAY_10, reason=EndReason.OVERFLOW, outcome=Outcome.OTHER)
    level = service_level(start=MONDAY_10 - dt.timedelta(hours=1), end=MONDAY_10 + dt.timedelta(hours=1))
    assert (level.offered, level.answered, level.abandoned, level.overflowed) == (10, 8, 1, 1)
    assert level.answer_rate == 0.8 and level.abandonment_rate == 0.1
    assert level.answered_in_time == 3  # waited 10, 15, 20 s
    assert level.asa_seconds == pytest.approx(sum(10 + 5 * n for n in range(8)) / 8)
    assert level.handle_seconds == 300
    (hour, by_hour), = service_levels_by("hour", start=MONDAY_10 - dt.timedelta(hours=1),
                                          end=MONDAY_10 + dt.timedelta(hours=1))
    assert hour == tokyo(2026, 6, 1, 10) and by_hour.offered == 10


def test_alert_when_the_last_hours_answer_rate_drops_below_target(in_city_a, django_capture_on_commit_callbacks):
    supervisor = make_operator(in_city_a, role=Role.OPERATOR_SUPERVISOR)
    for n in range(4):
        call(MONDAY_10 + dt.timedelta(minutes=n), waited=5, handled=200)
    for n in range(2):
        call(MONDAY_10 + dt.timedelta(minutes=n), reason=EndReason.ABANDONED, outcome=Outcome.OTHER)
    now = MONDAY_10 + dt.timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        alert = answer_rate_check(now)
    assert alert is not None and (alert.offered, alert.answered) == (6, 4)
    (sent,) = mail.outbox
    assert sent.to == [supervisor.email] and "67%" in sent.subject
    assert answer_rate_check(now + dt.timedelta(minutes=10)) is None  # once per hour
    assert AnswerRateAlert.objects.count() == 1


def test_no_alert_when_the_answer_rate_meets_the_target(in_city_a):
    for n in range(10):
        call(MONDAY_10 + dt.timedelta(minutes=n), waited=5, handled=200)
    assert answer_rate_check(MONDAY_10 + dt.timedelta(minutes=30)) is None


def test_monthly_report_as_csv_and_pdf(in_city_a, platform_client):
    call(tokyo(2026, 6, 3, 11), waited=8, handled=240, outcome=Outcome.BOOKED)
    call(tokyo(2026, 7, 1, 11), waited=8, handled=240)  # next month: not in June's report
    Complaint.objects.create(category="operator", description="=HYPERLINK(\"x\") 説明が不親切", recorded_by_label="op1")
    Complaint.objects.filter().update(created_at=tokyo(2026, 6, 10, 9))
    report = monthly_report(2026, 6)
    assert len(report.calls) == 1 and report.level.answered == 1 and len(report.complaints) == 1
    text = monthly_report_csv(report, {"web": "Web", "phone": "Phone"})
    assert "case," in text and "calls_by_outcome,booked,1" in text and "service_level,1,1,1,1.000" in text
    assert "'=HYPERLINK" in text  # a complaint's text never runs as a spreadsheet formula
    pdf = monthly_report_pdf(report, {"city": in_city_a, "channel_names": {"web": "Web"}, "generated_at": MONDAY_10,
                                      "outcome_names": {"booked": "予約受付"}})
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    supervisor = make_operator(in_city_a, role=Role.OPERATOR_SUPERVISOR)
    response = logged_in(platform_client, supervisor).get("/operator/city/alpha/report/2026-06.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_erlang_c_gives_the_published_38_operators():
    result = agents_needed(calls_per_hour=300, handle_seconds=360, target=0.9, within_seconds=20)
    assert result.agents == 38 and result.traffic == 30
    assert erlang_c_service_level(37, 30, 360, 20) < 0.9 <= result.service_level


def test_erlang_a_without_abandonment_is_erlang_c_and_patience_lowers_the_answer_rate():
    patient = erlang_a(38, 300, 360, patience_seconds=1e9, within_seconds=20)
    assert patient.service_level == pytest.approx(erlang_c_service_level(38, 30, 360, 20), abs=1e-6)
    impatient = erlang_a(31, 300, 360, patience_seconds=60, within_seconds=20)
    assert 0 < impatient.abandon_probability < 0.2 and impatient.answer_rate == 1 - impatient.abandon_probability


def test_staffing_command_prints_the_operators_and_the_service_level():
    out = StringIO()
    call_command("staffing", "--calls-per-hour", "300", "--handle-seconds", "360", "--target", "0.9",
                 "--within-seconds", "20", stdout=out)
    assert "operators needed: 38" in out.getvalue() and "92.8 % answered within 20 s" in out.getvalue()


def test_wallboard_refreshes_without_javascript_and_serves_json(clock, city_a, platform_client):
    supervisor = make_operator(city_a, role=Role.OPERATOR_SUPERVISOR)
    console = logged_in(platform_client, supervisor)
    page = console.get("/operator/wallboard/").content.decode()
    assert '<meta http-equiv="refresh" content="15">' in page and "wallboard.js" in page
    data = console.get("/operator/wallboard.json").json()
    assert data["queues"]["alpha"]["waiting"] == 0 and "available" in data["operators"]
    staffing = console.get("/operator/staffing/", {"calls_per_hour": "300", "handle_seconds": "360",
                                                     "target": "0.9", "within_seconds": "20",
                                                     "patience_seconds": "120"}).content.decode()
    assert "必要なオペレーター：38人" in staffing


def test_connect_adapter_runs_the_same_flow(clock, numbers, city_b, platform_client):
    import json

    from tests.telephony_adapter.factories import connect_post

    first = connect_post(platform_client, contact_id="c-1", to="+81120222222")
    attributes = first.json()
    assert first.status_code == 200 and attributes["next"] == "gather" and attributes["language"] == "ja-JP"
    reply = connect_post(platform_client, contact_id="c-1", to="+81120222222", event="input",
                         step=attributes["step"], digits="3")
    assert reply.json()["next"] == "disconnect"
    with tenant_context(city_b):
        assert CallRecord.objects.get(call_id="c-1").provider == "connect"
    forged = platform_client.post("/telephony/connect/", json.dumps({"Details": {}}), content_type="application/json",
                                  HTTP_X_MADOGUCHI_SIGNATURE="0" * 64)
    assert forged.status_code == 403
