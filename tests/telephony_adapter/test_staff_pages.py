"""The city reads its complaints and keeps its referral directory in the staff console (CC-5, CC-6)."""
from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from telephony_adapter.models import Complaint, Referral
from tenants.models import Role
from tests.tenants.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _complaint(city, description="The line was busy for an hour") -> Complaint:
    with tenant_context(city):
        return Complaint.objects.create(category=Complaint.Category.WAITING, description=description,
                                        recorded_by_label="operator-1")


@pytest.fixture
def staff_admin_a(city_a):
    return MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user


def test_staff_read_their_citys_complaints_and_not_another_citys(client_a, staff_a, city_a, city_b):
    _complaint(city_a, "Alpha caller waited too long")
    _complaint(city_b, "Beta caller was cut off")
    client_a.force_login(staff_a)
    page = client_a.get("/staff/calls/complaints/")
    assert page.status_code == 200
    assert "Alpha caller waited too long" in page.content.decode()
    assert "Beta caller was cut off" not in page.content.decode()


def test_staff_record_how_a_complaint_was_handled(client_a, staff_a, city_a):
    complaint = _complaint(city_a)
    client_a.force_login(staff_a)
    response = client_a.post(f"/staff/calls/complaints/{complaint.pk}/",
                             {"status": "resolved", "resolution": "Called the citizen back"})
    assert response.status_code == 302
    with tenant_context(city_a):
        complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution) == ("resolved", "Called the citizen back")
    resolved = client_a.get("/staff/calls/complaints/?status=resolved").content.decode()
    assert "Called the citizen back" in resolved
    assert "Called the citizen back" not in client_a.get("/staff/calls/complaints/?status=open").content.decode()


def test_a_complaint_of_another_city_cannot_be_changed(client_a, staff_a, city_b):
    complaint = _complaint(city_b)
    client_a.force_login(staff_a)
    assert client_a.post(f"/staff/calls/complaints/{complaint.pk}/", {"status": "resolved"}).status_code == 404
    with tenant_context(city_b):
        assert Complaint.objects.get(pk=complaint.pk).status == "open"


def test_operators_and_anonymous_visitors_do_not_reach_the_citys_pages(client_a, city_a, operator_ab):
    complaint = _complaint(city_a)
    assert client_a.get("/staff/calls/complaints/").status_code == 302
    client_a.force_login(operator_ab)
    assert client_a.get("/staff/calls/complaints/").status_code == 403
    assert client_a.post(f"/staff/calls/complaints/{complaint.pk}/", {"status": "resolved"}).status_code == 403
    with tenant_context(city_a):
        assert Complaint.objects.get(pk=complaint.pk).status == "open"


def test_the_staff_admin_keeps_the_referral_directory(client_a, staff_admin_a, city_a):
    client_a.force_login(staff_admin_a)
    response = client_a.post("/staff/calls/referrals/add/", {"name": "国民年金課", "phone": "043-245-5136",
                                                             "topics": "年金", "hours": "", "sort_order": "3"})
    assert response.status_code == 302
    with tenant_context(city_a):
        entry = Referral.objects.get(name="国民年金課")
    client_a.post(f"/staff/calls/referrals/{entry.pk}/", {"name": "国民年金課", "phone": "043-245-0000",
                                                         "topics": "年金", "hours": "8:30-17:30", "sort_order": "3"})
    with tenant_context(city_a):
        entry.refresh_from_db()
    assert (entry.phone, entry.hours) == ("043-245-0000", "8:30-17:30")
    client_a.post(f"/staff/calls/referrals/{entry.pk}/", {"retire": "1"})
    assert "国民年金課" not in client_a.get("/staff/calls/referrals/").content.decode()


def test_a_referral_without_a_phone_number_is_refused_and_nothing_is_added(client_a, staff_admin_a, city_a):
    client_a.force_login(staff_admin_a)
    with tenant_context(city_a):
        before = Referral.objects.count()
    response = client_a.post("/staff/calls/referrals/add/", {"name": "住民税課", "phone": ""})
    assert response.status_code == 400
    with tenant_context(city_a):
        assert Referral.objects.count() == before


def test_staff_read_the_directory_but_only_the_staff_admin_edits_it(client_a, staff_a, city_a):
    client_a.force_login(staff_a)
    assert client_a.get("/staff/calls/referrals/").status_code == 200
    with tenant_context(city_a):
        before = Referral.objects.count()
    assert client_a.post("/staff/calls/referrals/add/", {"name": "X", "phone": "1"}).status_code == 403
    with tenant_context(city_a):
        assert Referral.objects.count() == before
