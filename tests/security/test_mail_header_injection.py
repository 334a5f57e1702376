"""Mail header injection (IPA 8): an address with line breaks or several recipients never becomes a mail."""
from __future__ import annotations

import re

import pytest
from django.core import mail

from booking.errors import BookingError
from booking.models import Place, Reservation
from booking.services.audit import Actor
from booking.services.reservations import reservation_book
from tests.booking.factories import make_slot, open_weekday
from tests.security.conftest import page

pytestmark = pytest.mark.django_db
INJECTIONS = ["taro@example.jp\r\nBcc: victim@example.org", "taro@example.jp\nSubject: free money",
              "taro@example.jp, victim@example.org", "taro@example.jp%0ABcc:victim@example.org"]


@pytest.fixture
def slot(in_city_a):
    return make_slot(Place.objects.get(code="kita"), open_weekday())


@pytest.mark.parametrize("address", INJECTIONS)
def test_the_booking_form_refuses_the_address(logged_in, slot, address, django_capture_on_commit_callbacks):
    token = re.search(r'name="token" value="([^"]+)"', page(logged_in.get(f"/booking/slots/{slot.pk}/"))).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(f"/booking/slots/{slot.pk}/", {"email": address, "token": token})
    assert response.status_code == 200 and 'aria-invalid="true"' in page(response)
    assert not Reservation.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("address", INJECTIONS)
def test_the_booking_service_refuses_it_for_every_channel(notice, slot, address):
    with pytest.raises(BookingError) as refused:
        reservation_book(notice=notice, slot=slot, actor=Actor.citizen(channel="phone"),
                           email=address)
    assert refused.value.field == "email"
    assert not Reservation.objects.exists()
