"""The operator console: only the operator's cities, complaints reported at once, referrals, settings."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from telephony_adapter.models import CallCentreDay, CallCentreSettings, CallRecord, CallReferral, Complaint, Referral
from telephony_adapter.selectors.complaints import city_complaints
from telephony_adapter.selectors.hours import lines_open
from tenants.models import Role
from tests.telephony_adapter.conftest import ALPHA_NUMBER, MONDAY_10, bookable_notice
from tests.telephony_adapter.factories import Caller, make_operator, tokyo
from tests.telephony_adapter.test_calls import logged_in

pytestmark = pytest.mark.django_db


def test_console_shows_only_the_operators_cities(city_a, city_b, platform_client):
    operator = make_operator(city_a)
    console = logged_in(platform_client, operator)
    home = console.get("/operator/").content.decode()
    assert "青葉市" in home and "白浜市" not in home
    assert console.get("/operator/city/alpha/").status_code == 200
    assert console.get("/operator/city/beta/").status_code == 404
    assert console.post("/operator/city/beta/book/", {"number": "X", "slot": "1"}).status_code == 404
    assert console.get("/operator/city/alpha/settings/").status_code == 403  # supervisors only
    assert console.get("/operator/wallboard/").status_code == 403


def test_staff_without_an_operator_role_cannot_open_the_console(city_a, platform_client):
    staff = make_operator(city_a, role=Role.STAFF)
    assert logged_in(platform_client, staff).get("/operator/").status_code == 403
    assert platform_client.logout() is None
    assert platform_client.get("/operator/").status_code == 302


def test_switching_city_keeps_the_login(city_a, city_b, operator_ab, platform_client):
    console = logged_in(platform_client, operator_ab)
    assert "青葉市" in console.get("/operator/city/alpha/").content.decode()
    assert "白浜市" in console.get("/operator/city/beta/").content.decode()
    assert console.get("/operator/city/alpha/").status_code == 200


def test_a_complaint_is_recorded_and_mailed_to_the_city_at_once(clock, numbers, city_a, platform_client,
                                                                 django_capture_on_commit_callbacks):
    city_a.contact_email = "kouhu@alpha.example.org"
    city_a.save(update_fields=["contact_email"])
    operator = make_operator(city_a, available_since=MONDAY_10)
    caller = Caller(to=ALPHA_NUMBER)
    caller.dial(), caller.press("1"), caller.press("1")
    caller.operator_answers()
    console = logged_in(platform_client, operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post("/operator/city/alpha/complaints/", {
            "category": "waiting", "description": "20分待たされた"}, follow=True)
    assert "苦情を記録し、市に報告しました。" in response.content.decode()
    (sent,) = mail.outbox
    assert sent.to == ["kouhu@alpha.example.org"] and "苦情" in sent.subject and "20分待たされた" in sent.body
    with tenant_context(city_a):
        (complaint,) = city_complaints()
        assert complaint.reported_at is not None and complaint.category == "waiting"
        assert complaint.call.call_id == caller.call_id
        assert CallRecord.objects.get(call_id=caller.call_id).outcome == "complaint"
    console.post(f"/operator/city/alpha/complaints/{complaint.pk}/", {"status": "resolved", "resolution": "謝罪"})
    with tenant_context(city_a):
        assert Complaint.objects.get().status == "resolved"
        assert city_complaints(status="open") == []


def test_referral_directory_is_kept_by_supervisors_and_used_on_calls(clock, numbers, city_a, platform_client):
    supervisor = make_operator(city_a, role=Role.OPERATOR_SUPERVISOR, available_since=MONDAY_10)
    console = logged_in(platform_client, supervisor)
    console.post("/operator/city/alpha/referrals/", {"name": "マイナンバー総合フリーダイヤル",
                                                     "phone": "0120-95-0178", "sort_order": "1"})
    with tenant_context(city_a):
        referral = Referral.objects.get()
    caller = Caller(to=ALPHA_NUMBER)
    caller.dial(), caller.press("1"), caller.press("1")
    caller.operator_answers()
    response = console.post("/operator/city/alpha/refer/", {"referral": referral.pk}, follow=True)
    assert "0120-95-0178" in response.content.decode()
    with tenant_context(city_a):
        assert CallReferral.objects.get().call.call_id == caller.call_id
        assert CallRecord.objects.get(call_id=caller.call_id).outcome == "referred"


def test_supervisors_edit_hours_and_days(clock, city_b, platform_client):
    supervisor = make_operator(city_b, role=Role.OPERATOR_SUPERVISOR)
    console = logged_in(platform_client, supervisor)
    console.post("/operator/city/beta/settings/", {
        "form": "settings", "opens_at": "09:00", "closes_at": "18:00", "closed_year_end": "on",
        "closed_on_holidays": "on", "max_queue_wait_seconds": "90", "answer_rate_target": "0.95",
        "alert_min_calls": "3"})
    console.post("/operator/city/beta/settings/", {"form": "day", "date": "2026-06-06", "is_open": "on",
                                                   "opens_at": "09:00", "closes_at": "12:00", "note": "休日開庁"})
    with tenant_context(city_b):
        policy = CallCentreSettings.objects.get()
        assert policy.opens_at == dt.time(9) and policy.max_queue_wait_seconds == 90
        assert not lines_open(tokyo(2026, 6, 1, 8, 45)) and lines_open(tokyo(2026, 6, 1, 17, 45))
        assert lines_open(tokyo(2026, 6, 6, 10, 0)) and not lines_open(tokyo(2026, 6, 6, 13, 0))
        assert CallCentreDay.objects.get().note == "休日開庁"


def test_booking_for_a_caller_moves_a_web_booking(clock, city_a, platform_client):
    from booking.models import Channel, Reservation, ReservationStatus
    from booking.services.reservations import reservation_book
    from tests.booking.factories import CITIZEN

    notice, slots = bookable_notice(city_a, "TST500005")
    with tenant_context(city_a):
        reservation_book(notice=notice, slot=slots[0], actor=CITIZEN)
    console = logged_in(platform_client, make_operator(city_a))
    response = console.post("/operator/city/alpha/book/", {"number": "TST500005", "slot": slots[2].pk}, follow=True)
    assert "予約を変更しました。" in response.content.decode()
    with tenant_context(city_a):
        moved = Reservation.objects.get(notice=notice, status=ReservationStatus.ACTIVE)
        assert moved.slot_id == slots[2].pk and moved.channel == Channel.WEB  # made on the web, moved by phone
        assert moved.audit_entries.filter(action="reservation.change", channel=Channel.PHONE).exists()
    console.post("/operator/city/alpha/cancel/", {"number": "TST500005"})
    with tenant_context(city_a):
        assert not Reservation.objects.filter(notice=notice, status=ReservationStatus.ACTIVE).exists()
