"""Staff API tokens: only a hash is kept, shown once, revocable, bound to the city and to the user's role."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.models import AuditEntry
from lgwan_access.network.models import StaffApiToken
from tenants.models import Membership, Role
from tests.lgwan_access.api.conftest import make_token, token_client
from tests.lgwan_access.auth import verified_login
from tests.tenants.factories import MembershipFactory

PLACES = "/api/staff/v1/places/"


def _secret_on(page: str) -> str:
    return re.search(r'data-testid="api-token-secret">([^<]+)<', page).group(1)


def test_a_token_is_made_on_the_console_shown_once_and_kept_only_as_a_hash(client_a, staff_a, city_a):
    verified_login(client_a, staff_a)
    response = client_a.post("/staff/api-tokens/", {"name": "集計スクリプト"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = _secret_on(response.content.decode())

    token = StaffApiToken.objects.get(user=staff_a, municipality=city_a)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(secret) > 50 and len(token.prefix) == 12
    listing = client_a.get("/staff/api-tokens/").content.decode()
    assert secret not in listing and token.prefix in listing and "集計スクリプト" in listing
    with tenant_context(city_a):
        entry = AuditEntry.objects.get(action="staff_api_token.create")
    assert entry.actor_user_id == staff_a.pk and entry.changes["prefix"] == token.prefix

    assert token_client(city_a, secret).get(PLACES).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_without_a_name_is_refused_and_nothing_is_made(client_a, staff_a):
    verified_login(client_a, staff_a)
    response = client_a.post("/staff/api-tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not StaffApiToken.objects.filter(user=staff_a).exists()


def test_a_revoked_token_stops_working_at_once(client_a, staff_a, city_a):
    secret = make_token(staff_a, city_a)
    api = token_client(city_a, secret)
    assert api.get(PLACES).status_code == 200
    verified_login(client_a, staff_a)
    token = StaffApiToken.objects.get(user=staff_a)
    response = client_a.post(f"/staff/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    refused = api.get(PLACES)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    with tenant_context(city_a):
        assert AuditEntry.objects.filter(action="staff_api_token.revoke", actor_user=staff_a).exists()


def test_nobody_revokes_another_users_token(client_a, staff_a, city_a):
    secret = make_token(staff_a, city_a)
    other = MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user
    verified_login(client_a, other)
    token = StaffApiToken.objects.get(user=staff_a)
    assert client_a.post(f"/staff/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token_client(city_a, secret).get(PLACES).status_code == 200


def test_a_token_ends_with_its_users_staff_role_or_account(staff_a, city_a):
    secret = make_token(staff_a, city_a)
    api = token_client(city_a, secret)
    membership = Membership.objects.get(user=staff_a, municipality=city_a)
    membership.role = Role.OPERATOR
    membership.save()
    assert api.get(PLACES).status_code == 401
    membership.role = Role.STAFF
    membership.save()
    assert api.get(PLACES).status_code == 200
    staff_a.is_active = False
    staff_a.save()
    assert api.get(PLACES).status_code == 401


def test_unknown_or_malformed_tokens_are_refused(city_a):
    for header in ("Bearer mdg_not-a-real-token", "Bearer", "Bearer a b", "Token x"):
        response = token_client(city_a, None, HTTP_AUTHORIZATION=header).get(PLACES)
        assert response.status_code == 401, header
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_last_use_is_written_at_most_once_a_minute(staff_a, city_a):
    secret = make_token(staff_a, city_a)
    api = token_client(city_a, secret)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get(PLACES)
    token = StaffApiToken.objects.get(user=staff_a)
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        api.get(PLACES)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        api.get(PLACES)
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(minutes=2)


def test_the_api_tokens_page_is_in_the_console_menu(client_a, staff_a):
    verified_login(client_a, staff_a)
    page = client_a.get("/staff/").content.decode()
    assert 'href="/staff/api-tokens/"' in page


def test_too_many_requests_are_refused_with_429_in_the_error_shape(api_a, settings, shared_cache):
    settings.STAFF_API_RATE = "3/min"
    for _ in range(3):
        assert api_a.get(PLACES).status_code == 200
    refused = api_a.get(PLACES)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled" and int(refused["Retry-After"]) >= 1
