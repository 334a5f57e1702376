"""Notices, slots and availability, and the bookings CSV through the staff API."""
from __future__ import annotations

import codecs
import datetime as dt

from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.models import NoticeLoginGuard, NoticeStatus
from booking.services.reservations import reservation_book
from lgwan_access.models import StaffAccessEntry
from tests.booking.factories import STAFF, NoticeFactory
from tests.lgwan_access.api.factories_api import a_day, as_printed

NOTICES = "/api/staff/v1/notices/"


def test_notices_are_found_by_number_as_printed_and_filtered(api_a, city_a):
    day = a_day(city_a)
    with tenant_context(city_a):
        wanted = NoticeFactory(number="ABC000123")
        NoticeLoginGuard.objects.create(number=wanted.number, failures=5, locked_at=timezone.now())
        reservation_book(notice=day.notices[0], slot=day.ten, actor=STAFF)
        ward_code = wanted.ward.code
    for typed in ("ＡＢＣ－０００１２３", "abc 000123", "ABC-000123", "abc000"):
        found = api_a.get(NOTICES, {"number": typed}).json()
        assert [row["number"] for row in found["results"]] == ["ABC000123"], typed
    row = api_a.get(NOTICES, {"number": "ABC000123"}).json()["results"][0]
    assert row["locked"] is True and row["ward"]["code"] == ward_code and row["booking"] is None
    assert [r["number"] for r in api_a.get(NOTICES, {"locked": "true"}).json()["results"]] == ["ABC000123"]
    booked = api_a.get(NOTICES, {"status": NoticeStatus.BOOKED}).json()["results"]
    assert [r["number"] for r in booked] == [day.notices[0].number]
    assert booked[0]["booking"]["slot"] == day.ten.pk and booked[0]["booking"]["place"]["code"] == day.place.code
    assert api_a.get(NOTICES, {"ward": "nowhere"}).json()["count"] == 0
    assert api_a.get(NOTICES, {"ward": ward_code, "number": "ABC000123"}).json()["count"] == 1
    assert api_a.get(NOTICES, {"status": "nonsense"}).status_code == 400


def test_a_notice_page_is_read_and_recorded(api_a, city_a, staff_a):
    day = a_day(city_a)
    notice = day.notices[0]
    response = api_a.get(f"{NOTICES}{notice.pk}/")
    assert response.status_code == 200 and response.json()["number"] == notice.number
    with tenant_context(city_a):
        entry = StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.API_READ).first()
    assert entry.user_id == staff_a.pk and entry.target == notice.number
    missing = api_a.get(f"{NOTICES}999999999/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_slots_and_availability_show_the_seats_left(api_a, city_a):
    day = a_day(city_a)
    with tenant_context(city_a):
        reservation_book(notice=day.notices[0], slot=day.eleven, actor=STAFF)
    query = {"place": day.place.code, "date_from": day.day.isoformat()}
    slots = api_a.get("/api/staff/v1/slots/", query).json()
    assert slots["place"]["code"] == day.place.code
    by_id = {slot["id"]: slot for slot in slots["slots"]}
    assert by_id[day.ten.pk]["seats_left"] == 1 and by_id[day.eleven.pk]["seats_left"] == 1
    assert by_id[day.eleven.pk]["booked"] == 1 and by_id[day.ten.pk]["bookable"] is True
    days = api_a.get("/api/staff/v1/availability/", query).json()["days"]
    listed = slots["slots"]
    assert days == [{"date": day.day.isoformat(), "slots": len(listed),
                     "capacity": sum(slot["capacity"] for slot in listed), "booked": 1,
                     "seats_left": sum(slot["seats_left"] for slot in listed),
                     "bookable_seats": sum(slot["seats_left"] for slot in listed if slot["bookable"])}]
    too_long = api_a.get("/api/staff/v1/slots/", {**query, "date_to": (day.day + dt.timedelta(days=90)).isoformat()})
    assert too_long.status_code == 400 and "date_to" in too_long.json()["error"]["fields"]
    unknown = api_a.get("/api/staff/v1/slots/", {**query, "place": "nowhere"})
    assert unknown.status_code == 404


def test_bookings_csv_streams_with_bom_or_in_cp932_and_is_recorded(api_a, city_a):
    day = a_day(city_a)
    with tenant_context(city_a):
        booking = reservation_book(notice=day.notices[0], slot=day.ten, actor=STAFF).reservation
    response = api_a.get("/api/staff/v1/exports/bookings/", {"date_from": day.day.isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    lines = body[3:].decode("utf-8").splitlines()
    assert lines[0].startswith("booking_code,notice_number")
    assert lines[1].split(",")[:6] == [booking.code, day.notices[0].number, day.notices[0].ward.code,
                                       day.place.code, day.day.isoformat(), "10:00"]
    cp932 = api_a.get("/api/staff/v1/exports/bookings/", {"encoding": "cp932"})
    assert not b"".join(cp932.streaming_content).startswith(codecs.BOM_UTF8)
    with tenant_context(city_a):
        assert StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.EXPORT).count() == 2
    assert api_a.get("/api/staff/v1/exports/bookings/", {"encoding": "latin1"}).status_code == 400
    assert api_a.get("/api/staff/v1/exports/bookings/", {"number": as_printed("x")}).status_code == 200
