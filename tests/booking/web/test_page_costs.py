"""What makes the citizen's pages cheap must never make them wrong: a month table rendered once per
set of day states, empty form fields rendered once, form tokens that write nothing until spent."""
from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.template import engines

from booking.clock import at, local
from booking.models import Place, Slot
from booking.web.forms import CitizenLoginForm, DayBookingForm
from tests.booking.factories import NoticeFactory, make_slot, open_weekday
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


def logged_in(number: str, day: int = 7):
    NoticeFactory(number=number, birth_day=day)
    client = site_client("alpha.localhost")
    assert client.post("/login/", {"notice_number": number, "birth_day": str(day)}).status_code == 302
    return client


def month_page(client, day: dt.date) -> str:
    return client.get(f"/booking/places/kita/?month={day:%Y-%m}").content.decode()


def book(client, slot) -> int:
    page = client.get(f"/booking/slots/{slot.pk}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return client.post(f"/booking/slots/{slot.pk}/", {"email": "", "token": token}).status_code


def test_the_month_table_is_rendered_once_per_set_of_day_states_and_never_stale(shared_cache, in_city_a,
                                                                                 django_capture_on_commit_callbacks):
    day = open_weekday()
    place = Place.objects.get(code="kita")
    slot = make_slot(place, day, dt.time(10), capacity=2)
    Slot.objects.filter(place=place, starts_at__gte=at(day, dt.time.min),
                        starts_at__lt=at(day + dt.timedelta(days=1), dt.time.min)).exclude(pk=slot.pk).delete()
    first, second, viewer = logged_in("PGC000001"), logged_in("PGC000002"), logged_in("PGC000003")
    real = engines["django"].engine.get_template

    def counting(name, *args, **kwargs):
        renders[name] = renders.get(name, 0) + 1
        return real(name, *args, **kwargs)

    renders: dict[str, int] = {}
    with mock.patch.object(engines["django"].engine, "get_template", side_effect=counting):
        assert 'href="/booking/places/kita/' in month_page(viewer, day)
        month_page(viewer, day)
        assert renders.get("booking/web/_month_table.html") == 1  # the second visitor got it from the cache
        with django_capture_on_commit_callbacks(execute=True):
            assert book(first, slot) == 302  # one of two seats: the day's state does not change
        assert f'href="/booking/places/kita/{day.isoformat()}/"' in month_page(viewer, day)
        with django_capture_on_commit_callbacks(execute=True):
            assert book(second, slot) == 302  # the last seat: the day is full at once
        html = month_page(viewer, day)
    assert f'href="/booking/places/kita/{day.isoformat()}/"' not in html
    assert renders.get("booking/web/_month_table.html") == 2  # a new table only for new states


def test_empty_fields_are_rendered_once_and_a_field_with_an_error_every_time(shared_cache, in_city_a):
    template = engines["django"].from_string("{% load form_fields %}{% form_field form.birth_day %}")
    with mock.patch("booking.templatetags.form_fields.render_to_string",
                    wraps=__import__("django.template.loader", fromlist=["render_to_string"]).render_to_string) as made:
        empty = [template.render({"form": CitizenLoginForm()}) for _ in range(3)]
        assert made.call_count == 1 and len(set(empty)) == 1 and 'name="birth_day"' in empty[0]
        wrong = template.render({"form": _invalid_login()})
        assert made.call_count == 2 and "field--error" in wrong and "field--error" not in empty[0]
    english = _in_language("en", template)
    assert english != empty[0]  # each language its own


def _invalid_login():
    form = CitizenLoginForm({"notice_number": "AB1234567", "birth_day": ""})
    form.is_valid()
    return form


def _in_language(code, template):
    from django.utils import translation

    with translation.override(code):
        return template.render({"form": CitizenLoginForm()})


def test_a_field_with_a_value_is_never_taken_from_the_cache(shared_cache, in_city_a):
    template = engines["django"].from_string("{% load form_fields %}{% form_field form.email %}")
    form = DayBookingForm(initial={"email": "someone@example.org"}, bookable_slot_ids=[])
    blank = template.render({"form": DayBookingForm(bookable_slot_ids=[])})
    filled = template.render({"form": form})
    assert 'value="someone@example.org"' in filled and "someone@example.org" not in blank
    assert "someone@example.org" not in template.render({"form": DayBookingForm(bookable_slot_ids=[])})


def test_a_form_token_is_spent_once_and_only_by_its_notice(in_city_a):
    day = open_weekday()
    slot = make_slot(Place.objects.get(code="kita"), day, dt.time(11), capacity=3)
    owner, other = logged_in("PGC000011"), logged_in("PGC000012")
    page = owner.get(f"/booking/places/kita/{day.isoformat()}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    # another notice's session cannot use it: shown the booking page, nothing booked
    sent = other.post(f"/booking/places/kita/{day.isoformat()}/", {"token": token, "slot": slot.pk, "email": ""})
    assert sent.status_code == 302 and sent["Location"] == "/booking/"
    assert not slot.reservations.exists()
    forged = owner.post(f"/booking/places/kita/{day.isoformat()}/",
                        {"token": token[:-2] + "xx", "slot": slot.pk, "email": ""})
    assert forged["Location"] == "/booking/" and not slot.reservations.exists()
    booked = owner.post(f"/booking/places/kita/{day.isoformat()}/", {"token": token, "slot": slot.pk, "email": ""})
    assert booked.status_code == 302 and slot.reservations.count() == 1
    again = owner.post(f"/booking/places/kita/{day.isoformat()}/", {"token": token, "slot": slot.pk, "email": ""})
    assert again["Location"] == "/booking/" and slot.reservations.count() == 1


def test_showing_the_times_of_a_day_writes_no_session(in_city_a):
    from django.contrib.sessions.models import Session

    day = open_weekday()
    make_slot(Place.objects.get(code="kita"), day, dt.time(11))
    client = logged_in("PGC000021")
    client.get(f"/booking/places/kita/{day.isoformat()}/")  # the login's renewal may write once
    before = Session.objects.values_list("session_data", "expire_date").get()
    for _ in range(3):
        assert client.get(f"/booking/places/kita/{day.isoformat()}/").status_code == 200
    assert Session.objects.values_list("session_data", "expire_date").get() == before


def test_the_times_of_a_day_show_each_state_and_keep_the_chosen_time(in_city_a):
    """The tag that lists a day's times: free ones are choices (the chosen one checked, the seats in
    words), the others say why they cannot be chosen, in the page's language."""
    from django.utils import translation

    from booking.selectors.availability import SlotAvailability

    now = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
    slots = [SlotAvailability(11, now, now + dt.timedelta(minutes=30), 4, 1, True),
             SlotAvailability(12, now + dt.timedelta(hours=1), now + dt.timedelta(hours=1, minutes=30), 4, 4, True),
             SlotAvailability(13, now + dt.timedelta(hours=2), now + dt.timedelta(hours=2, minutes=30), 1, 0, False,
                              window="too_late"),
             SlotAvailability(14, now + dt.timedelta(hours=3), now + dt.timedelta(hours=3, minutes=30), 4, 3, True),
             SlotAvailability(15, now + dt.timedelta(hours=4), now + dt.timedelta(hours=4, minutes=30), 4, 1, True)]
    form = DayBookingForm(bookable_slot_ids=[11, 14, 15])
    template = engines["django"].from_string("{% load booking_format %}{% slot_choices slots field chosen %}")
    with translation.override("ja"):
        html = template.render({"slots": slots, "field": form["slot"], "chosen": "11"})
    assert '<ul class="slot-list" id="id_slot">' in html
    assert '<input type="radio" name="slot" id="slot-11" value="11" required checked>' in html
    assert "09:00–09:30" in html and "空き 3" in html
    assert 'id="slot-12"' not in html and 'slot slot--full' in html and "満席" in html
    assert 'id="slot-13"' not in html and "slot slot--too_late" in html
    assert re.search(r'id="slot-14" value="14" required>.*?12:00–12:30</span><span class="slot-free">空き 1<', html)
    assert re.search(r'id="slot-15" value="15" required>.*?13:00–13:30</span><span class="slot-free">空き 3<', html)
    with translation.override("en"):
        english = template.render({"slots": slots, "field": form["slot"], "chosen": ""})
    assert "3 seats free" in english and " checked" not in english


def test_the_calendar_opens_at_the_first_month_with_a_time_to_book(in_city_a):
    """After logging in, a citizen whose first month is fully booked sees the next month at once
    (one request fewer), while a month asked for by name is shown as it is."""
    from django.db.models import F

    from booking.selectors.eligibility import booking_window

    earliest, _latest = booking_window()
    this_month = local(earliest).date().replace(day=1)
    following = (this_month + dt.timedelta(days=32)).replace(day=1)
    place = Place.objects.get(code="kita")
    make_slot(place, open_weekday(min_days=(following - earliest.date()).days + 3), dt.time(10))
    Slot.objects.filter(place=place, starts_at__lt=at(following, dt.time.min)).update(booked=F("capacity"))
    client = logged_in("PGC000031")
    opened = client.get("/booking/places/kita/").content.decode()
    assert f'href="/booking/places/kita/{following:%Y-%m}-' in opened  # days of the following month to choose
    asked = client.get(f"/booking/places/kita/?month={this_month:%Y-%m}").content.decode()
    assert 'href="/booking/places/kita/20' not in asked  # the full month, as asked: nothing to choose


def test_the_citizens_notice_is_read_whole_and_a_removed_one_ends_the_login(in_city_a):
    from booking.models import Notice
    from booking.selectors.lookups import citizen_notice

    notice = NoticeFactory(number="PGC000041", birth_day=9)
    read = citizen_notice(notice.pk)
    assert read == notice and (read.number, read.birth_day, read.status, read.ward_id) == (
        notice.number, 9, notice.status, notice.ward_id)
    assert citizen_notice(notice.pk + 10_000) is None
    client = site_client("alpha.localhost")
    assert client.post("/login/", {"notice_number": "PGC000041", "birth_day": "9"}).status_code == 302
    Notice.objects.filter(pk=notice.pk).delete()
    assert client.get("/booking/")["Location"] == "/"  # back to the start page, logged out
