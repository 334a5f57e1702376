"""The city's settings in the staff console: staff_admin only, every problem by its field, audited."""
from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from booking.models import AuditEntry, Place
from tenants.models import Municipality, PlatformAuditEntry, Role
from tests.lgwan_access.factories_console_a import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_a, city_a):
    user = staff_user(city_a, Role.STAFF_ADMIN)
    client_a.force_login(user)
    return user


def current_values(client):
    form = client.get("/staff/settings/").context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_a_staff_admin_changes_the_booking_policy_and_guidance(admin, client_a, city_a):
    with tenant_context(city_a):
        office = Place.objects.get(code="kita")
    data = current_values(client_a)
    data.update({"email_required": "on", "booking_opens_days": "30", "change_closes_hours": "48",
                 "login_failure_limit": "5", "contact_phone": "03-1234-5678",
                 f"place-{office.pk}-guidance-en-bring": "Your notice\nPhoto ID",
                 f"place-{office.pk}-guidance-ja-hours": "平日 8:30〜17:15"})
    response = client_a.post("/staff/settings/", data)
    assert response.status_code == 302
    city = Municipality.objects.get(pk=city_a.pk)
    assert city.email_required and city.booking_opens_days == 30 and city.change_closes_hours == 48
    assert city.login_failure_limit == 5 and city.contact_phone == "03-1234-5678"
    entry = PlatformAuditEntry.objects.get(action="city.settings", municipality=city_a)
    assert entry.actor == admin and entry.changes["booking_opens_days"] == [45, 30]
    with tenant_context(city_a):
        office.refresh_from_db()
        assert office.guidance_in("en").bring.text == "Your notice\nPhoto ID"
        assert office.guidance_in("ja").hours.text == "平日 8:30〜17:15"
        assert AuditEntry.objects.filter(action="place.settings", actor_user=admin).exists()


def test_every_problem_is_shown_by_its_field_and_nothing_is_saved(admin, client_a, city_a):
    with tenant_context(city_a):
        office = Place.objects.get(code="kita")
    data = current_values(client_a)
    data.update({"booking_opens_days": "400", "login_failure_limit": "0", "contact_phone": "call us",
                 "contact_email": "not-an-address", f"place-{office.pk}-phone": "abc",
                 f"place-{office.pk}-guidance-ja-hours": "変更しない"})
    response = client_a.post("/staff/settings/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"booking_opens_days", "login_failure_limit", "contact_phone", "contact_email",
            f"place-{office.pk}-phone"} <= set(errors)
    city = Municipality.objects.get(pk=city_a.pk)
    assert city.booking_opens_days == 45 and city.login_failure_limit == 3 and city.contact_phone == ""
    assert not PlatformAuditEntry.objects.filter(action="city.settings").exists()
    with tenant_context(city_a):
        assert "変更しない" not in str(Place.objects.get(pk=office.pk).guidance)


def test_booking_further_ahead_than_slots_exist_is_refused(admin, client_a, city_a):
    data = current_values(client_a)
    data.update({"booking_opens_days": "100", "slot_horizon_days": "90"})
    response = client_a.post("/staff/settings/", data)
    assert response.status_code == 400 and "booking_opens_days" in response.context["form"].errors
    assert Municipality.objects.get(pk=city_a.pk).booking_opens_days == 45


def test_ordinary_staff_cannot_open_or_change_the_settings(client_a, city_a):
    client_a.force_login(staff_user(city_a))
    assert client_a.get("/staff/settings/").status_code == 403
    assert client_a.post("/staff/settings/", {"booking_opens_days": "10"}).status_code == 403
    assert Municipality.objects.get(pk=city_a.pk).booking_opens_days == 45
    assert "/staff/settings/" not in client_a.get("/staff/").content.decode()
