"""Staff sessions end when idle, and a user can log out everywhere (SYS-5)."""
from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import PlatformAuditEntry
from tests.lgwan_access.auth import verified_login

pytestmark = pytest.mark.django_db


def test_an_idle_staff_session_goes_back_to_the_login(staff_client_a, settings, time_machine):
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 1800
    time_machine.move_to("2026-11-02 09:00:00+09:00", tick=False)
    client = staff_client_a()
    assert client.get("/staff/").status_code == 200
    time_machine.move_to("2026-11-02 09:29:00+09:00", tick=False)
    assert client.get("/staff/").status_code == 200  # activity keeps it alive
    time_machine.move_to("2026-11-02 10:00:00+09:00", tick=False)
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "一定時間操作がなかったため" in page


def test_log_out_everywhere_ends_every_session_of_the_user(staff_client_a, staff_a):
    office = staff_client_a(user=staff_a)
    laptop = verified_login(Client(HTTP_HOST="alpha.localhost"), staff_a)
    assert office.get("/staff/").status_code == 200 and laptop.get("/staff/").status_code == 200
    response = office.post("/accounts/logout-everywhere/")
    assert response.status_code == 302
    assert office.get("/staff/").status_code == 302
    assert laptop.get("/staff/").status_code == 302
    assert PlatformAuditEntry.objects.filter(action="user.sessions_revoke", subject_user=staff_a).exists()
    staff_a.refresh_from_db()  # a new login works
    assert verified_login(Client(HTTP_HOST="alpha.localhost"), staff_a).get("/staff/").status_code == 200


def test_every_user_can_change_their_password_and_other_sessions_end(client_a, staff_a):
    from tests.tenants.factories import TEST_PASSWORD

    other = verified_login(Client(HTTP_HOST="alpha.localhost"), staff_a)
    verified_login(client_a, staff_a)
    response = client_a.post("/accounts/password/", {
        "old_password": TEST_PASSWORD, "new_password1": "a-new-long-passphrase-9",
        "new_password2": "a-new-long-passphrase-9"})
    assert response.status_code == 302
    assert client_a.get("/staff/").status_code == 200  # this session stays
    assert other.get("/staff/").status_code == 302


def test_staff_change_their_password_only_after_the_second_factor(client_a, staff_a):
    client_a.force_login(staff_a)  # the password alone
    response = client_a.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/second-factor/")
    verified_login(client_a, staff_a)
    assert client_a.get("/accounts/password/").status_code == 200
