"""Who viewed which notice and who exported what (SEC-9): readable by the city's staff_admin only."""
from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from lgwan_access.models import StaffAccessEntry
from tenants.models import Role
from tests.booking.factories import NoticeFactory
from tests.lgwan_access.factories_console_a import staff_user

pytestmark = pytest.mark.django_db


def test_a_staff_admin_reads_who_viewed_which_notice(client_a, city_a):
    clerk, admin = staff_user(city_a), staff_user(city_a, Role.STAFF_ADMIN)
    with tenant_context(city_a):
        notice = NoticeFactory(number="AUD000001")
    client_a.force_login(clerk)
    client_a.get(f"/staff/notices/{notice.pk}/")
    client_a.get("/staff/notices/", {"print": "1"})
    client_a.force_login(admin)
    page = client_a.get("/staff/audit/").content.decode()
    assert "AUD000001" in page and clerk.username in page
    filtered = client_a.get("/staff/audit/", {"user": clerk.username, "action": "print"})
    entries = list(filtered.context["page"].object_list)
    assert len(entries) == 1 and entries[0].action == StaffAccessEntry.Action.PRINT


def test_ordinary_staff_and_other_cities_cannot_read_the_record(client_a, client_b, city_a, city_b):
    client_a.force_login(staff_user(city_a))
    assert client_a.get("/staff/audit/").status_code == 403
    client_a.force_login(staff_user(city_b, Role.STAFF_ADMIN))
    assert client_a.get("/staff/audit/").status_code == 403


def test_a_reversed_date_range_is_refused(client_a, city_a):
    client_a.force_login(staff_user(city_a, Role.STAFF_ADMIN))
    response = client_a.get("/staff/audit/", {"date_from": "2026-12-05", "date_until": "2026-12-01"})
    assert "date_until" in response.context["form"].errors and response.context["page"] is None
