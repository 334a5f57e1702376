"""The citizen login's guards, one rule at a time, with a controlled clock (WEB-2, WEB-11)."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from booking.errors import ClientRefusedError, LoginFailedError, NoticeLockedError, NoticeNumberFormatError
from booking.models import AuditEntry, ClientLoginGuard, LoginFailureMinute, LoginLockEvent, NoticeLoginGuard
from booking.services.audit import Actor
from booking.services.citizen_login import (
    citizen_authenticate,
    client_key,
    notice_login_locked,
    notice_login_unlock,
)
from tests.booking.factories import NoticeFactory

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
CLIENT = "203.0.113.5"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def notice(in_city_a, clock):
    return NoticeFactory(number="AB1234567", birth_day=7, birth_month=3)


@pytest.fixture
def limits(settings):
    settings.BOOKING_CLIENT_WINDOW_MINUTES = 15
    settings.BOOKING_CLIENT_SLOW_AFTER = 100
    settings.BOOKING_CLIENT_SLOW_INTERVAL_SECONDS = 5
    settings.BOOKING_CLIENT_REFUSE_AFTER = 200
    settings.BOOKING_CITY_FAILURES_PER_MINUTE = 1000
    return settings


def attempt(day, number="AB1-234567", client=CLIENT, month=None):
    return citizen_authenticate(number=number, day=day, month=month, client=client)


def outcome(day, **kwargs) -> str:
    try:
        attempt(day, **kwargs)
    except LoginFailedError:
        return "failed"
    except NoticeLockedError:
        return "locked"
    except ClientRefusedError:
        return "refused"
    return "ok"


def set_policy(city, **fields):
    for name, value in fields.items():
        setattr(city, name, value)
    city.save(update_fields=list(fields))


# --- the secret ----------------------------------------------------------------------------------
def test_the_right_day_opens_the_notice_and_is_audited(notice, limits):
    assert attempt(7) == notice
    entry = AuditEntry.objects.get(action="notice.login")
    assert entry.notice == notice and entry.channel == "web" and entry.actor_kind == "citizen"


def test_month_and_day_mode_needs_both_right(notice, limits, city_a):
    set_policy(city_a, login_secret="month_day")
    try:
        assert outcome(7, month=4) == "failed"  # right day, wrong month
        assert outcome(8, month=3) == "failed"  # right month, wrong day
        assert outcome(7, month=3) == "ok"
    finally:
        set_policy(city_a, login_secret="day")


def test_month_and_day_mode_refuses_a_notice_without_a_month(in_city_a, clock, limits, city_a):
    NoticeFactory(number="AB7654321", birth_day=7, birth_month=None)
    set_policy(city_a, login_secret="month_day")
    try:
        assert outcome(7, number="AB7654321", month=1) == "failed"
    finally:
        set_policy(city_a, login_secret="day")


def test_numbers_that_can_never_be_a_notice_are_refused_before_any_count(notice, limits):
    for typed in ("", "---", "AB1-2345678901234567890123456789012345", "ﷺﷺﷺ", "AB1\x00234567", "日本"):
        with pytest.raises(NoticeNumberFormatError) as refused:
            attempt(7, number=typed)
        assert refused.value.field == "notice_number"
    assert not NoticeLoginGuard.objects.exists() and not ClientLoginGuard.objects.exists()


# --- the lock per number ---------------------------------------------------------------------------
def test_the_limit_locks_and_then_not_even_the_right_day_opens(notice, limits, city_a):
    assert city_a.login_failure_limit == 3
    assert [outcome(day) for day in (1, 2, 3, 7)] == ["failed", "failed", "locked", "locked"]
    guard = NoticeLoginGuard.objects.get(number="AB1234567")
    assert guard.failures == 3 and guard.locked_at == START
    assert LoginLockEvent.objects.filter(event="locked", number="AB1234567", source_address=CLIENT).count() == 1
    assert notice_login_locked("ab1-234567")


def test_a_city_may_allow_more_failures(notice, limits, city_a):
    set_policy(city_a, login_failure_limit=5)
    try:
        assert [outcome(day) for day in (1, 2, 3, 4, 5, 7)] == ["failed"] * 4 + ["locked", "locked"]
    finally:
        set_policy(city_a, login_failure_limit=3)


def test_a_success_clears_the_count(notice, limits):
    assert [outcome(day) for day in (1, 2, 7)] == ["failed", "failed", "ok"]
    assert NoticeLoginGuard.objects.get(number="AB1234567").failures == 0
    assert [outcome(day) for day in (1, 2, 7)] == ["failed", "failed", "ok"]  # two more tries, not zero


def test_a_lock_lapses_after_the_lock_period_and_then_counts_afresh(notice, limits, clock, city_a):
    assert city_a.login_lock_hours == 24
    for day in (1, 2, 3):
        outcome(day)
    clock.shift(dt.timedelta(hours=23, minutes=59))
    assert outcome(7) == "locked"
    clock.shift(dt.timedelta(minutes=2))
    assert not notice_login_locked("AB1234567")
    assert outcome(1) == "failed"  # counted afresh: one failure, not four
    assert NoticeLoginGuard.objects.get(number="AB1234567").failures == 1
    assert NoticeLoginGuard.objects.get(number="AB1234567").locked_at is None
    assert outcome(7) == "ok"


def test_a_lapsed_lock_locks_again_after_the_limit(notice, limits, clock):
    for day in (1, 2, 3):
        outcome(day)
    clock.shift(dt.timedelta(hours=25))
    assert [outcome(day) for day in (1, 2, 3, 7)] == ["failed", "failed", "locked", "locked"]


def test_lock_period_zero_means_only_staff_unlock(notice, limits, clock, city_a):
    set_policy(city_a, login_lock_hours=0)
    try:
        for day in (1, 2, 3):
            outcome(day)
        clock.shift(dt.timedelta(days=400))
        assert outcome(7) == "locked" and notice_login_locked("AB1234567")
        staff = Actor.system("staff test")
        assert notice_login_unlock(number="ab1 234567", actor=staff, client="192.0.2.1")
        assert not notice_login_unlock(number="AB1234567", actor=staff)  # nothing left to unlock
        assert outcome(7) == "ok"
        event = LoginLockEvent.objects.get(event="unlocked")
        assert event.actor_label == "staff test" and event.source_address == "192.0.2.1"
        assert AuditEntry.objects.filter(action="notice.unlock", notice=notice).count() == 1
    finally:
        set_policy(city_a, login_lock_hours=24)


def test_unknown_numbers_lock_like_real_ones(in_city_a, clock, limits):
    assert [outcome(day, number="QQ1-000001") for day in (1, 2, 3, 4)] == ["failed", "failed", "locked", "locked"]


def test_spellings_of_one_number_share_one_count(notice, limits):
    assert [outcome(1, number=typed) for typed in ("AB1-234567", "ａｂ１－２３４５６７", "ab1 234567")] == [
        "failed", "failed", "locked"]


# --- the client ------------------------------------------------------------------------------------
def test_client_addresses_are_kept_as_keyed_hashes(notice, limits):
    outcome(1)
    guard = ClientLoginGuard.objects.get()
    assert CLIENT not in guard.address_key and guard.address_key == client_key(CLIENT)
    assert len(guard.address_key) == 64 and guard.address_key != client_key("203.0.113.6")


def test_a_failing_client_is_slowed_then_refused_with_retry_after(in_city_a, clock, limits):
    limits.BOOKING_CLIENT_SLOW_AFTER, limits.BOOKING_CLIENT_REFUSE_AFTER = 3, 5
    numbers = [f"XX{n}000000" for n in range(10)]
    assert [outcome(1, number=numbers[n]) for n in range(3)] == ["failed"] * 3
    with pytest.raises(ClientRefusedError) as slowed:
        attempt(1, number=numbers[3])
    assert slowed.value.retry_after == 5 and slowed.value.status_code == 429
    clock.shift(dt.timedelta(seconds=5))
    assert outcome(1, number=numbers[3]) == "failed"  # one attempt per interval
    assert outcome(1, number=numbers[4]) == "refused"
    clock.shift(dt.timedelta(seconds=5))
    assert outcome(1, number=numbers[4]) == "failed"  # the fifth failure
    clock.shift(dt.timedelta(seconds=60))
    with pytest.raises(ClientRefusedError) as refused:
        attempt(1, number=numbers[5])
    assert refused.value.retry_after == 15 * 60 - 70  # until the window ends
    assert outcome(1, number=numbers[5], client="203.0.113.77") == "failed"  # only that client


def test_the_client_window_resets(in_city_a, clock, limits):
    limits.BOOKING_CLIENT_SLOW_AFTER, limits.BOOKING_CLIENT_REFUSE_AFTER = 2, 2
    assert [outcome(1, number=f"XY{n}000000") for n in range(3)] == ["failed", "failed", "refused"]
    clock.shift(dt.timedelta(minutes=15))
    assert outcome(1, number="XY3000000") == "failed"
    assert ClientLoginGuard.objects.get().failures == 1


def test_a_client_cannot_wash_its_failures_with_its_own_notice(notice, limits):
    limits.BOOKING_CLIENT_SLOW_AFTER, limits.BOOKING_CLIENT_REFUSE_AFTER = 3, 3
    for n in range(2):
        outcome(1, number=f"XZ{n}000000")
    assert outcome(7) == "ok"  # the attacker's own notice
    assert ClientLoginGuard.objects.get().failures == 2  # the success gave back only its own count
    assert outcome(1, number="XZ5000000") == "failed"
    assert outcome(1, number="XZ6000000") == "refused"


def test_a_locked_number_counts_against_the_client(notice, limits):
    for day in (1, 2, 3):
        outcome(day)
    outcome(7)
    assert ClientLoginGuard.objects.get().failures == 4


# --- the city ----------------------------------------------------------------------------------------
def test_a_spray_across_clients_is_logged_and_slows_clients_that_failed(in_city_a, clock, limits):
    limits.BOOKING_CITY_FAILURES_PER_MINUTE = 5
    for n in range(5):
        assert outcome(1, number=f"SP{n}000000", client=f"198.51.100.{n}") == "failed"
    assert LoginFailureMinute.objects.get(minute=START).failures == 5
    assert LoginLockEvent.objects.filter(event="spray").count() == 1
    # a client that already failed this window waits for the next minute …
    with pytest.raises(ClientRefusedError) as refused:
        attempt(1, number="SP9000000", client="198.51.100.1")
    assert refused.value.retry_after == 60
    # … one with a clean record still gets in
    assert outcome(2, number="SP8000000", client="198.51.100.200") == "failed"
    assert LoginLockEvent.objects.filter(event="spray").count() == 1  # logged once a minute
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        assert outcome(1, number="SP9000000", client="198.51.100.1") == "failed"


# --- what is recorded, and the edges ------------------------------------------------------------
def test_failures_and_locks_record_when_and_log_it(notice, limits, clock, caplog):
    outcome(1)
    guard = NoticeLoginGuard.objects.get(number="AB1234567")
    assert (guard.failures, guard.last_failure_at, guard.locked_at) == (1, START, None)
    clock.shift(dt.timedelta(minutes=3))
    outcome(2)
    clock.shift(dt.timedelta(minutes=1))
    with caplog.at_level("INFO", logger="booking.services.citizen_login"):
        outcome(3)
    guard.refresh_from_db()
    assert guard.last_failure_at == guard.locked_at == START + dt.timedelta(minutes=4)
    assert "locked after 3 failures" in caplog.text


def test_a_login_is_audited_as_the_notice_through_its_channel(notice, limits):
    citizen_authenticate(number="AB1234567", day=7, client="+81312345678", channel="ivr")
    entry = AuditEntry.objects.get(action="notice.login")
    assert entry.channel == "ivr" and entry.actor_label == f"notice:{notice.pk}"
    assert ClientLoginGuard.objects.get(address_key=client_key("+81312345678")).failures == 0


def test_a_city_that_locks_at_the_first_failure(notice, limits, city_a):
    set_policy(city_a, login_failure_limit=1)
    try:
        assert [outcome(day) for day in (1, 7)] == ["locked", "locked"]
    finally:
        set_policy(city_a, login_failure_limit=3)


def test_a_lock_of_one_hour_lapses_after_exactly_one_hour(notice, limits, clock, city_a):
    set_policy(city_a, login_lock_hours=1)
    try:
        for day in (1, 2, 3):
            outcome(day)
        clock.shift(dt.timedelta(minutes=59, seconds=59))
        assert notice_login_locked("AB1234567") and outcome(7) == "locked"
        clock.shift(dt.timedelta(seconds=1))
        assert not notice_login_locked("AB1234567")
        assert outcome(7) == "ok"
    finally:
        set_policy(city_a, login_lock_hours=24)


def test_an_unlock_starts_the_count_afresh_and_is_recorded(notice, limits):
    for day in (1, 2, 3):
        outcome(day)
    long_label = "operator " + "x" * 200
    assert notice_login_unlock(number="AB1-234567", actor=Actor.system(long_label), client="192.0.2.1")
    event = LoginLockEvent.objects.get(event="unlocked")
    assert event.number == "AB1234567" and event.actor_label == long_label[:150]
    entry = AuditEntry.objects.get(action="notice.unlock")
    assert entry.changes == {"number": "AB1234567"} and entry.notice == notice
    assert [outcome(day) for day in (1, 2)] == ["failed", "failed"]  # two more tries, as after any unlock


def test_nothing_to_unlock_for_numbers_never_seen_or_malformed(in_city_a, limits):
    staff = Actor.system("staff")
    assert not notice_login_unlock(number="ZZ9-999999", actor=staff)
    assert not notice_login_unlock(number="日本", actor=staff)
    assert not notice_login_locked("ZZ9999999")
    assert not LoginLockEvent.objects.exists() and not AuditEntry.objects.exists()


def test_a_success_gives_back_only_this_clients_count(notice, limits):
    outcome(1, number="XA1000000", client="198.51.100.1")
    outcome(1, number="XA2000000", client="198.51.100.2")
    assert outcome(7, client="198.51.100.3") == "ok"
    counts = {guard.address_key: guard.failures for guard in ClientLoginGuard.objects.all()}
    assert counts == {client_key("198.51.100.1"): 1, client_key("198.51.100.2"): 1, client_key("198.51.100.3"): 0}


def test_a_slowed_client_is_told_the_seconds_left(in_city_a, clock, limits):
    limits.BOOKING_CLIENT_SLOW_AFTER = 1
    outcome(1, number="XB1000000")
    clock.shift(dt.timedelta(seconds=4))
    with pytest.raises(ClientRefusedError) as refused:
        attempt(1, number="XB2000000")
    assert refused.value.retry_after == 1


def test_failures_of_one_minute_share_one_count(in_city_a, limits):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, 10, 123456, tzinfo=dt.UTC), tick=False):
        outcome(1, number="XC1000000", client="198.51.100.1")
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, 50, 654321, tzinfo=dt.UTC), tick=False):
        outcome(1, number="XC2000000", client="198.51.100.2")
    assert list(LoginFailureMinute.objects.values_list("minute", "failures")) == [(START, 2)]


def test_a_spray_is_logged_with_the_client_that_crossed_the_limit(in_city_a, clock, limits, caplog):
    limits.BOOKING_CITY_FAILURES_PER_MINUTE = 2
    outcome(1, number="XD1000000", client="198.51.100.1")
    with caplog.at_level("WARNING", logger="booking.services.citizen_login"):
        outcome(1, number="XD2000000", client="198.51.100.2")
    assert LoginLockEvent.objects.get(event="spray").source_address == "198.51.100.2"
    assert "2 failed logins in one minute in alpha" in caplog.text


def test_old_counters_are_forgotten_but_locks_are_kept(notice, limits, clock):
    from booking.services.citizen_login import login_counters_purge

    for day in (1, 2, 3):
        outcome(day)
    clock.shift(dt.timedelta(hours=12))
    assert login_counters_purge() == 0  # still within a day: kept
    clock.shift(dt.timedelta(days=2))
    assert login_counters_purge() == 2  # the client's window and the minute
    assert not ClientLoginGuard.objects.exists() and not LoginFailureMinute.objects.exists()
    assert NoticeLoginGuard.objects.get(number="AB1234567").locked_at is not None
