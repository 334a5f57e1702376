"""The password login is throttled per account and per address (SYS-5): 429 with Retry-After, no race."""
from __future__ import annotations

import threading

import pytest
from django.db import connections

from tenants.models import LoginThrottle
from tenants.services.login_throttle import LoginThrottled, login_throttle_admit
from tests.tenants.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.STAFF_LOGIN_ACCOUNT_LIMIT = 3
    settings.STAFF_LOGIN_ADDRESS_LIMIT = 5
    settings.STAFF_LOGIN_WINDOW_SECONDS = 900
    return settings


def _login(client, username, password, address="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_refused_after_the_limit_even_with_the_right_password(client_a, staff_a, limits):
    for _ in range(3):
        assert _login(client_a, staff_a.username, "wrong-password-1").status_code == 200
    refused = _login(client_a, staff_a.username, TEST_PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 900
    assert "15" in refused.content.decode()  # "… in 15 minutes"
    assert "_auth_user_id" not in client_a.session


def test_the_window_lapses_and_a_success_clears_the_account(client_a, staff_a, limits, time_machine):
    time_machine.move_to("2026-11-02 09:00:00+09:00", tick=False)
    for _ in range(3):
        _login(client_a, staff_a.username, "wrong-password-1")
    assert _login(client_a, staff_a.username, TEST_PASSWORD).status_code == 429
    time_machine.move_to("2026-11-02 09:16:00+09:00", tick=False)
    assert _login(client_a, staff_a.username, "wrong-password-1").status_code == 200
    assert _login(client_a, staff_a.username, TEST_PASSWORD).status_code == 302
    client_a.post("/accounts/logout/")
    for _ in range(3):
        assert _login(client_a, staff_a.username, "wrong-password-1").status_code == 200


def test_one_address_guessing_many_accounts_is_refused(client_a, limits):
    for n in range(5):
        assert _login(client_a, f"nobody{n}", "guess", address="192.0.2.9").status_code == 200
    assert _login(client_a, "nobody9", "guess", address="192.0.2.9").status_code == 429
    assert _login(client_a, "nobody9", "guess", address="192.0.2.10").status_code == 200


def test_parallel_attempts_never_pass_the_limit(django_db_blocker, limits):
    """Twenty attempts at once on one account: exactly the limit is admitted, whatever the timing."""
    admitted, refused = [], []
    barrier = threading.Barrier(10)

    def attempt(n):
        try:
            barrier.wait(timeout=10)
            login_throttle_admit("parallel-target", f"198.51.100.{n}")
            admitted.append(n)
        except LoginThrottled:
            refused.append(n)
        finally:
            connections.close_all()

    with django_db_blocker.unblock():
        try:
            threads = [threading.Thread(target=attempt, args=(n,)) for n in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(admitted) == 3 and len(refused) == 7
        finally:  # committed by the threads' own connections: cleaned up by one of its own
            cleanup = threading.Thread(target=_delete_rows, args=("parallel-target",))
            cleanup.start()
            cleanup.join()


def _delete_rows(username):
    from tenants.services.login_throttle import _key

    try:
        LoginThrottle.objects.filter(key__startswith="address:").delete()
        LoginThrottle.objects.filter(key=_key("account", username)).delete()
    finally:
        connections.close_all()


def test_old_counters_are_forgotten(limits, time_machine):
    from tenants.tasks import purge_login_throttle

    time_machine.move_to("2026-11-02 09:00:00+09:00", tick=False)
    for _ in range(2):
        login_throttle_admit("forgotten", "203.0.113.5")
    time_machine.move_to("2026-11-03 09:30:00+09:00", tick=False)
    login_throttle_admit("recent", "203.0.113.6")
    assert purge_login_throttle() == 2
    assert LoginThrottle.objects.count() == 2
