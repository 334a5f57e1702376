"""The staff console answers only from the city's LGWAN ranges (SEC-8)."""
from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_tenants.utils import tenant_context

from lgwan_access.models import StaffAccessEntry
from tenants.models import PlatformAuditEntry
from tenants.services.networks import LOOPBACK_RANGES, lgwan_ranges_parse, lgwan_ranges_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def lgwan_only(city_a):
    lgwan_ranges_set(city_a, ["10.20.0.0/16"], actor=None)
    yield city_a
    lgwan_ranges_set(city_a, LOOPBACK_RANGES, actor=None)


def test_staff_inside_the_ranges_reach_the_console(staff_client_a, lgwan_only):
    client = staff_client_a(REMOTE_ADDR="10.20.3.4")
    assert client.get("/staff/").status_code == 200


def test_staff_outside_the_ranges_get_the_no_access_page_and_a_security_event(staff_client_a, lgwan_only, caplog):
    client = staff_client_a(REMOTE_ADDR="192.0.2.7")
    with caplog.at_level(logging.WARNING, logger="madoguchi.security"):
        response = client.get("/staff/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "アクセス権限がありません" in page
    assert "北区役所" not in page
    assert any("refused_network" in record.getMessage() for record in caplog.records)
    with tenant_context(lgwan_only):
        entry = StaffAccessEntry.objects.get(action=StaffAccessEntry.Action.REFUSED_NETWORK)
    assert entry.client_address == "192.0.2.7" and entry.user == client.user and entry.target == "/staff/"


def test_an_anonymous_visitor_outside_is_refused_before_the_login(client_a, lgwan_only):
    response = client_a.get("/staff/", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 403


def test_a_city_without_ranges_answers_nobody(staff_client_a, city_a):
    lgwan_ranges_set(city_a, [], actor=None)
    try:
        assert staff_client_a().get("/staff/").status_code == 403
    finally:
        lgwan_ranges_set(city_a, LOOPBACK_RANGES, actor=None)


@override_settings(MADOGUCHI_TRUSTED_PROXIES=["127.0.0.1"])
def test_the_proxy_header_counts_only_from_a_trusted_proxy(staff_client_a, lgwan_only):
    behind_proxy = staff_client_a(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.20.9.9")
    assert behind_proxy.get("/staff/").status_code == 200
    forged = staff_client_a(REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="10.20.9.9")
    assert forged.get("/staff/").status_code == 403
    outside_via_proxy = staff_client_a(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert outside_via_proxy.get("/staff/").status_code == 403


def test_ranges_are_validated_normalised_and_audited(city_a, platform_admin):
    with pytest.raises(ValidationError) as error:
        lgwan_ranges_parse("10.0.0.0/33\n10.0.0.1/24 nonsense")
    assert len(error.value.messages) == 3
    assert lgwan_ranges_parse("10.1.0.0/16, 10.1.0.0/16\n2001:db8::/32") == ["10.1.0.0/16", "2001:db8::/32"]
    before = list(city_a.lgwan_networks)
    with pytest.raises(ValidationError):
        lgwan_ranges_set(city_a, ["10.0.0.0/8", "bad"], actor=platform_admin)
    city_a.refresh_from_db()
    assert city_a.lgwan_networks == before
    lgwan_ranges_set(city_a, "10.0.0.0/8\n::1/128", actor=platform_admin, reason="new LGWAN segment")
    city_a.refresh_from_db()
    assert city_a.lgwan_networks == ["10.0.0.0/8", "::1/128"]
    entry = PlatformAuditEntry.objects.filter(action="municipality.lgwan_networks", municipality=city_a).first()
    assert entry.actor == platform_admin and entry.changes["lgwan_networks"][1] == ["10.0.0.0/8", "::1/128"]
    lgwan_ranges_set(city_a, LOOPBACK_RANGES, actor=None)


def test_the_test_cities_allow_loopback(city_a, city_b):
    assert city_a.lgwan_networks == LOOPBACK_RANGES and city_b.lgwan_networks == LOOPBACK_RANGES


def test_the_staff_admin_edits_the_ranges_but_cannot_lock_themselves_out(staff_client_a, city_a):
    admin = staff_client_a(role="staff_admin")
    refused = admin.post("/staff/networks/", {"ranges": "10.20.0.0/16"})
    assert refused.status_code == 200 and "127.0.0.1" in refused.content.decode()
    bad = admin.post("/staff/networks/", {"ranges": "127.0.0.0/8\n10.0.0.1/24"})
    assert "10.0.0.1/24" in bad.content.decode()
    city_a.refresh_from_db()
    assert city_a.lgwan_networks == LOOPBACK_RANGES
    saved = admin.post("/staff/networks/", {"ranges": "127.0.0.0/8\n10.20.0.0/16", "reason": "new building"})
    assert saved.status_code == 302
    city_a.refresh_from_db()
    assert city_a.lgwan_networks == ["127.0.0.0/8", "10.20.0.0/16"]
    assert PlatformAuditEntry.objects.filter(action="municipality.lgwan_networks", actor=admin.user,
                                             reason="new building").exists()
    assert staff_client_a().post("/staff/networks/", {"ranges": "0.0.0.0/0"}).status_code == 403
    lgwan_ranges_set(city_a, LOOPBACK_RANGES, actor=None)


def test_a_user_without_a_staff_role_is_refused_and_recorded(client_a, operator_ab, city_a):
    from tests.lgwan_access.auth import verified_login

    verified_login(client_a, operator_ab)
    assert client_a.get("/staff/").status_code == 403
    with tenant_context(city_a):
        entry = StaffAccessEntry.objects.get(action=StaffAccessEntry.Action.REFUSED_ROLE)
    assert entry.user == operator_ab and entry.client_address == "127.0.0.1"
