"""Lists (DATA-1): the bookings CSV, streamed, UTF-8 with BOM or CP932 with visible, counted
replacements; filters; every export recorded; another city's bookings never appear; the sheet PDF."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import StreamingHttpResponse
from django_tenants.utils import tenant_context

from booking import exports
from booking.documents import appointment_sheet_html
from booking.models import Place, Ward
from booking.services.reservations import reservation_book, reservation_cancel
from lgwan_access.models import StaffAccessEntry
from tests.booking.factories import CITIZEN, OPERATOR, STAFF, NoticeFactory, make_card, make_slot, open_weekday
from tests.lgwan_access.factories_counter import staff_client


@pytest.fixture
def day_of_bookings(city_a, city_b):
    """Alpha: three bookings on one day at two places (one cancelled); beta: one booking that day."""
    with tenant_context(city_a):
        kita, minami = Place.objects.get(code="kita"), Place.objects.get(code="minami")
        day = open_weekday(3)
        yoshida = NoticeFactory(number="LST000001")
        make_card(yoshida, name_kanji="𠮷田　太郎", name_kana="ヨシダ タロウ")
        takahashi = NoticeFactory(number="LST000002")
        make_card(takahashi, name_kanji="髙橋　花子", name_kana="タカハシ ハナコ")
        third = NoticeFactory(number="LST000003", ward=Ward.objects.get(code="minami"))
        codes = {
            "yoshida": reservation_book(notice=yoshida, slot=make_slot(kita, day, dt.time(10, 0)),
                                        actor=STAFF).reservation.code,
            "takahashi": reservation_book(notice=takahashi, slot=make_slot(kita, day, dt.time(14, 0)),
                                          actor=CITIZEN).reservation.code,
        }
        cancelled = reservation_book(notice=third, slot=make_slot(minami, day, dt.time(10, 0)),
                                     actor=OPERATOR).reservation
        reservation_cancel(reservation=cancelled, actor=OPERATOR)
        codes["cancelled"] = cancelled.code
        places = {"kita": kita.pk, "minami": minami.pk}
    with tenant_context(city_b):
        other = NoticeFactory(number="BTA000001")
        beta_code = reservation_book(notice=other, slot=make_slot(other.default_place, day, dt.time(10, 0)),
                                     actor=STAFF).reservation.code
    client, user = staff_client(city_a)
    return {"client": client, "user": user, "day": day, "codes": codes, "places": places, "beta_code": beta_code,
            "city": city_a}


def _export(client, day, **params):
    query = {"date_from": day.isoformat(), "date_to": day.isoformat(), **params}
    response = client.get("/staff/lists/bookings.csv", query)
    assert response.status_code == 200, response.content[:500]
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _entries(city):
    with tenant_context(city):
        return list(StaffAccessEntry.objects.filter(action=StaffAccessEntry.Action.EXPORT).order_by("pk"))


def test_utf8_with_bom_holds_every_name_and_the_export_is_recorded(day_of_bookings):
    data = day_of_bookings
    response, body = _export(data["client"], data["day"])
    assert body.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(body.decode("utf-8-sig"))
    assert rows[0][:3] == ["日付", "開始", "終了"]
    codes = [row[5] for row in rows[1:]]
    assert sorted(codes) == sorted(data["codes"].values())
    assert any(row[7] == "𠮷田　太郎" for row in rows)
    kita_ten = next(row for row in rows if row[5] == data["codes"]["yoshida"])
    assert kita_ten[0] == data["day"].isoformat() and kita_ten[1] == "10:00" and kita_ten[2] == "10:30"
    [entry] = _entries(data["city"])
    assert entry.user_label == data["user"].username
    assert entry.details["encoding"] == "utf-8" and entry.details["rows"] == 3 and entry.details["replaced"] == 0


def test_another_citys_bookings_never_appear(day_of_bookings):
    data = day_of_bookings
    _response, body = _export(data["client"], data["day"])
    assert data["beta_code"].encode() not in body and b"BTA000001" not in body


def test_cp932_replaces_what_it_cannot_hold_visibly_and_counts_it(day_of_bookings):
    data = day_of_bookings
    page = data["client"].get("/staff/lists/", {"date_from": data["day"].isoformat(),
                                                "date_to": data["day"].isoformat()})
    check = page.context["check"]
    assert check.replaced == 1 and "𠮷 U+20BB7 ×1" in page.content.decode()
    response, body = _export(data["client"], data["day"], encoding="cp932")
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert not body.startswith(b"\xef\xbb\xbf")
    text = body.decode("cp932")
    assert "〓田　太郎" in text and "髙橋　花子" in text and "𠮷" not in text
    [entry] = _entries(data["city"])
    assert entry.details["encoding"] == "cp932" and entry.details["replaced"] == 1
    assert entry.details["replaced_characters"] == ["𠮷 U+20BB7 ×1"]
    after = data["client"].get("/staff/lists/").content.decode()
    assert "1 文字を 〓 に置き換え (𠮷 U+20BB7 ×1)" in after


@pytest.mark.parametrize(("params", "expected"), [
    ({"time_from": "09:00", "time_to": "12:00"}, {"yoshida", "cancelled"}),
    ({"place": "minami"}, {"cancelled"}),
    ({"status": "cancelled"}, {"cancelled"}),
    ({"status": "active", "channel": "web"}, {"takahashi"}),
    ({"channel": ["staff", "phone"]}, {"yoshida", "cancelled"}),
])
def test_filters_combine(day_of_bookings, params, expected):
    data = day_of_bookings
    if "place" in params:
        params = {**params, "place": data["places"][params["place"]]}
    _response, body = _export(data["client"], data["day"], **params)
    codes = {row[5] for row in _rows(body.decode("utf-8-sig"))[1:]}
    assert codes == {data["codes"][name] for name in expected}


def test_a_bad_range_is_refused_and_nothing_is_recorded(day_of_bookings):
    data = day_of_bookings
    response = data["client"].get("/staff/lists/bookings.csv", {
        "date_from": data["day"].isoformat(), "date_to": (data["day"] - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert "終了日が開始日より前です。" in response.content.decode()
    assert _entries(data["city"]) == []


def test_the_csv_is_written_in_chunks(day_of_bookings, monkeypatch):
    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 1)
    data = day_of_bookings
    response = data["client"].get("/staff/lists/bookings.csv", {"date_from": data["day"].isoformat(),
                                                                "date_to": data["day"].isoformat()})
    chunks = list(response.streaming_content)
    assert len(chunks) == 4  # the header, then one chunk per row


def test_the_appointment_sheet_is_a_pdf_recorded_as_printed(day_of_bookings):
    data = day_of_bookings
    response = data["client"].get("/staff/lists/appointment-sheet.pdf", {
        "place": data["places"]["kita"], "day": data["day"].isoformat(), "era": "on"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with tenant_context(data["city"]):
        entry = StaffAccessEntry.objects.get(action=StaffAccessEntry.Action.PRINT)
        assert entry.details == {"place": "kita", "day": data["day"].isoformat()}
        html = appointment_sheet_html(place=Place.objects.get(code="kita"), day=data["day"], era=True)
        plain = appointment_sheet_html(place=Place.objects.get(code="kita"), day=data["day"])
    assert "令和" in html and "令和" not in plain
    assert data["codes"]["yoshida"] in html and data["codes"]["takahashi"] in html
    assert data["codes"]["cancelled"] not in html  # another place, and cancelled
    assert html.index("10:00") < html.index("14:00")


def test_a_clerk_of_another_city_gets_no_list_and_only_the_refusal_is_recorded(day_of_bookings, city_b):
    data = day_of_bookings
    client, _user = staff_client(city_b)
    client.defaults["HTTP_HOST"] = "alpha.localhost"
    query = {"date_from": data["day"].isoformat(), "date_to": data["day"].isoformat()}
    assert client.get("/staff/lists/bookings.csv", query).status_code == 403
    assert client.get("/staff/lists/appointment-sheet.pdf", {"place": data["places"]["kita"],
                                                             "day": data["day"].isoformat()}).status_code == 403
    with tenant_context(data["city"]):  # no export or print, only the refusals as security events
        recorded = set(StaffAccessEntry.objects.values_list("action", flat=True))
    assert recorded == {StaffAccessEntry.Action.REFUSED_ROLE}
