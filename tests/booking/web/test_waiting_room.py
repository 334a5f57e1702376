"""The waiting room of the release rush (PLT-4): in order, with a place and a wait, never throwing anyone out."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from booking.models import WaitingTicket
from booking.services.waiting_room import _config_cache, _line_cache, waiting_room_configure
from tests.booking.factories import NoticeFactory
from tests.conftest import site_client

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def room(in_city_a):
    def configure(mode="on", capacity=2):
        return waiting_room_configure(mode=mode, capacity=capacity)
    yield configure
    _config_cache.clear()  # the rows roll back with the test; each process's few seconds of cache must too
    _line_cache.clear()


def visitor():
    return site_client("alpha.localhost")


def arrive(client, path="/"):
    return client.get(path, follow=False)


def wait_page(client, response):
    assert response.status_code == 303 and "/waiting-room/" in response["Location"]
    return client.get(response["Location"])


def test_the_room_lets_in_its_capacity_and_gives_the_next_a_place_a_wait_and_a_page_that_refreshes(room):
    room(capacity=2)
    with time_machine.travel(T0, tick=False):
        first, second, third = visitor(), visitor(), visitor()
        assert arrive(first).status_code == 200 and arrive(second).status_code == 200
        held = arrive(third, "/booking/places/")
        page = wait_page(third, held)
    text = page.content.decode()
    assert page.status_code == 200 and page["Refresh"] == "3" and 'http-equiv="refresh" content="3"' in text
    assert "1" in re.search(r'role="status">([^<]*)<', text).group(1)  # first in line: asks again soon
    assert "<script" not in text
    assert arrive(first).status_code == 200  # those inside stay inside


def test_the_front_of_the_line_asks_again_soon_and_the_rest_every_ten_seconds(room):
    room(capacity=2)  # nobody let in lately: as many as the room holds per idle period, 2 per 5 minutes
    with time_machine.travel(T0, tick=False):
        inside = [visitor(), visitor()]
        for citizen in inside:
            arrive(citizen)
        line = [visitor() for _ in range(3)]
        pages = [wait_page(citizen, arrive(citizen)) for citizen in line]
    assert [page["Refresh"] for page in pages] == ["3", "10", "10"]
    assert 'http-equiv="refresh" content="10"' in pages[2].content.decode()
    # sixty let in over the last five minutes (the two inside, 58 gone since): twelve a minute, two in ten seconds
    long_ago = T0 - dt.timedelta(days=1)
    WaitingTicket.objects.bulk_create(
        WaitingTicket(key=f"gone{n}", created_at=T0, polled_at=T0, admitted_at=T0, last_seen_at=long_ago)
        for n in range(58))
    with time_machine.travel(T0 + dt.timedelta(seconds=20), tick=False):
        again = [citizen.get(page.wsgi_request.get_full_path()) for citizen, page in zip(line, pages, strict=True)]
    assert [page["Refresh"] for page in again] == ["3", "3", "10"]


def test_in_order_of_arrival_when_a_place_frees_up(room, settings):
    settings.BOOKING_WAITING_ROOM_IDLE_SECONDS = 60
    room(capacity=1)
    with time_machine.travel(T0, tick=False):
        inside, early, late = visitor(), visitor(), visitor()
        arrive(inside)
        early_wait = arrive(early)
        late_wait = arrive(late)
    # both waiting pages keep asking (the later arrival even asks first); the one inside goes idle
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert wait_page(late, late_wait).status_code == 200
        assert wait_page(early, early_wait).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False):
        late_again = late.get(late_wait["Location"])
        early_again = early.get(early_wait["Location"])
    assert late_again.status_code == 200  # still waiting: the place went to the earlier ticket
    assert early_again.status_code == 303 and early_again["Location"] == "/"
    admitted = list(WaitingTicket.objects.filter(admitted_at__isnull=False).order_by("admitted_at", "id")
                    .values_list("id", flat=True))
    assert admitted == sorted(admitted) and len(admitted) == 2


def test_leaving_the_line_and_coming_back_later_means_the_end_of_the_line(room, settings):
    room(capacity=1)
    with time_machine.travel(T0, tick=False):
        arrive(visitor())
        gone = visitor()
        first_place = arrive(gone)
        arrive(visitor())  # someone after them
    later = T0 + dt.timedelta(seconds=settings.BOOKING_WAITING_ROOM_ABANDON_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        gone.get(first_place["Location"])
    newest = WaitingTicket.objects.order_by("-id").first()
    assert gone.cookies["madoguchi_waiting"].value.split(":")[0] == str(newest.pk)


def test_a_citizen_already_booking_is_never_thrown_out(room):
    room(mode="off")
    NoticeFactory(number="AB1234567", birth_day=7)
    citizen = visitor()
    assert citizen.post("/login/", {"notice_number": "AB1-234567", "birth_day": "7"}).status_code == 302
    room(mode="on", capacity=1)
    assert arrive(visitor()).status_code == 200  # takes the one place
    assert arrive(visitor()).status_code == 303  # a newcomer waits
    assert citizen.get("/booking/").status_code == 200  # the citizen in the flow goes on


def test_switched_off_no_ticket_is_taken(room):
    room(mode="off")
    assert arrive(visitor()).status_code == 200 and not WaitingTicket.objects.exists()


def log_in_attempt(client):
    return client.post("/login/", {"notice_number": "X", "birth_day": "1"}, follow=False)


def test_automatic_mode_holds_back_only_above_the_platforms_threshold(room, settings):
    settings.BOOKING_WAITING_ROOM_THRESHOLD = 2
    room(mode="auto")
    # below the threshold and with nobody in line, reading the start page takes no ticket at all
    assert [arrive(visitor()).status_code for _ in range(5)] == [200] * 5
    assert not WaitingTicket.objects.exists()
    # entering the booking flow (the login) counts: the third of them waits
    responses = [log_in_attempt(visitor()).status_code for _ in range(3)]
    assert responses == [200, 200, 303]
    assert WaitingTicket.objects.filter(admitted_at__isnull=True).count() == 1
    # with a line formed, a newcomer reading the start page queues behind it too
    assert arrive(visitor()).status_code == 303


def test_a_forged_place_in_line_counts_for_nothing(room):
    room(capacity=1)
    arrive(visitor())
    forger = visitor()
    forger.cookies["madoguchi_waiting"] = "1:deadbeef"
    assert arrive(forger).status_code == 303  # an unsigned cookie is a newcomer, who waits


def test_a_waiting_citizen_that_posts_is_sent_to_wait_not_served(room):
    room(capacity=1)
    arrive(visitor())
    assert visitor().post("/login/", {"notice_number": "X", "birth_day": "1"}).status_code == 303


def test_a_citizen_who_booked_frees_the_place_for_the_next_in_line(room, settings):
    from booking.models import Place
    from tests.booking.factories import make_slot, open_weekday

    room(capacity=1)
    slot = make_slot(Place.objects.get(code="kita"), open_weekday(), dt.time(11), capacity=5)
    NoticeFactory(number="AB1234567", birth_day=7)
    citizen, next_one = visitor(), visitor()
    assert arrive(citizen).status_code == 200
    held = arrive(next_one)
    assert held.status_code == 303
    citizen.post("/login/", {"notice_number": "AB1-234567", "birth_day": "7"})
    form = citizen.get(f"/booking/slots/{slot.pk}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    assert citizen.post(f"/booking/slots/{slot.pk}/", {"token": token, "email": ""})["Location"] == "/booking/"
    assert next_one.get(held["Location"]).status_code == 303  # admitted: on to the page asked for
    assert citizen.get("/booking/").status_code == 200  # and the one who booked is not thrown out


def _ticket_request(signed: str, schema: str):
    from types import SimpleNamespace

    from django.test import RequestFactory

    from booking.web.waiting import COOKIE

    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = signed
    request.tenant = SimpleNamespace(schema_name=schema)
    return request


def test_a_ticket_cookie_checked_once_is_refused_once_too_old_and_in_another_city(monkeypatch):
    import time

    from django.core import signing

    from booking.services.waiting_room import TicketRef
    from booking.web import waiting

    waiting._verified.clear()
    with time_machine.travel(T0, tick=False):
        signed = signing.get_cookie_signer(salt=f"{waiting.COOKIE}waiting-room:city_a").sign("5:key:0")
    request = _ticket_request(signed, "city_a")
    with time_machine.travel(T0 + dt.timedelta(seconds=waiting.COOKIE_AGE - 5), tick=False):
        assert waiting._read_ticket(request) == TicketRef(5, "key", 0.0)
        assert waiting._read_ticket(_ticket_request(signed, "city_b")) is None  # signed for another city
    later = time.monotonic() + 10
    monkeypatch.setattr(time, "monotonic", lambda: later)  # the process's own clock moves on too
    with time_machine.travel(T0 + dt.timedelta(seconds=waiting.COOKIE_AGE + 5), tick=False):
        assert waiting._read_ticket(request) is None  # known a moment ago, too old now
    waiting._verified.clear()


def test_a_refresh_of_the_waiting_page_costs_a_fixed_few_statements(room, django_assert_max_num_queries):
    room(capacity=1)
    with time_machine.travel(T0, tick=False):
        arrive(visitor())
        waiting = visitor()
        page = wait_page(waiting, arrive(waiting))
    # the ticket, its poll, the room's admission (a transaction of its own), whether it was let in, and
    # the place in line with the pace of admissions in one statement
    with time_machine.travel(T0 + dt.timedelta(seconds=10), tick=False), django_assert_max_num_queries(10):
        again = waiting.get(page.wsgi_request.get_full_path())
    assert again.status_code == 200 and again["Refresh"] == "3"
    assert "1" in re.search(r'role="status">([^<]*)<', again.content.decode()).group(1)


def test_tickets_let_in_later_are_stamped_later_even_when_their_admitter_took_its_time_first(room):
    """Web processes take `now` before they wait for the room's lock: the one that took it first may
    admit second. The time of admission is read under the lock, so it follows the order of admission."""
    from django.utils import timezone

    from booking.services.waiting_room import waiting_room_advance

    room(capacity=1)
    taken_first = timezone.now()
    first, second = (WaitingTicket.objects.create(key=f"order{n}", created_at=taken_first, polled_at=taken_first)
                     for n in range(2))
    assert waiting_room_advance(capacity=1, now=timezone.now()) == 1  # the later `now` admits first
    assert waiting_room_advance(capacity=2, now=taken_first) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.admitted_at < second.admitted_at
