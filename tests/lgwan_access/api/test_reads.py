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
from tests.lgwan_access.api.factories_api import a_day

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
    export = "/api/staff/v1/exports/bookings/"
    response = api_a.get(export, {"date_from": day.day.isoformat(), "place": day.place.code})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    lines = body[3:].decode("utf-8").splitlines()
    assert len(lines) == 2  # the console's header (translated) and the one booking
    assert booking.code in lines[1] and day.notices[0].number in lines[1] and day.day.isoformat() in lines[1]
    cp932 = api_a.get(export, {"date_from": day.day.isoformat(), "encoding": "cp932", "status": "active",
                               "channel": "staff"})
    assert cp932["Content-Type"] == "text/csv; charset=Shift_JIS"
    body = b"".join(cp932.streaming_content)
    assert not body.startswith(codecs.BOM_UTF8) and booking.code in body.decode("cp932")
    with tenant_context(city_a):
        entries = list(StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.EXPORT))
    assert len(entries) == 2 and all(entry.details["rows"] == 1 for entry in entries)
    assert api_a.get(export, {"date_from": day.day.isoformat(), "encoding": "latin1"}).status_code == 400
    assert api_a.get(export, {"date_from": day.day.isoformat(), "channel": "fax"}).status_code == 400
    assert api_a.get(export).status_code == 400  # the first day is required
    assert api_a.get(export, {"date_from": day.day.isoformat(), "place": "nowhere"}).status_code == 404
