"""Counter bookings (OPS-6): a clerk finds a notice as printed, sees free times, books, moves, cancels.

Every refusal shows the booking service's message and changes nothing.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.clock import at
from booking.models import AuditEntry, Channel, NoticeStatus, Reservation, Slot
from booking.services.reservations import reservation_book
from lgwan_access.models import StaffAccessEntry
from tests.booking.factories import STAFF, NoticeFactory, make_slot, open_weekday
from tests.lgwan_access.factories_counter import staff_client


@pytest.fixture
def counter(city_a):
    """Alpha: a notice, a place with two slots on an ordinary weekday, and a logged-in clerk."""
    client, user = staff_client(city_a)
    with tenant_context(city_a):
        notice = NoticeFactory(number="CTR000001")
        place = notice.default_place
        day = open_weekday(3)
        first = make_slot(place, day, dt.time(10, 0), capacity=2)
        second = make_slot(place, day, dt.time(11, 0), capacity=1)
    return {"client": client, "user": user, "notice": notice, "place": place, "day": day, "first": first,
            "second": second, "city": city_a}


def _page(client, **params):
    return client.get("/staff/counter/", params)


def test_a_notice_is_found_as_printed_and_its_free_times_listed(counter):
    response = _page(counter["client"], number="ｃｔｒ－０００００１", place=counter["place"].pk,
                     day=counter["day"].isoformat())
    text = response.content.decode()
    assert response.status_code == 200
    assert "CTR000001" in text
    assert "10:00–10:30" in text and "11:00–11:30" in text
    assert "2 / 2" in text  # seats left of the 10:00 slot
    with tenant_context(counter["city"]):
        entry = StaffAccessEntry.objects.get(action=StaffAccessEntry.Action.VIEW_NOTICE)
    assert entry.target == "CTR000001" and entry.user_label == counter["user"].username


def test_an_unknown_number_says_so_in_japanese(counter):
    response = _page(counter["client"], number="ZZZ999999")
    assert response.status_code == 200
    assert "この番号の交付通知書は見つかりませんでした。" in response.content.decode()


def test_the_clerk_books_at_the_counter_through_the_booking_service(counter):
    client, slot = counter["client"], counter["first"]
    response = client.post("/staff/counter/book/", {"number": "CTR-000001", "slot": slot.pk, "channel": "staff"},
                           follow=True)
    with tenant_context(counter["city"]):
        booking = Reservation.objects.get(notice__number="CTR000001", status="active")
        assert booking.slot_id == slot.pk and booking.channel == Channel.STAFF
        assert booking.created_by_id == counter["user"].pk
        assert Slot.objects.get(pk=slot.pk).booked == 1
        entry = AuditEntry.objects.get(reservation=booking, action="reservation.create")
        assert entry.actor_label == counter["user"].username and entry.channel == Channel.STAFF
    assert booking.code in response.content.decode()


def test_the_clerk_moves_and_cancels_a_booking(counter):
    client = counter["client"]
    with tenant_context(counter["city"]):
        reservation_book(notice=counter["notice"], slot=counter["first"], actor=STAFF)
    client.post("/staff/counter/book/", {"number": "CTR000001", "slot": counter["second"].pk, "channel": "staff"})
    with tenant_context(counter["city"]):
        booking = Reservation.objects.get(notice__number="CTR000001", status="active")
        assert booking.slot_id == counter["second"].pk
        assert Slot.objects.get(pk=counter["first"].pk).booked == 0
    response = client.post("/staff/counter/cancel/",
                           {"number": "CTR000001", "channel": "staff", "reason": "電話で依頼"}, follow=True)
    with tenant_context(counter["city"]):
        assert not Reservation.objects.filter(notice__number="CTR000001", status="active").exists()
        assert Slot.objects.get(pk=counter["second"].pk).booked == 0
        notice = counter["notice"].__class__.objects.get(pk=counter["notice"].pk)
        assert notice.status == NoticeStatus.MAILED
    text = response.content.decode()
    assert "予約を取り消しました。" in text and "この交付通知書の予約はありません。" in text


def _state(city):
    with tenant_context(city):
        return (list(Reservation.objects.order_by("pk").values_list("pk", "status", "slot_id")),
                list(Slot.objects.order_by("pk").values_list("pk", "booked")),
                AuditEntry.objects.count())


def test_a_full_slot_is_refused_with_a_clear_message_and_nothing_changes(counter):
    with tenant_context(counter["city"]):
        other = NoticeFactory()
        reservation_book(notice=other, slot=counter["second"], actor=STAFF)
    before = _state(counter["city"])
    response = counter["client"].post("/staff/counter/book/", {"number": "CTR000001", "slot": counter["second"].pk,
                                                               "channel": "staff"}, follow=True)
    assert "この時間は予約でいっぱいです。別の時間を選んでください。" in response.content.decode()
    assert _state(counter["city"]) == before


def test_a_handed_over_card_cannot_be_booked(counter):
    with tenant_context(counter["city"]):
        counter["notice"].__class__.objects.filter(pk=counter["notice"].pk).update(status=NoticeStatus.HANDED_OVER)
    before = _state(counter["city"])
    response = counter["client"].post("/staff/counter/book/", {"number": "CTR000001", "slot": counter["first"].pk,
                                                               "channel": "staff"}, follow=True)
    assert response.status_code == 200
    assert "この交付通知書のカードは既に交付済みです。" in response.content.decode()
    assert _state(counter["city"]) == before


def test_on_the_phone_the_citizens_window_applies_at_the_counter_it_does_not(counter):
    with tenant_context(counter["city"]):
        soon = timezone.now() + dt.timedelta(hours=2)
        local = soon.astimezone(at(counter["day"], dt.time.min).tzinfo)
        slot = make_slot(counter["place"], local.date(), local.time().replace(second=0, microsecond=0))
    before = _state(counter["city"])
    refused = counter["client"].post("/staff/counter/book/", {"number": "CTR000001", "slot": slot.pk,
                                                              "channel": "phone"}, follow=True)
    assert _state(counter["city"]) == before
    assert "この時間は現在予約できません。" in refused.content.decode()
    counter["client"].post("/staff/counter/book/", {"number": "CTR000001", "slot": slot.pk, "channel": "staff"})
    with tenant_context(counter["city"]):
        assert Reservation.objects.get(notice__number="CTR000001", status="active").slot_id == slot.pk


def test_a_clerk_of_another_city_cannot_book_here(counter, city_b):
    client, _user = staff_client(city_b)
    client.defaults["HTTP_HOST"] = "alpha.localhost"
    before = _state(counter["city"])
    response = client.post("/staff/counter/book/", {"number": "CTR000001", "slot": counter["first"].pk,
                                                    "channel": "staff"})
    assert response.status_code == 403
    assert _state(counter["city"]) == before
