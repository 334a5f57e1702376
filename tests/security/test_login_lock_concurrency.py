"""Brute force by parallel guesses (WEB-11): 31 days sent at once per notice, over real HTTP connections.

Every request is its own connection to a threaded server, with its own database connection. At
most the city's limit of wrong days may ever be compared per number, whatever arrives together;
the right day gets in only if it was among those, and nothing gets in on a locked number.
"""
from __future__ import annotations

import http.client
import re
import threading
from collections import Counter, defaultdict
from urllib.parse import urlencode

import pytest
from django_tenants.utils import tenant_context

from booking.models import (
    AuditEntry,
    ClientLoginGuard,
    LoginFailureMinute,
    LoginLockEvent,
    Notice,
    NoticeLoginGuard,
    Ward,
)
from booking.services import citizen_login
from tenants.models import Municipality

pytestmark = pytest.mark.slow
HOST = "alpha.localhost"
NUMBERS = [f"PAR{n:06d}" for n in range(1, 5)]  # four notices, attacked at once
BIRTH_DAYS = [5, 17, 23, 31]


@pytest.fixture
def attacked(django_db_setup, django_db_blocker, settings):
    settings.BOOKING_CLIENT_SLOW_AFTER = settings.BOOKING_CLIENT_REFUSE_AFTER = 10**6  # the number is the target
    settings.BOOKING_CITY_FAILURES_PER_MINUTE = 10**6
    with django_db_blocker.unblock():
        city = Municipality.objects.get(schema_name="alpha")
        with tenant_context(city):
            ward = Ward.objects.get(code="kita")
            for number, day in zip(NUMBERS, BIRTH_DAYS, strict=True):
                Notice.objects.create(number=number, birth_day=day, ward=ward,
                                      default_place=ward.default_places.first())
            try:
                yield city
            finally:
                AuditEntry.objects.filter(notice__number__in=NUMBERS).delete()
                Notice.objects.filter(number__in=NUMBERS).delete()
                NoticeLoginGuard.objects.filter(number__in=NUMBERS).delete()
                LoginLockEvent.objects.filter(number__in=NUMBERS).delete()
                ClientLoginGuard.objects.all().delete()
                LoginFailureMinute.objects.all().delete()


def csrf(port: int) -> tuple[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Host": HOST})
    response = conn.getresponse()
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    conn.close()
    return cookie, token


def post_login(port: int, cookie: str, token: str, number: str, day: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urlencode({"csrfmiddlewaretoken": token, "notice_number": number, "birth_day": str(day)})
    conn.request("POST", "/login/", body=body, headers={
        "Host": HOST, "Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
    status = conn.getresponse().status
    conn.close()
    return status


def test_parallel_guesses_compare_at_most_the_limit(attacked, live_port, monkeypatch):
    compared: dict[str, list[bool]] = defaultdict(list)  # in the order the database let them through
    guard = threading.Lock()
    real = citizen_login._secret_matches

    def counting(notice, day, month):
        matched = real(notice, day, month)
        with guard:
            compared[notice.number].append(matched)
        return matched

    monkeypatch.setattr(citizen_login, "_secret_matches", counting)
    cookie, token = csrf(live_port)
    jobs = [(number, day) for number in NUMBERS for day in range(1, 32)]
    barrier = threading.Barrier(len(jobs))
    statuses: dict[str, Counter] = defaultdict(Counter)

    def guess(number, day):
        barrier.wait()
        status = post_login(live_port, cookie, token, number, day)
        with guard:
            statuses[number][status] += 1

    threads = [threading.Thread(target=guess, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    limit = attacked.login_failure_limit
    for number, day in zip(NUMBERS, BIRTH_DAYS, strict=True):
        seen = statuses[number]
        assert sum(seen.values()) == 31 and set(seen) <= {200, 302, 403}, (number, seen)
        assert seen[302] <= 1
        # in the order they were compared: never more wrong days in a row than the limit, and
        # nothing compared at all once the limit was reached (the number is locked)
        run = 0
        for matched in compared[number]:
            assert run < limit, f"{number}: a secret was compared after {run} failures: {compared[number]}"
            run = 0 if matched else run + 1
        assert len(compared[number]) <= 2 * limit, compared[number]
        assert seen[200] + seen[302] <= len(compared[number])
        # afterwards the lock holds: if the last compared were the limit of wrong days, not even
        # the right day opens the notice (the right day may have got in earlier, then the count
        # started afresh)
        locked = run == limit
        assert locked or seen[302] == 1, (number, compared[number])
        after = post_login(live_port, cookie, token, number, day)
        assert after == (403 if locked else 302), (number, seen, compared[number], after)
