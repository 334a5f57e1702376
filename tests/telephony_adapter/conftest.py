"""Call-centre fixtures: a controlled clock inside business hours, routed numbers, a bookable notice."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_tenants.utils import tenant_context

from booking.models import Ward
from telephony_adapter.providers.transports import RecordingTransport
from tests.booking.factories import NoticeFactory, make_slot, open_weekday
from tests.telephony_adapter.factories import DialledNumberFactory, tokyo

MONDAY_10 = tokyo(2026, 6, 1, 10, 0)  # an ordinary Monday, lines open 8:30–17:30
ALPHA_NUMBER = "+81120111111"
BETA_NUMBER = "+81120222222"


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def numbers(city_a, city_b):
    DialledNumberFactory(number="0120111111", municipality=city_a)
    DialledNumberFactory(number="0120222222", municipality=city_b)


@pytest.fixture(autouse=True)
def _transport():
    RecordingTransport.clear()
    yield RecordingTransport.sent
    RecordingTransport.clear()


def bookable_notice(city, number: str, day_of_birth: int = 7, slots: int = 3):
    """A notice of the city's first ward with `slots` free slots ahead at its ward office."""
    with tenant_context(city):
        ward = Ward.objects.order_by("sort_order").first()
        notice = NoticeFactory(number=number, birth_day=day_of_birth, ward=ward)
        place = ward.default_places.first()
        place.phone = "043-245-5000"
        place.save(update_fields=["phone"])
        day = open_weekday(3)
        made = [make_slot(place, day, start=dt.time(9 + n, 0)) for n in range(slots)]
        return notice, made
