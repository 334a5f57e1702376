"""The citizen site through the test client: login, throttling, booking, change, cancel (WEB-1…13)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import tenant_context

from booking.clock import local
from booking.models import AuditEntry, LoginLockEvent, NoticeStatus, Place, Reservation, ReservationStatus, Slot
from booking.services.audit import Actor
from booking.services.citizen_login import notice_login_unlock
from tests.booking.factories import NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(in_city_a):
    return NoticeFactory(number="AB1234567", birth_day=7)


@pytest.fixture
def slots(in_city_a):
    kita = Place.objects.get(code="kita")
    day = open_weekday()
    return make_slot(kita, day, dt.time(10), capacity=1), make_slot(kita, day, dt.time(11), capacity=3)


def log_in(client, number="AB1-234567", day="7", **extra):
    return client.post("/login/", {"notice_number": number, "birth_day": day, **extra}, **extra.pop("headers", {}))


def csrf_field(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def page(response) -> str:
    return response.content.decode()


def test_start_page_offers_login_and_guidance_without_javascript(client_a):
    html = page(client_a.get("/"))
    assert '<form method="post" action="/login/"' in html
    assert 'name="notice_number"' in html and 'name="birth_day"' in html
    assert "<script" not in html  # the core flow needs no JavaScript


def test_login_with_the_notice_and_day_of_birth(client_a, notice):
    response = log_in(client_a, number="ａｂ１－２３４５６７")  # full-width and hyphen are fine
    assert response.status_code == 302 and response["Location"] == "/booking/places/kita/"  # to the calendar
    assert "予約" in page(client_a.get("/booking/"))
    assert AuditEntry.objects.filter(notice=notice, action="notice.login", channel="web").count() == 1


def test_wrong_day_and_unknown_number_get_the_same_generic_error(client_a, notice):
    wrong_day = page(log_in(client_a, day="8"))
    unknown = page(log_in(client_a, number="ZZ9-999999"))
    error = re.search(r'<div class="error-summary".*?</div>', wrong_day, re.S).group(0)
    assert error == re.search(r'<div class="error-summary".*?</div>', unknown, re.S).group(0)
    assert "_auth_user_id" not in client_a.session and "citizen_notice_id" not in client_a.session


def test_three_failures_lock_the_notice_even_for_the_right_day(client_a, notice, city_a):
    for _ in range(2):
        assert log_in(client_a, day="1").status_code == 200
    locked = log_in(client_a, day="2")
    assert locked.status_code == 403 and "0120-111-111" in page(locked)
    assert log_in(client_a, day="7").status_code == 403  # the right day no longer opens it
    event = LoginLockEvent.objects.get(event="locked", number="AB1234567")
    assert event.source_address == "127.0.0.1"
    assert notice_login_unlock(number="AB1-234567", actor=Actor.system("operator test"))
    assert log_in(client_a).status_code == 302
    assert LoginLockEvent.objects.filter(event="unlocked", actor_label="operator test").exists()


def test_unknown_numbers_lock_the_same_way(client_a, in_city_a):
    responses = [log_in(client_a, number="QQ1-000001", day="3") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 403]


def test_a_client_trying_many_notices_is_slowed_then_refused_at_once(in_city_a, settings):
    settings.BOOKING_CLIENT_SLOW_AFTER, settings.BOOKING_CLIENT_REFUSE_AFTER = 3, 5
    client = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="203.0.113.9")
    codes = [log_in(client, number=f"XX{n}-000000", day="1").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = log_in(client, number="XX9-000000", day="1")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == settings.BOOKING_CLIENT_SLOW_INTERVAL_SECONDS
    html = page(refused)
    assert "0120-111-111" in html and 'role="alert"' in html
    other = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="203.0.113.10")
    assert log_in(other, number="XX9-000000", day="1").status_code == 200  # only that client


def test_a_malformed_number_gets_a_field_error_and_counts_nothing(client_a, notice):
    from booking.models import ClientLoginGuard, NoticeLoginGuard

    for typed in ("A" * 40, "ﷺﷺﷺ", "AB1/234567"):
        response = log_in(client_a, number=typed)
        assert response.status_code == 200
        assert 'aria-invalid="true"' in page(response) and "id_notice_number" in page(response)
    assert not NoticeLoginGuard.objects.exists() and not ClientLoginGuard.objects.exists()


def test_full_booking_flow_with_mail(client_a, notice, slots, django_capture_on_commit_callbacks):
    """Landing page to confirmed booking in six requests: form, login, calendar, day, booking, result."""
    assert 'action="/login/"' in page(client_a.get("/"))
    start = log_in(client_a)["Location"]
    assert start == "/booking/places/kita/"
    month_html = page(client_a.get(start + f"?month={local(slots[0].starts_at):%Y-%m}"))
    day_url = f"/booking/places/kita/{local(slots[0].starts_at).date().isoformat()}/"
    assert day_url in month_html
    day_html = page(client_a.get(day_url))
    assert f'value="{slots[1].pk}"' in day_html and f'value="{slots[0].pk}"' in day_html
    token = re.search(r'name="token" value="([^"]+)"', day_html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        booked = client_a.post(day_url, {"slot": slots[1].pk, "email": "taro@example.jp", "token": token})
    assert booked.status_code == 302 and booked["Location"] == "/booking/"
    done = client_a.get("/booking/")
    reservation = Reservation.objects.get(notice=notice)
    html = page(done)
    assert reservation.code in html and "11:00" in html and "北区役所" in html
    assert len(mail.outbox) == 1 and reservation.code in mail.outbox[0].subject
    ics = client_a.get("/booking/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VCALENDAR" in ics.content


def test_the_day_form_needs_a_time_of_that_day_and_place(client_a, notice, slots):
    log_in(client_a)
    day_url = f"/booking/places/kita/{local(slots[0].starts_at).date().isoformat()}/"
    token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(day_url))).group(1)
    nothing = client_a.post(day_url, {"email": "", "token": token})
    assert nothing.status_code == 200 and "error-summary" in page(nothing)
    other_day = make_slot(Place.objects.get(code="kita"), open_weekday(skip=2), dt.time(9))
    token = re.search(r'name="token" value="([^"]+)"', page(nothing)).group(1)
    elsewhere = client_a.post(day_url, {"slot": other_day.pk, "email": "", "token": token})
    assert elsewhere.status_code == 200 and "error-summary" in page(elsewhere)
    assert not Reservation.objects.filter(notice=notice).exists()


def test_double_submit_books_once_and_shows_the_booking(client_a, notice, slots):
    log_in(client_a)
    token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(f"/booking/slots/{slots[1].pk}/"))).group(1)
    first = client_a.post(f"/booking/slots/{slots[1].pk}/", {"email": "", "token": token})
    second = client_a.post(f"/booking/slots/{slots[1].pk}/", {"email": "", "token": token}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert Reservation.objects.filter(notice=notice).count() == 1
    assert Slot.objects.get(pk=slots[1].pk).booked == 1


def test_a_slot_taken_while_choosing_sends_back_to_the_day(client_a, notice, slots):
    log_in(client_a)
    token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(f"/booking/slots/{slots[0].pk}/"))).group(1)
    Slot.objects.filter(pk=slots[0].pk).update(booked=1)  # someone else took the last seat
    response = client_a.post(f"/booking/slots/{slots[0].pk}/", {"email": "", "token": token}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/booking/places/kita/")
    assert not Reservation.objects.filter(notice=notice).exists()


def test_a_time_taken_after_the_day_was_read_answers_with_the_day_as_it_is_now(shared_cache, client_a, notice, slots):
    """The last seat went between the citizen reading the day and sending the form (the shared
    snapshot still had it free): the answer is the day page again, in the same response, with the
    time now full, the others to choose and a fresh form that books."""
    log_in(client_a)
    day_url = f"/booking/places/kita/{local(slots[0].starts_at).date().isoformat()}/"
    token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(day_url))).group(1)
    Slot.objects.filter(pk=slots[0].pk).update(booked=1)  # another citizen's booking, not yet seen by the snapshot
    taken = client_a.post(day_url, {"slot": slots[0].pk, "email": "", "token": token})
    html = page(taken)
    assert taken.status_code == 200 and "選択中にこの時間は満席になりました" in html
    assert f'id="slot-{slots[0].pk}"' not in html and "満席" in html  # the time taken is no choice any more
    assert f'id="slot-{slots[1].pk}"' in html
    assert not Reservation.objects.filter(notice=notice).exists()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    booked = client_a.post(day_url, {"slot": slots[1].pk, "email": "", "token": token})
    assert booked.status_code == 302 and booked["Location"] == "/booking/"
    assert Reservation.objects.get(notice=notice).slot_id == slots[1].pk


def test_the_last_time_of_a_day_taken_while_choosing_sends_on_to_the_next_day_with_one(client_a, notice, slots):
    """The time went while the citizen chose it and with it the day's last: the answer is the next
    day that has a time, at once, with a word and the e-mail address typed; nothing is booked."""
    from django.db.models import F

    kita = Place.objects.get(code="kita")
    following = open_weekday(skip=1)
    Slot.objects.filter(place=kita).exclude(pk=slots[0].pk).update(booked=F("capacity"))
    later = make_slot(kita, following, dt.time(7, 5))
    full_day = local(slots[0].starts_at).date()
    log_in(client_a)
    day_url = f"/booking/places/kita/{full_day.isoformat()}/"
    token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(day_url))).group(1)
    Slot.objects.filter(pk=slots[0].pk).update(booked=1)  # another citizen took the day's last seat
    sent = client_a.post(day_url, {"slot": slots[0].pk, "email": "taro@example.jp", "token": token})
    assert sent.status_code == 302 and sent["Location"] == f"/booking/places/kita/{following.isoformat()}/"
    assert not Reservation.objects.filter(notice=notice).exists()
    html = page(client_a.get(sent["Location"]))
    assert "予約できる時間が残っていません" in html and f'id="slot-{later.pk}"' in html
    assert 'value="taro@example.jp"' in html
    Slot.objects.filter(pk=later.pk).update(booked=F("capacity"))  # no later day has a time either:
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    stays = client_a.post(f"/booking/places/kita/{following.isoformat()}/", {"slot": later.pk, "email": "",
                                                                             "token": token})
    assert stays.status_code == 200 and "error-summary" in page(stays)  # the day page with its error


def test_a_day_with_no_time_left_offers_the_next_three_days_that_have_one(client_a, notice, slots):
    from django.db.models import F

    kita = Place.objects.get(code="kita")
    Slot.objects.filter(place=kita).update(booked=F("capacity"))  # every seat taken, the two of `slots` too
    following = [open_weekday(skip=skip) for skip in (1, 2, 3, 4)]
    for day in following:
        make_slot(kita, day, dt.time(7, 5))  # one free time on each of the next four open days
    full_day = local(slots[0].starts_at).date()
    log_in(client_a)
    html = page(client_a.get(f"/booking/places/kita/{full_day.isoformat()}/"))
    assert "この日は予約できる時間がありません" in html
    offered = re.findall(r'<li><a href="/booking/places/kita/(\d{4}-\d{2}-\d{2})/">',
                         re.search(r'<nav class="next-days".*?</nav>', html, re.S).group(0))
    assert offered == [day.isoformat() for day in following[:3]]
    assert "next-days" not in page(client_a.get(f"/booking/places/kita/{following[0].isoformat()}/"))


def test_change_and_cancel_from_the_booking_page(client_a, notice, slots):
    log_in(client_a)
    token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(f"/booking/slots/{slots[0].pk}/"))).group(1)
    client_a.post(f"/booking/slots/{slots[0].pk}/", {"email": "", "token": token})
    confirm = page(client_a.get(f"/booking/slots/{slots[1].pk}/"))
    assert "10:00" in confirm  # the current booking is shown beside the new time
    token = re.search(r'name="token" value="([^"]+)"', confirm).group(1)
    client_a.post(f"/booking/slots/{slots[1].pk}/", {"email": "", "token": token})
    reservation = Reservation.objects.get(notice=notice)
    assert reservation.slot_id == slots[1].pk
    assert Slot.objects.get(pk=slots[0].pk).booked == 0
    client_a.post("/booking/cancel/")
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.MAILED


def test_an_email_address_is_checked_and_can_be_required(client_a, notice, slots, city_a):
    city_a.email_required = True
    city_a.save(update_fields=["email_required"])
    log_in(client_a)
    token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(f"/booking/slots/{slots[1].pk}/"))).group(1)
    response = client_a.post(f"/booking/slots/{slots[1].pk}/", {"email": "", "token": token})
    assert response.status_code == 200 and 'aria-invalid="true"' in page(response)
    token = re.search(r'name="token" value="([^"]+)"', page(response)).group(1)
    response = client_a.post(f"/booking/slots/{slots[1].pk}/", {"email": "not-an-address", "token": token})
    assert response.status_code == 200 and not Reservation.objects.filter(notice=notice).exists()


def test_an_expired_session_goes_back_to_the_login_with_a_word(client_a, notice):
    response = client_a.get("/booking/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert 'class="messages"' in page(response)


def test_a_place_the_notice_may_not_use_is_not_found(client_a, notice):
    log_in(client_a)
    assert client_a.get("/booking/places/minami/").status_code == 404


def test_a_notice_of_one_city_does_not_log_in_at_another(client_b, notice):
    assert log_in(client_b).status_code == 200
    assert "citizen_notice_id" not in client_b.session


def test_citizen_pages_are_not_cached_and_forms_need_csrf(notice, slots):
    client = Client(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)
    assert log_in(client).status_code == 403  # no CSRF token
    home = client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post("/login/", {"notice_number": "AB1-234567", "birth_day": "7",
                                       "csrfmiddlewaretoken": csrf_field(page(home))})
    assert response.status_code == 302 and token
    booking = client.get("/booking/")
    assert "no-store" in booking["Cache-Control"] or "max-age=0" in booking["Cache-Control"]
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_urls_never_carry_personal_data(client_a, notice, slots):
    log_in(client_a)
    urls = re.findall(r'href="([^"]+)"', page(client_a.get("/booking/")))
    urls += re.findall(r'href="([^"]+)"', page(client_a.get("/booking/places/kita/")))
    assert urls and not any("AB1234567" in url or "birth" in url for url in urls)


def test_dates_in_japanese_show_the_era(client_a, notice, slots):
    log_in(client_a)
    day = local(slots[0].starts_at).date()
    assert "令和" in page(client_a.get(f"/booking/places/kita/{day.isoformat()}/"))


def test_a_citizen_session_copied_to_another_city_is_void(client_a, notice, city_b):
    """Notice ids repeat across schemas: a session must never carry one city's login to another."""
    log_in(client_a)
    with tenant_context(city_b):
        NoticeFactory(number="BB1234567", birth_day=7, pk=notice.pk)  # same id in beta
    intruder = Client(HTTP_HOST="beta.localhost")
    intruder.cookies["sessionid"] = client_a.cookies["sessionid"].value
    response = intruder.get("/booking/")
    assert response.status_code == 302 and response["Location"] == "/"
    # the leaked session is ended altogether; the citizen simply logs in again
    assert client_a.get("/booking/").status_code == 302


def test_the_site_books_and_moves_through_the_one_booking_service(client_a, notice, slots, monkeypatch):
    from booking.services import reservations
    from booking.web.views import booking as booking_views

    calls = []

    def recording(**kwargs):
        outcome = reservations.reservation_book(**kwargs)
        calls.append((kwargs["slot"].pk, kwargs["actor"].channel, outcome.moved))
        return outcome

    monkeypatch.setattr(booking_views, "reservation_book", recording)
    log_in(client_a)
    for slot in slots:
        token = re.search(r'name="token" value="([^"]+)"', page(client_a.get(f"/booking/slots/{slot.pk}/"))).group(1)
        assert client_a.post(f"/booking/slots/{slot.pk}/", {"email": "", "token": token}).status_code == 302
    assert calls == [(slots[0].pk, "web", False), (slots[1].pk, "web", True)]
    assert Reservation.objects.get(notice=notice).slot_id == slots[1].pk
