"""Notices in the staff console: search as printed, filters, print layout, a notice's page, unlock, status."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.models import AuditEntry, LoginLockEvent, Notice, NoticeLoginGuard, Place, Reservation, Ward
from lgwan_access.models import StaffAccessEntry
from tests.booking.factories import NoticeFactory
from tests.lgwan_access.factories_console_a import booked_notice, staff_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Tuesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clerk(client_a, city_a):
    user = staff_user(city_a)
    client_a.force_login(user)
    return user


def test_a_number_as_printed_finds_the_notice(clerk, client_a, in_city_a):
    NoticeFactory(number="ABC000009")
    NoticeFactory(number="ABC000010")
    for typed in ("ABC-000009", "abc 000009", "ＡＢＣ－０００００９"):
        page = client_a.get("/staff/notices/", {"number": typed}).content.decode()
        assert "ABC000009" in page and "ABC000010" not in page, typed
    page = client_a.get("/staff/notices/", {"number": "ABC-0000"}).content.decode()
    assert "ABC000009" in page and "ABC000010" in page


def test_filters_combine(clerk, client_a, in_city_a):
    kita, minami = Ward.objects.get(code="kita"), Ward.objects.get(code="minami")
    office = Place.objects.get(code="kita")
    booked = booked_notice(office, NOW.date() + dt.timedelta(days=2), number="KIT000001")
    NoticeFactory(number="KIT000002", ward=kita)
    NoticeFactory(number="MIN000001", ward=minami)
    NoticeLoginGuard.objects.create(number="KIT000002", failures=3, locked_at=timezone.now())

    def found(**params):
        page = client_a.get("/staff/notices/", params).content.decode()
        return {n for n in ("KIT000001", "KIT000002", "MIN000001") if n in page}

    assert found(ward=kita.pk) == {"KIT000001", "KIT000002"}
    assert found(ward=kita.pk, status="booked") == {"KIT000001"}
    assert found(ward=kita.pk, locked="yes") == {"KIT000002"}
    assert found(channel="staff", booked_from=NOW.date().isoformat(),
                 booked_until=(NOW.date() + dt.timedelta(days=2)).isoformat()) == {"KIT000001"}
    assert found(channel="staff", booked_from=(NOW.date() + dt.timedelta(days=3)).isoformat()) == set()
    assert found(place=office.pk, status="mailed", ward=minami.pk) == set()
    assert booked.number == "KIT000001"


def test_a_reversed_date_range_is_refused_by_its_field(clerk, client_a, in_city_a):
    response = client_a.get("/staff/notices/", {"booked_from": "2026-12-05", "booked_until": "2026-12-01"})
    assert "範囲の終わりを始まりより前にすることはできません" in response.content.decode() or response.context[
        "form"].errors["booked_until"]
    assert response.context["page"] is None


def test_results_are_paginated_and_print_is_recorded(clerk, client_a, in_city_a):
    for n in range(55):
        NoticeFactory(number=f"PAG{n:06d}")
    first = client_a.get("/staff/notices/", {"number": "PAG"})
    assert first.context["page"].paginator.count == 55 and len(first.context["page"].object_list) == 50
    second = client_a.get("/staff/notices/", {"number": "PAG", "page": 2}).content.decode()
    assert "PAG000054" in second and "PAG000000" not in second
    printed = client_a.get("/staff/notices/", {"number": "PAG", "print": 1})
    assert len(printed.context["page"].object_list) == 55
    text = printed.content.decode()
    assert "交付通知書番号: PAG" in text and "印刷日時 2026-12-01 08:00" in text  # what and when, in city time
    assert not re.search(r'href="/staff/notices/\d', text)  # rows are not links on paper
    assert StaffAccessEntry.objects.filter(action="print", user=clerk).count() == 1


def test_the_notice_page_shows_booking_card_timeline_and_records_the_view(clerk, client_a, in_city_a):
    notice = booked_notice(Place.objects.get(code="kita"), NOW.date() + dt.timedelta(days=1), number="VIE000001")
    response = client_a.get(f"/staff/notices/{notice.pk}/")
    page = response.content.decode()
    code = Reservation.objects.get(notice=notice).code
    assert code in page and "予約済" in page
    entry = StaffAccessEntry.objects.get(action=StaffAccessEntry.Action.VIEW_NOTICE)
    assert entry.user == clerk and entry.target == "VIE000001"


def test_unlock_opens_the_login_again_and_is_audited(clerk, client_a, in_city_a):
    notice = NoticeFactory(number="LCK000001")
    NoticeLoginGuard.objects.create(number="LCK000001", failures=3, locked_at=timezone.now())
    assert f"/staff/notices/{notice.pk}/unlock/" in client_a.get(f"/staff/notices/{notice.pk}/").content.decode()
    response = client_a.post(f"/staff/notices/{notice.pk}/unlock/")
    assert response.status_code == 302
    assert NoticeLoginGuard.objects.get(number="LCK000001").locked_at is None
    assert AuditEntry.objects.filter(notice=notice, action="notice.unlock", actor_user=clerk).exists()
    assert LoginLockEvent.objects.filter(number="LCK000001", event="unlocked").exists()
    assert client_a.get(f"/staff/notices/{notice.pk}/unlock/").status_code == 405


def test_a_clerk_moves_a_notice_with_a_reason(clerk, client_a, in_city_a):
    notice = NoticeFactory(number="RET000001")
    response = client_a.post(f"/staff/notices/{notice.pk}/status/", {"to": "returned", "reason": "宛先不明"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "returned"
    entry = AuditEntry.objects.get(notice=notice, action="notice.status")
    assert entry.changes == {"status": ["mailed", "returned"], "reason": "宛先不明"}
    assert "宛先不明" in client_a.get(f"/staff/notices/{notice.pk}/").content.decode()


def test_withdrawing_a_booked_notice_gives_its_seat_back(clerk, client_a, in_city_a):
    notice = booked_notice(Place.objects.get(code="kita"), NOW.date() + dt.timedelta(days=1), number="WDR000001")
    reservation = Reservation.objects.select_related("slot").get(notice=notice)
    booked_before = reservation.slot.booked
    client_a.post(f"/staff/notices/{notice.pk}/status/", {"to": "cancelled", "reason": "転出"})
    reservation.refresh_from_db()
    reservation.slot.refresh_from_db()
    assert reservation.status == "cancelled" and reservation.slot.booked == booked_before - 1
    assert Notice.objects.get(pk=notice.pk).status == "cancelled"


@pytest.mark.parametrize("data", [{"to": "returned", "reason": ""}, {"to": "handed_over", "reason": "x"},
                                  {"to": "booked", "reason": "x"}])
def test_refused_moves_change_nothing(clerk, client_a, in_city_a, data):
    notice = NoticeFactory(number="REF000001")
    entries = AuditEntry.objects.count()
    response = client_a.post(f"/staff/notices/{notice.pk}/status/", data)
    assert response.status_code == 400
    notice.refresh_from_db()
    assert notice.status == "mailed" and AuditEntry.objects.count() == entries


def test_another_city_cannot_see_this_citys_notices(client_a, client_b, city_a, city_b):
    with tenant_context(city_a):
        notice = NoticeFactory(number="SEC000001")
    clerk_b = staff_user(city_b)
    client_b.force_login(clerk_b)
    assert client_b.get("/staff/notices/", {"number": "SEC000001"}).context["page"].paginator.count == 0
    response = client_b.get(f"/staff/notices/{notice.pk}/")
    assert "SEC000001" not in response.content.decode()
    client_a.force_login(clerk_b)  # the other city's clerk at this city's console
    assert client_a.get("/staff/notices/", {"number": "SEC000001"}).status_code == 403
    assert client_a.get(f"/staff/notices/{notice.pk}/").status_code == 403
    assert client_a.post(f"/staff/notices/{notice.pk}/status/", {"to": "returned", "reason": "x"}).status_code == 403
    with tenant_context(city_a):
        NoticeLoginGuard.objects.create(number="SEC000001", failures=3, locked_at=timezone.now())
    assert client_a.post(f"/staff/notices/{notice.pk}/unlock/").status_code == 403
    with tenant_context(city_a):
        assert NoticeLoginGuard.objects.get(number="SEC000001").locked_at is not None
        assert Notice.objects.get(pk=notice.pk).status == "mailed"
        assert not StaffAccessEntry.objects.filter(target="SEC000001").exists()
