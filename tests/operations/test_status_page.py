"""The status page on the platform's and each city's domain, from its snapshot, in the reader's language (SEC-6)."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from operations.checks import CheckResult
from operations.services.incidents import checks_record, incident_post_update
from operations.services.status_page import status_snapshot_read, status_snapshot_refresh

pytestmark = pytest.mark.django_db


def open_incident(check: str, scope: str = "", waiting=None):
    for seconds in (0, 15):
        checks_record([CheckResult(check, False, "internal detail 10.0.0.7", scope=scope, waiting=waiting)],
                      now=timezone.now() + dt.timedelta(seconds=seconds))


def test_all_operational_in_japanese_on_a_citys_domain(client_b):
    status_snapshot_refresh()
    page = client_b.get("/status/")
    text = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == "ja"
    assert "白浜市" in text and "すべてのサービスは正常に稼働しています" in text
    assert 'http-equiv="refresh"' in text and "<script" not in text  # refreshes itself without JavaScript
    assert "Content-Security-Policy" in page.headers


def test_a_citys_page_shows_its_own_and_platform_incidents_with_recovery_progress_not_other_cities(
        client_a, client_b):
    open_incident("worker", waiting=200)
    checks_record([CheckResult("worker", False, "stale", waiting=50)], now=timezone.now() + dt.timedelta(seconds=30))
    open_incident("booking_path", scope="beta")
    status_snapshot_refresh()
    alpha = client_a.get("/status/?lang=en").content.decode()
    assert "Mails are held back: no worker is sending them" in alpha and "Every city" in alpha
    assert "Recovery: 150 of 200 delayed items processed" in alpha and 'value="75"' in alpha
    assert "Booking does not work" not in alpha  # beta's own trouble is beta's
    assert "10.0.0.7" not in alpha  # the on-call's detail never reaches the public
    beta = client_b.get("/status/").content.decode()
    assert "予約ができません" in beta


def test_the_platforms_page_lists_every_language_and_an_update_written_by_a_person(platform_client):
    open_incident("broker")
    from operations.models import Incident

    incident_post_update(incident=Incident.objects.get(), status="identified", text="Redis node replaced.",
                         author="ops")
    status_snapshot_refresh()
    page = platform_client.get("/status/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'lang="ko"' in page and "Redis node replaced." in page
    assert all(f"?lang={code}" in page for code in ("ja", "en", "zh-hans", "ko", "es", "pt-br"))


def test_served_from_the_snapshot_without_touching_the_database(client_a, django_assert_num_queries):
    open_incident("worker")
    status_snapshot_refresh()
    with django_assert_num_queries(0):
        page = client_a.get("/status/?lang=en")
    assert page.status_code == 200 and "Mails are held back" in page.content.decode()


def test_while_the_database_is_down_the_last_snapshot_is_served_and_says_so(client_a, monkeypatch):
    open_incident("worker")
    status_snapshot_refresh()

    def database_gone(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("operations.status_view.status_snapshot_refresh", database_gone)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        page = client_a.get("/status/?lang=en").content.decode()
    assert "Mails are held back" in page and "could not be brought up to date" in page
    assert status_snapshot_read() is not None


def test_resolved_incidents_stay_listed_as_resolved(client_a):
    open_incident("disk")
    for seconds in (60, 75):
        checks_record([CheckResult("disk", True, "fine")], now=timezone.now() + dt.timedelta(seconds=seconds))
    status_snapshot_refresh()
    page = client_a.get("/status/?lang=en").content.decode()
    assert "All services are working normally." in page and "Resolved in the last three days" in page
    assert "Disk space is running low" in page and "The service works normally again." in page
