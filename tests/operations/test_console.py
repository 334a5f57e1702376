"""The incident console: platform administrators acknowledge, post updates and resolve; nobody else sees it."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from operations.checks import CheckResult
from operations.models import Escalation, Incident
from operations.services.escalation import escalations_run
from operations.services.incidents import checks_record
from operations.services.status_page import status_snapshot_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(platform_policy, carrier):
    for seconds in (0, 15):
        checks_record([CheckResult("broker", False, "refused")], now=timezone.now() + dt.timedelta(seconds=seconds))
    escalations_run(now=timezone.now() + dt.timedelta(seconds=20))
    return Incident.objects.get()


def test_nobody_but_a_platform_administrator_sees_or_changes_incidents(incident, platform_client, staff_a):
    assert platform_client.get("/operations/").status_code == 302  # to the login
    platform_client.force_login(staff_a)
    assert platform_client.get("/operations/").status_code in (302, 403)
    refused = platform_client.post(f"/operations/incidents/{incident.pk}/acknowledge/")
    assert refused.status_code in (302, 403)
    incident.refresh_from_db()
    assert incident.acknowledged_at is None  # a refused request changed nothing


def test_acknowledge_update_and_resolve_from_the_console(incident, platform_client, platform_admin, client_a):
    platform_client.force_login(platform_admin)
    page = platform_client.get("/operations/").content.decode()
    assert f"/operations/incidents/{incident.pk}/" in page and "oncall@example.jp" in page
    timeline = platform_client.get(f"/operations/incidents/{incident.pk}/").content.decode()
    assert "round 1" in timeline and "refused" in timeline

    platform_client.post(f"/operations/incidents/{incident.pk}/acknowledge/")
    incident.refresh_from_db()
    assert incident.acknowledged_via == "console" and incident.acknowledged_by == platform_admin.username
    assert not Escalation.objects.filter(incident=incident, acknowledged_at__isnull=True).exists()

    platform_client.post(f"/operations/incidents/{incident.pk}/update/",
                         {"status": "identified", "text": "Redis restarted on a new node."})
    platform_client.post(f"/operations/incidents/{incident.pk}/resolve/", {"text": ""})
    incident.refresh_from_db()
    assert incident.resolved_at is not None and incident.resolved_by == platform_admin.username
    status_snapshot_refresh()
    status = client_a.get("/status/?lang=en").content.decode()
    assert "Redis restarted on a new node." in status and "Resolved in the last three days" in status


def test_an_empty_update_is_refused(incident, platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    platform_client.post(f"/operations/incidents/{incident.pk}/update/", {"status": "identified", "text": " "})
    assert incident.updates.count() == 1  # only the automatic "detected"


def test_a_city_onboarded_after_the_snapshot_gets_its_page(client_b):
    from operations.services.status_page import status_snapshot_build, status_snapshot_save

    older = status_snapshot_build(now=timezone.now() - dt.timedelta(seconds=20))
    older["domains"] = {domain: schema for domain, schema in older["domains"].items() if schema != "beta"}
    status_snapshot_save(older)  # written before beta was onboarded
    page = client_b.get("/status/")
    assert page.status_code == 200 and "白浜市" in page.content.decode()
