"""Bookings through the staff API: the one booking path, its guarantee, the error shape, the audit."""
from __future__ import annotations

import datetime as dt

from django_tenants.utils import tenant_context

from booking.models import AuditEntry, Reservation, Slot
from lgwan_access.models import StaffAccessEntry
from tests.lgwan_access.api.factories_api import a_day, as_printed

BOOKINGS = "/api/staff/v1/bookings/"


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_staff_book_move_and_cancel_through_the_api(api_a, city_a, staff_a):
    day = a_day(city_a)
    notice = day.notices[0]
    response = _post(api_a, BOOKINGS, {"notice_number": as_printed(notice.number), "slot": day.ten.pk})
    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["notice"]["number"] == notice.number and booking["channel"] == "staff"
    assert booking["status"] == "active" and booking["slot"] == day.ten.pk
    assert booking["starts_at"].endswith("+09:00")
    with tenant_context(city_a):
        assert Slot.objects.get(pk=day.ten.pk).booked == 1
        created = AuditEntry.objects.get(action="reservation.create", notice=notice)
        assert created.actor_user_id == staff_a.pk and created.channel == "staff"

    moved = _post(api_a, f"{BOOKINGS}{booking['id']}/move/", {"slot": day.eleven.pk})
    assert moved.status_code == 200, moved.content
    assert moved.json()["slot"] == day.eleven.pk
    with tenant_context(city_a):
        assert Slot.objects.get(pk=day.ten.pk).booked == 0
        assert Slot.objects.get(pk=day.eleven.pk).booked == 1

    cancelled = _post(api_a, f"{BOOKINGS}{booking['id']}/cancel/", {"reason": "電話で取消"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    with tenant_context(city_a):
        assert Slot.objects.get(pk=day.eleven.pk).booked == 0
    again = _post(api_a, f"{BOOKINGS}{booking['id']}/cancel/", {})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "reservation_not_active"


def test_a_full_slot_is_refused_with_the_error_shape_and_nothing_changes(api_a, city_a):
    day = a_day(city_a)
    first, second = day.notices
    assert _post(api_a, BOOKINGS, {"notice_number": first.number, "slot": day.ten.pk}).status_code == 201
    refused = _post(api_a, BOOKINGS, {"notice_number": second.number, "slot": day.ten.pk})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "slot_full" and error["fields"] == {}
    assert error["message"] == "この時間は予約でいっぱいです。別の時間を選んでください。"  # the city's language
    with tenant_context(city_a):
        assert Slot.objects.get(pk=day.ten.pk).booked == 1
        assert not Reservation.objects.filter(notice=second).exists()
        assert not AuditEntry.objects.filter(notice=second, action="reservation.create").exists()


def test_a_notice_booked_already_is_moved_not_booked_twice(api_a, city_a):
    day = a_day(city_a)
    notice = day.notices[0]
    assert _post(api_a, BOOKINGS, {"notice_number": notice.number, "slot": day.ten.pk}).status_code == 201
    refused = _post(api_a, BOOKINGS, {"notice_number": notice.number, "slot": day.eleven.pk})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_booked"
    with tenant_context(city_a):
        assert Reservation.objects.filter(notice=notice).count() == 1


def test_bad_input_names_the_field_and_changes_nothing(api_a, city_a):
    day = a_day(city_a)
    unknown = _post(api_a, BOOKINGS, {"notice_number": "ZZZ999999", "slot": day.ten.pk})
    assert unknown.status_code == 400 and "notice_number" in unknown.json()["error"]["fields"]
    no_slot = _post(api_a, BOOKINGS, {"notice_number": day.notices[0].number, "slot": 10**12})
    assert no_slot.status_code == 400 and "slot" in no_slot.json()["error"]["fields"]
    missing = _post(api_a, BOOKINGS, {})
    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"notice_number", "slot"}
    garbage = api_a.post(BOOKINGS, "{not json", content_type="application/json")
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "parse_error"
    with tenant_context(city_a):
        assert not Reservation.objects.exists()


def test_bookings_are_listed_by_day_place_status_and_channel_and_the_read_is_recorded_once(api_a, city_a):
    day = a_day(city_a, notices=3)
    for notice, slot in zip(day.notices, (day.ten, day.eleven, day.eleven), strict=True):
        assert _post(api_a, BOOKINGS, {"notice_number": notice.number, "slot": slot.pk}).status_code == 201
    with tenant_context(city_a):
        before = StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.API_READ).count()
    listed = api_a.get(BOOKINGS, {"date_from": day.day.isoformat(), "date_to": day.day.isoformat(),
                                  "place": day.place.code, "status": "active", "channel": "staff"})
    assert listed.status_code == 200
    assert listed.json()["count"] == 3
    assert api_a.get(BOOKINGS, {"channel": "web"}).json()["count"] == 0
    next_day = (day.day + dt.timedelta(days=1)).isoformat()
    assert api_a.get(BOOKINGS, {"date_from": next_day}).json()["count"] == 0
    assert api_a.get(BOOKINGS, {"notice_number": as_printed(day.notices[0].number)}).json()["count"] == 1
    page = api_a.get(BOOKINGS, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    with tenant_context(city_a):
        reads = StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.API_READ).count()
    assert reads == before + 5  # one entry per request, not per row
