"""Citizen pages as people use them: the session and its end, forms and their errors, titles, the
calendar's words (WEB-12 / JIS X 8341-3 AA, WEB-15). The same in a real browser: test_browser_a11y.py."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from booking.clock import city_today, local
from booking.formatting import date_label, date_label_parts, month_label
from booking.models import Place, Reservation
from booking.web.session import UNTIL_KEY
from tenants.models import Municipality
from tests.booking.factories import NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(in_city_a):
    return NoticeFactory(number="AB1234567", birth_day=7)


@pytest.fixture
def slot(in_city_a):
    return make_slot(Place.objects.get(code="kita"), open_weekday(), dt.time(11), capacity=5)


def log_in(client, number="AB1-234567", day="7"):
    return client.post("/login/", {"notice_number": number, "birth_day": day})


def html(response) -> str:
    return response.content.decode()


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", html(response), re.S).group(1).strip()


def h1(response) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", html(response), re.S).group(1)).strip()


def token_of(text: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', text).group(1)


def end_login(client) -> None:
    """The citizen did nothing for longer than the session lasts (no waiting in tests)."""
    session = client.session
    session[UNTIL_KEY] = time.time() - 1
    session.save()


# --- the session: shown, extended, and nothing lost when it ends (WCAG 2.2.1) -----------------

def test_every_citizen_page_says_when_the_session_ends_and_extends_it_without_javascript(
        client_a, notice, slot):
    log_in(client_a)
    day = local(slot.starts_at).date()
    for url in ["/booking/", "/booking/places/kita/", f"/booking/places/kita/{day.isoformat()}/",
                f"/booking/slots/{slot.pk}/"]:
        page = html(client_a.get(url))
        ends = re.search(r"操作がなければ (\d\d:\d\d) にログインが終了します", page)
        assert ends, url
        expected = local(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.BOOKING_CITIZEN_SESSION_SECONDS))
        assert abs(dt.datetime.combine(expected.date(), dt.time.fromisoformat(ends.group(1)), expected.tzinfo)
                   - expected.replace(second=0, microsecond=0)) <= dt.timedelta(minutes=1)
        form = re.search(r'<form method="post" action="/session/extend/".*?</form>', page, re.S).group(0)
        assert f'name="next" value="{url}"' in form and "ログインを延長する" in form
        assert '<script src="/static/js/citizen-session.js" defer></script>' in page
        assert 'id="session-dialog"' in page


def test_the_extend_button_extends_the_session_and_comes_back_to_the_page(client_a, notice):
    log_in(client_a)
    session = client_a.session
    session[UNTIL_KEY] = time.time() + 60  # a minute left
    session.save()
    response = client_a.post("/session/extend/", {"next": "/booking/places/kita/?month=2031-03"})
    assert response.status_code == 302 and response["Location"] == "/booking/places/kita/?month=2031-03"
    assert client_a.session[UNTIL_KEY] > time.time() + settings.BOOKING_CITIZEN_SESSION_SECONDS - 60
    assert client_a.post("/session/extend/", {"next": "https://evil.example/"})["Location"] == "/booking/"


def test_the_dialog_extends_in_the_background_and_asks_without_extending(client_a, notice):
    log_in(client_a)
    session = client_a.session
    session[UNTIL_KEY] = time.time() + 100
    session.save()
    status = client_a.get("/session/").json()
    assert 95 <= status["seconds_left"] <= 100  # asking does not extend
    answer = client_a.post("/session/extend/", HTTP_ACCEPT="application/json").json()
    assert answer["seconds_left"] >= settings.BOOKING_CITIZEN_SESSION_SECONDS - 5
    assert "にログインが終了します" in answer["text"]
    end_login(client_a)
    assert client_a.get("/session/").json() == {"seconds_left": 0}


def test_an_ended_login_opens_nothing_even_though_the_session_is_kept(client_a, notice):
    log_in(client_a)
    end_login(client_a)
    response = client_a.get("/booking/", follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "もう一度ログインすると" in html(response)
    assert "citizen_notice_id" not in client_a.session
    assert "ご予約の画面へ進む" not in html(client_a.get("/"))  # no "continue" on the start page


def test_a_confirmation_sent_after_the_session_ended_keeps_the_time_and_the_typed_address(
        client_a, notice, slot, city_a):
    city_a.email_required = True
    city_a.save(update_fields=["email_required"])
    log_in(client_a)
    token = token_of(html(client_a.get(f"/booking/slots/{slot.pk}/")))
    end_login(client_a)  # the citizen was called away while typing
    response = client_a.post(f"/booking/slots/{slot.pk}/", {"email": "hanako@example.jp", "token": token})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Reservation.objects.filter(notice=notice).exists()  # nothing booked behind their back
    back = log_in(client_a)
    assert back.status_code == 302 and back["Location"] == f"/booking/slots/{slot.pk}/"
    confirm = html(client_a.get(back["Location"]))
    assert 'value="hanako@example.jp"' in confirm
    assert 'value="hanako@example.jp"' not in html(client_a.get(back["Location"]))  # given back once
    token = token_of(confirm)
    client_a.post(f"/booking/slots/{slot.pk}/", {"email": "hanako@example.jp", "token": token})
    assert Reservation.objects.get(notice=notice).email == "hanako@example.jp"


def test_a_page_open_when_the_session_ended_is_where_the_citizen_comes_back_to(client_a, notice):
    log_in(client_a)
    end_login(client_a)
    client_a.get("/booking/places/kita/?month=2031-03")
    assert log_in(client_a)["Location"] == "/booking/places/kita/?month=2031-03"


def test_another_notice_logging_in_after_an_ended_session_gets_nothing_of_it(client_a, notice, slot):
    other = NoticeFactory(number="ZZ1234567", birth_day=9)
    log_in(client_a)
    token = token_of(html(client_a.get(f"/booking/slots/{slot.pk}/")))
    end_login(client_a)
    client_a.post(f"/booking/slots/{slot.pk}/", {"email": "hanako@example.jp", "token": token})
    response = log_in(client_a, number=other.number, day="9")
    assert response["Location"] == "/booking/places/kita/"  # a fresh start, not the other's page
    assert "hanako@example.jp" not in html(client_a.get(f"/booking/slots/{slot.pk}/"))


# --- forms: required fields, autocomplete, errors summarised and focused --------------------

def test_required_fields_are_marked_before_any_error(client_a, notice, slot, city_a):
    start = html(client_a.get("/"))
    for field in ("notice_number", "birth_day"):
        label = re.search(rf'<label for="id_{field}">(.*?)</label>', start, re.S).group(1)
        assert "（必須）" in label
        assert re.search(rf'<(input|select)[^>]*name="{field}"[^>]*\brequired\b', start)
    assert re.search(r'<select[^>]*name="birth_day"[^>]*autocomplete="bday-day"', start)
    log_in(client_a)
    optional = html(client_a.get(f"/booking/slots/{slot.pk}/"))
    assert "（必須）" not in re.search(r'<label for="id_email">(.*?)</label>', optional, re.S).group(1)
    city_a.email_required = True
    city_a.save(update_fields=["email_required"])
    required = html(client_a.get(f"/booking/slots/{slot.pk}/"))
    assert "（必須）" in re.search(r'<label for="id_email">(.*?)</label>', required, re.S).group(1)
    assert re.search(r'<input[^>]*name="email"[^>]*\brequired\b', required)


def test_a_city_asking_for_month_and_day_gets_both_autocompleted(client_a, city_a):
    city_a.login_secret = Municipality.LoginSecret.MONTH_DAY
    city_a.save(update_fields=["login_secret"])
    start = html(client_a.get("/"))
    assert re.search(r'<select[^>]*name="birth_month"[^>]*autocomplete="bday-month"', start)
    assert "（必須）" in re.search(r'<label for="id_birth_month">(.*?)</label>', start, re.S).group(1)


def test_a_failed_submit_summarises_the_errors_at_the_top_with_links_and_says_so_in_the_title(
        client_a, notice, slot, city_a):
    city_a.email_required = True
    city_a.save(update_fields=["email_required"])
    log_in(client_a)
    confirm = client_a.get(f"/booking/slots/{slot.pk}/")
    failed = client_a.post(f"/booking/slots/{slot.pk}/", {"email": "not-an-address", "token": token_of(html(confirm))})
    page = html(failed)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert page.index("error-summary") < page.index("<h1>")  # at the top of the content
    assert 'tabindex="-1"' in summary and "autofocus" in summary  # focus moves there, no script needed
    assert re.search(r'<a href="#id_email">[^<]*メールアドレス[^<]*: [^<]+</a>', summary)
    assert title(failed).startswith("エラー: ") and not title(confirm).startswith("エラー")
    empty_login = client_a.post("/login/", {"notice_number": "", "birth_day": ""})
    summary = re.search(r'<div class="error-summary".*?</div>', html(empty_login), re.S).group(0)
    assert '<a href="#id_notice_number">' in summary and '<a href="#id_birth_day">' in summary
    assert title(empty_login).startswith("エラー: ")


# --- titles, words, the small things -------------------------------------------------------

def test_titles_say_which_day_and_place_and_agree_with_the_heading(client_a, notice, slot):
    log_in(client_a)
    day = local(slot.starts_at).date()
    other_day = open_weekday(skip=1)
    day_titles = {title(client_a.get(f"/booking/places/kita/{d.isoformat()}/")) for d in (day, other_day)}
    assert len(day_titles) == 2 and all("北区役所" in t for t in day_titles)
    assert any(date_label(day, "ja") in t for t in day_titles)
    assert month_label(day, "ja") in title(client_a.get(f"/booking/places/kita/?month={day:%Y-%m}"))
    book = client_a.get(f"/booking/slots/{slot.pk}/")
    assert title(book).startswith(h1(book)) and h1(book) == "予約内容の確認"
    client_a.post(f"/booking/slots/{slot.pk}/", {"email": "", "token": token_of(html(book))})
    other = make_slot(slot.place, other_day, dt.time(11))
    change = client_a.get(f"/booking/slots/{other.pk}/")
    assert title(change).startswith(h1(change)) and h1(change) != h1(book)


def test_today_and_the_closing_window_read_booking_closed_not_closed(client_a, notice, city_a):
    city_a.booking_closes_hours = 72
    city_a.save(update_fields=["booking_closes_hours"])
    log_in(client_a)
    today = city_today()
    page = html(client_a.get(f"/booking/places/kita/?month={today:%Y-%m}"))
    before, number, _after = date_label_parts(today, "ja")
    cell = re.search(rf'<td class="day day--(\w+)"><span class="day-number"><span class="visually-hidden">'
                     rf'{re.escape(before)}</span>{number}<.*?</td>', page, re.S)
    assert cell.group(1) == "too_late"
    assert "受付終了" in cell.group(0) and "休み" not in cell.group(0)


def test_english_asks_for_the_day_of_birth_not_the_date(client_a):
    client_a.cookies["madoguchi_language"] = "en"
    page = html(client_a.get("/"))
    assert "date of birth" not in page.lower() and "day of birth" in page


def test_portuguese_writes_month_and_weekday_names_in_lower_case():
    assert date_label(dt.date(2026, 12, 1), "pt-br") == "1 de dezembro de 2026 (ter.)"
    assert month_label(dt.date(2026, 3, 1), "pt-br") == "março de 2026"
    assert date_label(dt.date(2026, 12, 1), "es") == "1 de diciembre de 2026 (mar)"
    assert month_label(dt.date(2026, 12, 1), "en") == "December 2026"


def test_portuguese_calendar_page_has_no_capitalised_month(client_a, notice, city_a):
    city_a.enabled_languages = ["ja", "pt-br"]
    city_a.save(update_fields=["enabled_languages"])
    client_a.cookies["madoguchi_language"] = "pt-br"
    log_in(client_a)
    day = open_weekday()
    page = html(client_a.get(f"/booking/places/kita/?month={day:%Y-%m}"))
    months = "Janeiro|Fevereiro|Março|Abril|Maio|Junho|Julho|Agosto|Setembro|Outubro|Novembro|Dezembro"
    assert not re.search(rf"\b({months})\b", page)
    assert month_label(day, "pt-br") in page


def test_favicon_answers_on_every_site(client_a, platform_client):
    for client in (client_a, platform_client):
        response = client.get("/favicon.ico")
        assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    page = html(client_a.get("/"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_the_start_page_still_needs_no_javascript(client_a):
    assert "<script" not in html(Client(HTTP_HOST="alpha.localhost").get("/"))
