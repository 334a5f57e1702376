"""The go-live checklist reflects the city's real state, for the platform admin and the city's staff_admin."""
from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import tenant_context

from booking.services.reservations import reservation_book
from telephony_adapter.services.setup import dialled_number_route
from tenants.checklist import city_checklist
from tenants.models import Membership, Role
from tests.booking.factories import STAFF, NoticeFactory, make_slot, open_weekday
from tests.lgwan_access.auth import verified_login
from tests.tenants.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def states(city) -> dict[str, bool]:
    return {item.key: item.done for item in city_checklist(city)}


def test_checklist_follows_the_city_state_step_by_step(city_a, city_b):
    first = states(city_a)
    assert list(first) == ["staff_admin_2fa", "calendars", "notices", "toll_free", "test_booking"]
    assert first["calendars"] is True  # onboarding opened the ward offices with their slots
    assert not any(first[key] for key in ("staff_admin_2fa", "notices", "toll_free", "test_booking"))

    admin = Membership.objects.get(municipality=city_a, role=Role.STAFF_ADMIN).user
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=False)
    assert states(city_a)["staff_admin_2fa"] is False  # an unconfirmed device is no second factor
    TOTPDevice.objects.create(user=admin, name="phone 2", confirmed=True)
    dialled_number_route(number="0120-333-333", municipality=city_a)
    with tenant_context(city_a):
        notice = NoticeFactory()
    assert states(city_a) == {"staff_admin_2fa": True, "calendars": True, "notices": True, "toll_free": True,
                              "test_booking": False}
    with tenant_context(city_a):
        place = notice.default_place
        reservation_book(notice=notice, slot=make_slot(place, open_weekday()), actor=STAFF)
    assert all(states(city_a).values())
    # the other city is untouched by all of this
    assert states(city_b) == {"staff_admin_2fa": False, "calendars": True, "notices": False, "toll_free": False,
                              "test_booking": False}


def test_a_plain_staff_members_device_does_not_count(city_a):
    staff = MembershipFactory(municipality=city_a, role=Role.STAFF).user
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    assert states(city_a)["staff_admin_2fa"] is False


def test_the_city_staff_admin_sees_the_checklist_in_the_staff_console(client_a, city_a):
    admin = Membership.objects.get(municipality=city_a, role=Role.STAFF_ADMIN).user
    verified_login(client_a, admin)
    dialled_number_route(number="0120-333-333", municipality=city_a)
    html = client_a.get("/staff/checklist/").content.decode()
    assert 'data-item="toll_free" data-done="yes"' in html
    # the staff_admin reading it passed the second factor with a confirmed device: that item is done
    assert 'data-item="staff_admin_2fa" data-done="yes"' in html


def test_plain_staff_and_other_cities_get_no_checklist(client_a, staff_a, city_b):
    verified_login(client_a, staff_a)
    assert client_a.get("/staff/checklist/").status_code == 403
    other_admin = Membership.objects.get(municipality=city_b, role=Role.STAFF_ADMIN).user
    verified_login(client_a, other_admin)
    assert client_a.get("/staff/checklist/").status_code == 403
