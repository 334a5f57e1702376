"""Access control (IPA 11): a citizen sees only their own notice; staff pages need staff; cities stay apart."""
from __future__ import annotations

import pytest

from booking.models import Place, Reservation
from booking.services.audit import Actor
from booking.services.reservations import reservation_book
from tests.booking.factories import NoticeFactory, make_slot, open_weekday
from tests.security.conftest import citizen_client, page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/booking/", "/booking/places/", "/booking/places/kita/", "/booking/cancel/",
                                  "/booking/calendar.ics", "/booking/slots/1/"])
def test_citizen_pages_need_a_login(in_city_a, path):
    response = citizen_client().get(path)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_citizen_never_sees_another_notices_booking(logged_in):
    other = NoticeFactory(number="SEC000002", birth_day=3)
    slot = make_slot(Place.objects.get(code="kita"), open_weekday())
    booking = reservation_book(notice=other, slot=slot, actor=Actor.citizen(notice=other)).reservation
    assert booking.code not in page(logged_in.get("/booking/"))
    assert logged_in.get("/booking/calendar.ics").status_code == 404
    logged_in.post("/booking/cancel/")
    assert Reservation.objects.get(pk=booking.pk).status == "active"


def test_a_place_of_another_ward_is_not_offered_or_reachable(logged_in):
    minami = make_slot(Place.objects.get(code="minami"), open_weekday())
    assert logged_in.get("/booking/places/minami/").status_code == 404
    assert logged_in.get(f"/booking/slots/{minami.pk}/").status_code == 404


def test_staff_pages_need_a_staff_login(in_city_a, logged_in):
    for client in (citizen_client(), logged_in):
        response = client.get("/staff/")
        assert response.status_code in (302, 403)
        assert "/accounts/login/" in response.get("Location", "/accounts/login/")
