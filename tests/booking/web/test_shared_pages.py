"""A page shared between citizens (the start page, a month, a day's times) must never show one
citizen what belongs to another, nor anything stale: each of the cases below goes to Django
whatever the cache holds."""
from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from booking.models import Notice, Place, Slot
from booking.web import months, notice_facts, shared_pages
from booking.web.session import UNTIL_KEY
from tenants.models import Municipality
from tenants.selectors import municipality_host_cache_clear
from tests.booking.factories import NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db

_viewers = itertools.count(1)
HAS_BOOKING = "You already have a booking"
ANOTHER_PLACE = "another place"


@pytest.fixture
def served(shared_cache, in_city_a):
    """Month pages of city A, with the answers this layer gave counted."""
    municipality_host_cache_clear()
    shared_pages._kept_here.clear()  # this process's copies of shared pages, from other tests
    day = open_weekday()
    make_slot(Place.objects.get(code="kita"), day, dt.time(10), capacity=2)
    with mock.patch.object(shared_pages, "_response_from", wraps=shared_pages._response_from) as answered:
        yield day, answered
    municipality_host_cache_clear()


@pytest.fixture
def facts_run_out(monkeypatch):
    """What shared pages know of a notice is kept half a second; call it to wait that out."""
    monkeypatch.setattr(notice_facts, "FACTS_SECONDS", 0.5)
    return lambda: time.sleep(0.6)


def login_ends_in(client: Client, seconds: float) -> float:
    """Moves the end of this client's login to `seconds` from now; that end."""
    session = client.session
    session[UNTIL_KEY] = until = time.time() + seconds
    session.save()
    return until


def citizen(number: str, *, host: str = "alpha.localhost", language: str = "en", enforce_csrf: bool = False,
            **notice) -> Client:
    NoticeFactory(number=number, birth_day=7, **notice)
    client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=enforce_csrf)
    client.get("/?from=postcard")  # the CSRF cookie, from a start page Django makes (not a shared one)
    token = client.cookies["csrftoken"].value
    response = client.post("/login/", {"notice_number": number, "birth_day": "7", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    return client


def month(client: Client, day: dt.date, code: str = "kita"):
    return client.get(f"/booking/places/{code}/?month={day:%Y-%m}")


def warm(day: dt.date, answered, ask=month) -> None:
    """Another citizen asks for the page (`ask`: the month's by default) until it is shared (the
    first visit stores it)."""
    viewer = citizen(f"WRM{next(_viewers):06d}")
    for _ in range(2):
        assert ask(viewer, day).status_code == 200
    answered.reset_mock()
    assert ask(viewer, day).status_code == 200
    assert answered.call_count == 1, "the page was not shared"
    answered.reset_mock()


def book(client: Client, slot: Slot) -> int:
    page = client.get(f"/booking/slots/{slot.pk}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    csrf = client.cookies["csrftoken"].value
    return client.post(f"/booking/slots/{slot.pk}/", {"email": "", "token": token,
                                                      "csrfmiddlewaretoken": csrf}).status_code


def page_without_secrets(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)
    html = re.sub(r'name="token" value="[^"]+"', "FORM", html)  # a day page's one-time token
    return re.sub(r'data-seconds-left="\d+"', "SECONDS", html)


def django_then_shared(ask, day: dt.date, answered, numbers: tuple[str, str]):
    """(Django's page for a first citizen, the shared page a second one gets, the second's client)."""
    first = citizen(numbers[0])
    django_page = ask(first, day)
    ask(first, day)
    second = citizen(numbers[1], enforce_csrf=True)
    answered.reset_mock()
    return django_page, ask(second, day), second


def test_a_second_citizen_gets_the_page_django_makes_with_their_own_token_and_session_end(served):
    day, answered = served
    django_page, shared, second = django_then_shared(month, day, answered, ("SHP000001", "SHP000002"))
    assert answered.call_count == 1
    assert shared.status_code == 200
    assert page_without_secrets(shared.content.decode()) == page_without_secrets(django_page.content.decode())
    for header in ("Content-Type", "Content-Language", "Vary", "Cache-Control", "Content-Security-Policy",
                   "X-Frame-Options"):
        assert shared[header] == django_page[header], header
    assert int(shared["Content-Length"]) == len(shared.content)
    # the token is the second citizen's own: it unmasks to their cookie, and logging out with it works
    secret = second.cookies["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shared.content.decode()).group(1)
    assert _unmask_cipher_token(token) == secret
    assert shared.cookies["csrftoken"].value == secret and shared.cookies["csrftoken"]["max-age"] == 31449600
    seconds = int(re.search(r'data-seconds-left="(\d+)"', shared.content.decode()).group(1))
    assert 1700 < seconds <= 1800
    assert second.post("/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert month(second, day).status_code == 302  # logged out: back to the login


def test_the_time_the_session_ends_is_each_citizens_own(served):
    day, answered = served
    warm(day, answered)
    late = citizen("SHP000011")
    until = login_ends_in(late, 1750)  # 50 s before the end a fresh login would get
    shown = month(late, day).content.decode()
    assert answered.call_count == 1
    from booking.web.session import CitizenSession
    assert CitizenSession(until=until).ends_label in shown
    assert 1690 < int(re.search(r'data-seconds-left="(\d+)"', shown).group(1)) <= 1750


def test_a_notice_with_a_booking_and_one_without_never_share_a_page(served):
    day, answered = served
    warm(day, answered)
    booked = citizen("SHP000021")
    slot = make_slot(Place.objects.get(code="kita"), open_weekday(skip=1), dt.time(11))
    assert book(booked, slot) == 302  # the citizen's own booking shows on the next page at once
    for _ in range(3):
        assert HAS_BOOKING in month(booked, day).content.decode()
    assert HAS_BOOKING not in month(citizen("SHP000022"), day).content.decode()


def test_a_booking_made_by_the_call_centre_shows_within_the_facts_lifetime(served, facts_run_out):
    from booking.services.reservations import reservation_book
    from tests.booking.factories import OPERATOR

    day, answered = served
    warm(day, answered)
    caller = citizen("SHP000023")
    slot = make_slot(Place.objects.get(code="kita"), open_weekday(skip=1), dt.time(11))
    reservation_book(notice=Notice.objects.get(number="SHP000023"), slot=slot, actor=OPERATOR, email="",
                     language="ja")
    facts_run_out()
    assert HAS_BOOKING in month(caller, day).content.decode()


def test_a_notice_that_may_choose_places_is_shown_the_way_to_choose_and_one_that_may_not_is_not(served):
    day, answered = served
    warm(day, answered)
    minami = Place.objects.get(code="minami")
    several = citizen("SHP000031", default_place=minami)
    for _ in range(3):
        assert ANOTHER_PLACE in month(several, day).content.decode()
    assert ANOTHER_PLACE not in month(citizen("SHP000032"), day).content.decode()


def test_a_booking_that_fills_a_day_shows_at_once(served, django_capture_on_commit_callbacks):
    day, answered = served
    warm(day, answered)
    viewer = citizen("SHP000051")
    link = f'href="/booking/places/kita/{day.isoformat()}/"'
    assert link in month(viewer, day).content.decode()
    slots = Slot.objects.filter(place__code="kita", starts_at__date__gte=day - dt.timedelta(days=1),
                                starts_at__date__lte=day + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        from booking.availability_cache import availability_changed
        slots.update(capacity=0)
        availability_changed([Place.objects.get(code="kita").pk])
    assert link not in month(viewer, day).content.decode()


def test_another_language_is_its_own_page(served):
    day, answered = served
    warm(day, answered)  # the English page is shared
    page = month(citizen("SHP000061", language="ja"), day)
    assert page["Content-Language"] == "ja" and '<html lang="ja">' in page.content.decode()
    korean = citizen("SHP000062")  # asks for English, then chooses Korean on the site (a cookie)
    korean.cookies["madoguchi_language"] = "ko"
    for _ in range(3):
        page = month(korean, day)
        assert page["Content-Language"] == "ko" and '<html lang="ko">' in page.content.decode()
    french = month(citizen("SHP000063", language="fr"), day)  # not a language of this city: Japanese
    assert french["Content-Language"] == "ja"


def test_a_message_waiting_is_shown_and_not_skipped(served):
    day, answered = served
    warm(day, answered)
    viewer = citizen("SHP000071")
    assert viewer.get("/booking/cancel/").status_code == 302  # nothing to cancel: a word for the next page
    assert "There is no booking to cancel." in month(viewer, day).content.decode()
    assert answered.call_count == 0


def test_a_login_due_for_renewal_is_renewed_by_django(served):
    day, answered = served
    warm(day, answered)
    viewer = citizen("SHP000091")
    login_ends_in(viewer, 600)  # 20 minutes since the login was last moved
    response = month(viewer, day)
    assert response.status_code == 200 and answered.call_count == 0
    renewed = Session.objects.get(session_key=viewer.cookies["sessionid"].value).get_decoded()[UNTIL_KEY]
    assert renewed > time.time() + 1700


def _login_ran_out(number: str, viewer: Client, wait_out_facts) -> None:
    login_ends_in(viewer, -1)


def _notice_removed(number: str, viewer: Client, wait_out_facts) -> None:
    Notice.objects.filter(number=number).delete()
    wait_out_facts()


def _city_suspended(number: str, viewer: Client, wait_out_facts) -> None:
    Municipality.objects.filter(schema_name="alpha").update(status=Municipality.Status.SUSPENDED)
    municipality_host_cache_clear()


def test_a_session_cookie_taken_to_another_city_is_not_served_a_page(served, city_b):
    day, answered = served
    warm(day, answered)
    viewer = citizen("SHP000121")
    stolen = Client(HTTP_HOST="beta.localhost", HTTP_ACCEPT_LANGUAGE="en")
    for name in ("sessionid", "csrftoken"):
        stolen.cookies[name] = viewer.cookies[name].value
    response = month(stolen, day)
    assert response.status_code in (302, 404) and answered.call_count == 0


def test_switched_off_django_makes_every_page(served, settings):
    day, answered = served
    warm(day, answered)
    settings.MADOGUCHI_SHARED_PAGES = False
    assert month(citizen("SHP000131"), day).status_code == 200
    assert answered.call_count == 0


def test_a_waiting_room_ticket_not_seen_lately_is_asked_for_by_django(served):
    from django.http import HttpRequest, HttpResponse

    from booking.web.waiting import COOKIE, COOKIE_AGE

    day, answered = served
    warm(day, answered)
    viewer = citizen("SHP000151")
    salt = "waiting-room:alpha"
    request = mock.Mock(COOKIES={COOKIE: viewer.cookies[COOKIE].value})
    value = HttpRequest.get_signed_cookie(request, COOKIE, salt=salt, max_age=COOKIE_AGE)
    ticket_id, key, _seen = value.split(":")
    carrier = HttpResponse()
    carrier.set_signed_cookie(COOKIE, f"{ticket_id}:{key}:0", salt=salt)  # last seen long ago
    viewer.cookies[COOKIE] = carrier.cookies[COOKIE].value
    response = month(viewer, day)
    assert response.status_code == 200 and answered.call_count == 0
    assert COOKIE in response.cookies  # the room saw the ticket again, as it does for every request


def test_django_makes_the_same_month_page_for_two_citizens_with_the_same_facts(served, settings):
    """The condition for sharing the page at all: should a page of the month ever show something of
    the citizen (their notice number, their name), this fails before the page is shared."""
    day, _answered = served
    settings.MADOGUCHI_SHARED_PAGES = False
    pages = []
    for number, birth_day in (("SHP000171", 3), ("SHP000172", 28)):
        NoticeFactory(number=number, birth_day=birth_day)
        client = Client(HTTP_HOST="alpha.localhost", HTTP_ACCEPT_LANGUAGE="en")
        client.get("/")
        assert client.post("/login/", {"notice_number": number, "birth_day": str(birth_day)}).status_code == 302
        html = page_without_secrets(month(client, day).content.decode())
        pages.append(re.sub(r"session ends at \d{1,2}:\d{2}", "session ends at TIME", html))
        assert number not in html
    assert pages[0] == pages[1]


# --- the start page ---------------------------------------------------------------------------

def visitor(**extra) -> Client:
    return Client(HTTP_HOST="alpha.localhost", HTTP_ACCEPT_LANGUAGE="en", **extra)


def start_page_shared(answered) -> None:
    for _ in range(2):
        assert visitor().get("/").status_code == 200
    answered.reset_mock()


def test_a_first_visit_gets_the_shared_start_page_with_a_csrf_cookie_of_its_own_and_can_log_in(served):
    _day, answered = served
    django_page = visitor().get("/")
    start_page_shared(answered)
    first, second = visitor(enforce_csrf_checks=True), visitor()
    pages = [first.get("/"), second.get("/")]
    assert answered.call_count == 2
    assert page_without_secrets(pages[0].content.decode()) == page_without_secrets(django_page.content.decode())
    secrets_given = [page.cookies["csrftoken"].value for page in pages]
    assert secrets_given[0] != secrets_given[1] and all(len(secret) == 32 for secret in secrets_given)
    assert pages[0].cookies["csrftoken"]["max-age"] == django_page.cookies["csrftoken"]["max-age"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[0].content.decode()).group(1)
    assert _unmask_cipher_token(token) == secrets_given[0]
    NoticeFactory(number="SHP000201", birth_day=7)
    logged_in = first.post("/login/", {"notice_number": "SHP000201", "birth_day": "7", "csrfmiddlewaretoken": token})
    assert logged_in.status_code == 302 and logged_in["Location"].startswith("/booking/")


def test_a_visitor_with_a_session_gets_the_start_page_from_django(served):
    _day, answered = served
    start_page_shared(answered)
    returning = citizen("SHP000211")
    answered.reset_mock()
    assert "Continue to your booking" in returning.get("/").content.decode()
    assert answered.call_count == 0


def test_a_place_renamed_shows_on_the_next_start_page(served):
    _day, answered = served
    start_page_shared(answered)
    Place.objects.filter(code="kita").update(name="北区役所（新庁舎）")
    assert "北区役所（新庁舎）" in visitor().get("/").content.decode()


def test_while_the_waiting_room_is_on_every_newcomer_is_ticketed_by_django(served):
    from booking.services.waiting_room import waiting_room_configure
    from booking.web.waiting import COOKIE

    _day, answered = served
    start_page_shared(answered)
    waiting_room_configure(mode="on", capacity=100)
    response = visitor().get("/")
    assert answered.call_count == 0 and COOKIE in response.cookies


def test_a_start_page_with_a_query_is_made_by_django(served):
    _day, answered = served
    start_page_shared(answered)
    assert visitor().get("/?from=postcard").status_code == 200
    assert answered.call_count == 0


def test_a_booking_that_changes_no_days_state_leaves_the_page_shared(served, django_capture_on_commit_callbacks):
    day, answered = served
    slot = Slot.objects.filter(place__code="kita", starts_at__date=day).order_by("starts_at").last()
    warm(day, answered)
    viewer = citizen("SHP000221")
    link = f'href="/booking/places/kita/{day.isoformat()}/"'
    assert link in month(viewer, day).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert book(citizen("SHP000222"), slot) == 302  # one seat of many: the day is still available
    answered.reset_mock()
    assert link in month(viewer, day).content.decode()
    assert answered.call_count == 1


def test_while_nobody_books_a_shared_month_page_is_found_without_reading_the_days(served):
    day, answered = served
    warm(day, answered)
    viewer = citizen("SHP000231")
    with mock.patch.object(shared_pages, "shown_month_handed_on", wraps=shared_pages.shown_month_handed_on) as read:
        assert month(viewer, day).status_code == 200
    assert answered.call_count == 1 and read.call_count == 0



# --- a day's times --------------------------------------------------------------------------

def times(client: Client, day: dt.date, code: str = "kita"):
    return client.get(f"/booking/places/{code}/{day.isoformat()}/")


def form_token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def free_seats(html: str, slot: Slot) -> str:
    """What the day page says of `slot`'s seats."""
    return re.search(rf'id="slot-{slot.pk}"[^>]*>.*?<span class="slot-free">([^<]+)</span>', html).group(1)


def the_slot(day: dt.date) -> Slot:
    """The time of two seats the fixture made on `day` (the city's hours make others, of four)."""
    return Slot.objects.get(place__code="kita", starts_at__date=day, capacity=2)


def day_shared(day: dt.date, answered) -> None:
    """Another citizen asks for the day until its page is shared."""
    warm(day, answered, ask=times)


def book_on_day(client: Client, day: dt.date, page: str, slot: Slot) -> object:
    return client.post(f"/booking/places/kita/{day.isoformat()}/", {
        "token": form_token(page), "slot": str(slot.pk), "email": "",
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_a_shared_day_page_is_the_page_django_makes_with_the_citizens_own_tokens_and_it_books(served):
    day, answered = served
    django_page, shared, second = django_then_shared(times, day, answered, ("SHD000001", "SHD000002"))
    assert answered.call_count == 1 and shared.status_code == 200
    html = shared.content.decode()
    assert page_without_secrets(html) == page_without_secrets(django_page.content.decode())
    assert int(shared["Content-Length"]) == len(shared.content)
    assert shared["Cache-Control"] == django_page["Cache-Control"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert _unmask_cipher_token(token) == second.cookies["csrftoken"].value
    # the one-time token is the second citizen's own, and new on every page
    assert form_token(html) != form_token(times(second, day).content.decode())
    slot = the_slot(day)
    response = second.post(f"/booking/places/kita/{day.isoformat()}/", {
        "token": form_token(html), "slot": str(slot.pk), "email": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/booking/"
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_a_token_from_one_citizens_shared_day_page_books_nothing_for_another(served):
    day, answered = served
    day_shared(day, answered)
    owner, other = citizen("SHD000011"), citizen("SHD000012")
    page = times(owner, day).content.decode()
    assert answered.call_count == 1
    slot = the_slot(day)
    response = book_on_day(other, day, page, slot)  # the owner's form token, the other's session
    assert response.status_code == 302 and response["Location"] == "/booking/"  # refused: nothing booked
    assert Slot.objects.get(pk=slot.pk).booked == 0


def test_the_free_seats_on_a_shared_day_page_follow_every_booking_at_once(served, django_capture_on_commit_callbacks):
    day, answered = served
    day_shared(day, answered)
    viewer = citizen("SHD000021")
    slot = the_slot(day)
    assert free_seats(times(viewer, day).content.decode(), slot) == "2 seats free"
    booker = citizen("SHD000022")
    with django_capture_on_commit_callbacks(execute=True):
        assert book_on_day(booker, day, times(booker, day).content.decode(), slot).status_code == 302
    answered.reset_mock()
    assert free_seats(times(viewer, day).content.decode(), slot) == "1 seat free"
    assert answered.call_count == 1  # still the shared page, its times filled in afresh


def test_a_day_whose_last_time_went_is_its_own_page_with_the_next_days(served, django_capture_on_commit_callbacks):
    day, answered = served
    later = open_weekday(skip=1)
    make_slot(Place.objects.get(code="kita"), later, dt.time(9))
    day_shared(day, answered)
    slot = the_slot(day)
    with django_capture_on_commit_callbacks(execute=True):
        from booking.availability_cache import availability_changed
        Slot.objects.filter(place__code="kita", starts_at__date=day).exclude(pk=slot.pk).update(capacity=0)
        availability_changed([slot.place_id])
    with django_capture_on_commit_callbacks(execute=True):
        for number in ("SHD000031", "SHD000032"):
            booker = citizen(number)
            assert book_on_day(booker, day, times(booker, day).content.decode(), slot).status_code == 302
    page = times(citizen("SHD000033"), day).content.decode()
    assert 'name="token"' not in page and "The next days with a free time" in page
    assert f'href="/booking/places/kita/{later.isoformat()}/"' in page


def test_a_notice_with_a_booking_gets_its_day_page_from_django(served):
    day, answered = served
    day_shared(day, answered)
    booked = citizen("SHD000041")
    slot = make_slot(Place.objects.get(code="kita"), open_weekday(skip=1), dt.time(11))
    assert book(booked, slot) == 302
    assert booked.get("/booking/").status_code == 200  # its word ("confirmed") read: no message left waiting
    del booked.cookies["messages"]  # emptied by Django: a browser drops it
    answered.reset_mock()
    for _ in range(2):
        page = times(booked, day).content.decode()
        assert "Current booking" in page and "Change to this time" in page
    assert answered.call_count == 0


def test_what_a_citizen_typed_before_their_login_ran_out_is_on_the_day_page_they_come_back_to(served):
    day, answered = served
    day_shared(day, answered)
    viewer = citizen("SHD000051")
    session = viewer.session
    session["citizen_kept_fields"] = {"path": f"/booking/places/kita/{day.isoformat()}/",
                                      "fields": {"email": "kept@example.jp"}}
    session.save()
    page = times(viewer, day).content.decode()
    assert answered.call_count == 0 and 'value="kept@example.jp"' in page


def test_a_shared_day_page_shows_its_times_in_the_citizens_language(served):
    day, answered = served
    day_shared(day, answered)  # English
    slot = the_slot(day)
    with translation.override("ja"):
        japanese = ngettext("%(free)s seat free", "%(free)s seats free", 2) % {"free": 2}
    assert japanese != "2 seats free"
    for number in ("SHD000061", "SHD000062", "SHD000063"):
        page = times(citizen(number, language="ja"), day)
        assert page["Content-Language"] == "ja"
        assert free_seats(page.content.decode(), slot) == japanese
    assert answered.call_count == 2  # the second and the third from the Japanese page Django made first


@pytest.mark.parametrize("path", ["2999-01-01", "2026-02-30", "not-a-day", "٢٠٢٦-١٢-٠١"])
def test_a_day_outside_the_calendar_is_not_found_even_with_shared_pages(served, path):
    day, answered = served
    day_shared(day, answered)
    response = citizen(f"SHE{next(_viewers):06d}").get(f"/booking/places/kita/{path}/")
    assert response.status_code == 404 and answered.call_count == 0


# --- both citizen pages ------------------------------------------------------------------------

SHARED = {"month": (warm, month), "day": (day_shared, times)}  # made shared, then asked for


@pytest.mark.parametrize("page", SHARED)
@pytest.mark.parametrize(("change", "status"), [(_login_ran_out, 302), (_notice_removed, 302), (_city_suspended, 503)],
                         ids=["login ran out: to the login page", "notice removed: to the login page",
                              "city suspended: its notice"])
def test_whatever_is_shared_django_answers_when_the_citizen_or_the_city_changed(served, facts_run_out, change,
                                                                                 status, page):
    day, answered = served
    share, ask = SHARED[page]
    share(day, answered)
    number = f"SHX{next(_viewers):06d}"
    viewer = citizen(number)
    change(number, viewer, facts_run_out)
    response = ask(viewer, day)
    assert response.status_code == status and answered.call_count == 0


@pytest.mark.parametrize("page", SHARED)
def test_a_shared_page_costs_no_query(served, settings, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from booking.selectors import eligibility, lookups

    day, answered = served
    settings.MADOGUCHI_HOST_CACHE_SECONDS = settings.MADOGUCHI_PLACES_CACHE_SECONDS = 60  # as in production
    try:
        share, ask = SHARED[page]
        share(day, answered)
        viewer = citizen(f"SHQ{next(_viewers):06d}")  # its login remembered what the page needs of the notice
        with CaptureQueriesContext(connection) as queries:
            assert ask(viewer, day).status_code == 200
    finally:
        eligibility._pages_places.clear()  # no other test may see the places kept this long
        lookups._start_page_places.clear()
    assert answered.call_count == 1 and len(queries) == 0, [query["sql"] for query in queries]


@pytest.mark.parametrize("page", SHARED)
def test_a_place_the_notice_may_not_use_is_not_found_even_when_another_citizens_page_is_shared(served, page):
    day, answered = served
    _share, ask = SHARED[page]
    minami = Place.objects.get(code="minami")
    make_slot(minami, day, dt.time(10))
    viewer = citizen(f"SHM{next(_viewers):06d}", default_place=minami)
    for _ in range(3):
        assert ask(viewer, day, "minami").status_code == 200
    assert answered.call_count >= 1  # shared by now
    answered.reset_mock()
    assert ask(citizen(f"SHM{next(_viewers):06d}"), day, "minami").status_code == 404
    assert answered.call_count == 0


# the reading behind each page's key, and how often a page Django makes and then the shared one
# read it: once for the key and the view; a day page once more before it is kept (it has no alias)
READINGS = {"month": ("shown_month", 1, 0), "day": ("day_times", 2, 1)}


@pytest.mark.parametrize("page", SHARED)
def test_a_page_django_makes_reads_what_it_shows_once_for_its_key_and_its_view(served, page):
    day, answered = served
    _share, ask = SHARED[page]
    reading, made, shared = READINGS[page]
    viewer = citizen(f"SHR{next(_viewers):06d}")
    with mock.patch.object(months, reading, wraps=getattr(months, reading)) as read:
        first = ask(viewer, day)
    assert first.status_code == 200 and answered.call_count == 0  # not shared yet: Django made it
    assert read.call_count == made
    shows = f'href="/booking/places/kita/{day.isoformat()}/"' if page == "month" else 'class="slot-list"'
    assert shows in first.content.decode()  # the day to choose; the times to choose from
    with mock.patch.object(months, reading, wraps=getattr(months, reading)) as read:
        again = ask(viewer, day)  # now from the shared cache, the same page
    assert answered.call_count == 1 and read.call_count == shared
    assert page_without_secrets(again.content.decode()) == page_without_secrets(first.content.decode())
