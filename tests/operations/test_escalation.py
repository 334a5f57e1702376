"""Alerts go out by mail and phone, again at the policy's interval, until someone acknowledges (SEC-4)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail

from operations.checks import CheckResult
from operations.models import Escalation, Incident, IncidentUpdate, Notification
from operations.services.escalation import escalations_run, policy_set
from operations.services.incidents import checks_record
from tests.operations.fake_carrier import SIGNATURE_HEADER

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
SIGNED = {f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": "good"}  # as the carrier signs its requests


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def open_worker_incident(at=T0, scope="") -> Incident:
    for seconds in (0, 15):  # two failing results in a row
        checks_record([CheckResult("worker", False, "last worker heartbeat 300 s ago", scope=scope, waiting=40)],
                      now=at + dt.timedelta(seconds=seconds))
    return Incident.objects.get(check_name="worker", scope=scope, resolved_at__isnull=True)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_one_failing_result_opens_nothing_two_in_a_row_open_one_incident():
    checks_record([CheckResult("worker", False, "stale")], now=T0)
    assert not Incident.objects.exists()
    incident = open_worker_incident(at=minutes(1))
    checks_record([CheckResult("worker", False, "stale", waiting=30)], now=minutes(2))
    assert Incident.objects.count() == 1
    incident.refresh_from_db()
    assert (incident.progress_total, incident.progress_done) == (40, 10)  # ten of forty delayed mails went out
    assert [u.message_key for u in incident.updates.all()] == ["detected"]


def test_the_on_call_is_called_by_mail_and_phone_every_interval_until_acknowledged_by_phone(
        platform_policy, carrier, client):
    incident = open_worker_incident()
    with time_machine.travel(T0, tick=False):
        assert escalations_run(now=T0) == 2  # round 1: the first contact, by mail and by phone
    assert [m.to for m in mail.outbox] == [["oncall@example.jp"]]
    assert "/operations/ack/" in mail.outbox[0].body and "ワーカー" in mail.outbox[0].subject
    assert len(carrier) == 1 and carrier[0]["to"] == "+81-3-1111-1111" and carrier[0]["language"] == "ja"
    assert "1" in carrier[0]["say"] and carrier[0]["reference"].startswith(f"incident-{incident.pk}-")

    assert escalations_run(now=minutes(4)) == 0  # not yet
    assert escalations_run(now=minutes(5)) == 2  # round 2, same person
    assert escalations_run(now=minutes(10)) == 2  # round 3: opened at 10:00:15, so the lead is not due yet
    assert escalations_run(now=minutes(15)) == 4  # round 4: the lead joins ten minutes after the opening
    assert len(carrier) == 5 and carrier[-1]["to"] == "+81-3-2222-2222" and carrier[-1]["language"] == "en"

    gather = path_of(carrier[-1]["gather_action_url"])
    refused = client.post(gather, {"Digits": "1"}, HTTP_HOST="localhost")  # not from the carrier
    assert refused.status_code == 403 and not Escalation.objects.filter(acknowledged_at__isnull=False).exists()
    wrong_key = client.post(gather, {"Digits": "9"}, HTTP_HOST="localhost", **SIGNED)
    assert wrong_key.status_code == 200 and not Escalation.objects.filter(acknowledged_at__isnull=False).exists()
    with time_machine.travel(minutes(16), tick=False):
        answer = client.post(gather, {"Digits": "1"}, HTTP_HOST="localhost",
                             **SIGNED)
    assert answer.status_code == 200 and b"<Say>" in answer.content

    incident.refresh_from_db()
    assert incident.acknowledged_at == minutes(16) and incident.acknowledged_via == "phone"
    assert incident.acknowledged_by == "Lead Two"
    assert escalations_run(now=minutes(20)) == 0 and escalations_run(now=minutes(60)) == 0  # no more calls
    assert Notification.objects.filter(kind="alert").count() == 10
    assert IncidentUpdate.objects.filter(incident=incident, message_key="acknowledged").exists()


def test_a_link_in_the_mail_acknowledges_after_a_button_press_not_on_opening(platform_policy, carrier, client):
    open_worker_incident()
    escalations_run(now=T0)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/operations/ack/" in line).strip()
    page = client.get(path_of(link), HTTP_HOST="localhost")  # mail scanners open links too
    assert page.status_code == 200 and not Incident.objects.filter(acknowledged_at__isnull=False).exists()
    done = client.post(path_of(link), HTTP_HOST="localhost")
    assert done.status_code == 200
    incident = Incident.objects.get()
    assert incident.acknowledged_via == "mail" and incident.acknowledged_by == "当番 一郎"
    assert escalations_run(now=minutes(30)) == 0
    assert client.get("/operations/ack/forged-token/", HTTP_HOST="localhost").status_code == 404


def test_resolution_stops_the_calls_and_tells_those_who_were_called(platform_policy, carrier):
    incident = open_worker_incident()
    escalations_run(now=T0)
    for seconds in (60, 75):
        checks_record([CheckResult("worker", True, "fresh", waiting=0)], now=T0 + dt.timedelta(seconds=seconds))
    incident.refresh_from_db()
    assert incident.resolved_at is not None and incident.progress_done == incident.progress_total
    assert [u.message_key for u in incident.updates.all()] == ["detected", "recovering", "recovered"]
    mail.outbox.clear()
    assert escalations_run(now=minutes(5)) == 1  # the resolution, to the one person called
    assert [m.to for m in mail.outbox] == [["oncall@example.jp"]] and "解決" in mail.outbox[0].subject
    assert escalations_run(now=minutes(10)) == 0 and len(carrier) == 1


def test_a_citys_incident_calls_that_city_and_the_platform_a_platform_incident_every_city_that_asked(
        platform_policy, carrier, city_a, city_b):
    alpha = policy_set(scope="alpha", repeat_minutes=10, contacts=[
        {"name": "青葉市 窓口", "email": "alpha@example.jp", "phone": "", "language": "ja", "by_phone": False}])
    beta = policy_set(scope="beta", repeat_minutes=10, include_platform_incidents=False, contacts=[
        {"name": "白浜市 窓口", "email": "beta@example.jp", "phone": "", "language": "ja", "by_phone": False}])
    city_incident = open_worker_incident(scope="alpha")
    platform_incident = open_worker_incident(scope="")
    escalations_run(now=T0)
    assert set(Escalation.objects.filter(incident=city_incident).values_list("policy", flat=True)) == {
        platform_policy.pk, alpha.pk}
    assert set(Escalation.objects.filter(incident=platform_incident).values_list("policy", flat=True)) == {
        platform_policy.pk, alpha.pk}
    assert not Escalation.objects.filter(policy=beta).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["alpha@example.jp", "alpha@example.jp",
                                                    "oncall@example.jp", "oncall@example.jp"]


def test_a_failed_call_is_recorded_and_tried_again_next_round(platform_policy, carrier, monkeypatch):
    from tests.operations import fake_carrier

    def busy(**kwargs):
        raise ConnectionError("carrier unreachable")

    monkeypatch.setattr(fake_carrier, "call_out", busy)
    open_worker_incident()
    escalations_run(now=T0)
    failed = Notification.objects.get(channel="phone")
    assert not failed.delivered and "carrier unreachable" in failed.error
    monkeypatch.undo()
    escalations_run(now=minutes(5))
    assert Notification.objects.filter(channel="phone", delivered=True, round=2).count() == 1


def test_two_monitors_never_call_the_same_round_twice(platform_policy, carrier):
    open_worker_incident()
    assert escalations_run(now=T0) == 2
    assert escalations_run(now=T0) == 0  # the second monitor finds the round already called


def test_the_signature_check_is_found_beside_call_out_or_in_the_adapters_providers(settings, monkeypatch, rf):
    import sys
    import types

    from operations.channels import gathered_digits, provider_request_valid

    outbound = types.ModuleType("fake_outbound")  # call_out only, as telephony_adapter.outbound has
    providers = types.ModuleType("fake_providers")
    providers.validate_provider_request = lambda request: request.headers.get("X-Signed") == "yes"
    monkeypatch.setitem(sys.modules, "fake_outbound", outbound)
    monkeypatch.setitem(sys.modules, "fake_providers", providers)
    settings.OPERATIONS_TELEPHONY_MODULE = "fake_outbound"
    settings.OPERATIONS_TELEPHONY_SIGNATURE_MODULE = "fake_providers"
    assert provider_request_valid(rf.post("/", HTTP_X_SIGNED="yes")) is True
    assert provider_request_valid(rf.post("/")) is False
    assert gathered_digits(rf.post("/", {"Digits": "1"})) == "1"
    assert gathered_digits(rf.post("/", '{"digits": "1"}', content_type="application/json")) == "1"
