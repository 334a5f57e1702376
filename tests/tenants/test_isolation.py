"""One city can never see or change another city's data (SEC-7), through any page."""
from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from booking.models import Place
from tenants.models import Municipality, Role
from tests.lgwan_access.auth import verified_login
from tests.tenants.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def test_each_city_sees_only_its_own_places(client_a, client_b, city_a, city_b, staff_a, staff_b):
    with tenant_context(city_a):
        Place.objects.create(code="annex", name="青葉市役所別館")
    verified_login(client_a, staff_a)
    verified_login(client_b, staff_b)
    page_a = client_a.get("/staff/").content.decode()
    page_b = client_b.get("/staff/").content.decode()
    assert "青葉市役所別館" in page_a and "北区役所" in page_a
    assert "青葉市役所別館" not in page_b and "北区役所" not in page_b and "東区役所" in page_b
    assert "青葉市役所別館" not in client_b.get("/").content.decode()


def test_staff_of_one_city_cannot_log_in_at_another(client_b, staff_a):
    response = client_b.post("/accounts/login/", {"username": staff_a.username, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client_b.session
    assert "このアカウントではこのサイトを利用できません" in response.content.decode()


def test_staff_logs_in_at_own_city_and_is_asked_for_the_second_factor(client_a, staff_a):
    response = client_a.post("/accounts/login/", {"username": staff_a.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    response = client_a.get(response["Location"], follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/staff/second-factor/enrol/")
    assert "北区役所" not in response.content.decode()


def test_an_authenticated_user_without_membership_gets_nothing(client_b, staff_a):
    client_b.force_login(staff_a)  # as if the login check were bypassed
    response = client_b.get("/staff/")
    assert response.status_code == 403
    assert "東区役所" not in response.content.decode()


def test_a_session_opened_in_one_city_is_void_in_another(client_a, staff_a):
    client_a.post("/accounts/login/", {"username": staff_a.username, "password": TEST_PASSWORD})
    session_cookie = client_a.cookies["sessionid"].value
    from django.test import Client

    intruder = Client(HTTP_HOST="beta.localhost")
    intruder.cookies["sessionid"] = session_cookie
    response = intruder.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", ["/platform/", "/platform/onboard/", "/platform/cities/alpha/"])
def test_city_staff_and_operators_cannot_use_the_platform_console(platform_client, operator_ab, path):
    platform_client.force_login(operator_ab)
    assert platform_client.get(path).status_code == 403


def test_refused_status_change_changes_nothing(platform_client, staff_a, city_a):
    platform_client.force_login(staff_a)
    response = platform_client.post("/platform/cities/alpha/status/", {"status": "suspended"})
    assert response.status_code == 403
    city_a.refresh_from_db()
    assert city_a.status == Municipality.Status.ACTIVE


def test_operator_console_lists_only_the_operators_cities(platform_client, operator_ab, city_a):
    platform_client.force_login(operator_ab)
    page = platform_client.get("/operator/").content.decode()
    assert "青葉市" in page and "白浜市" in page
    city_a.memberships.filter(user=operator_ab).delete()
    page = platform_client.get("/operator/").content.decode()
    assert "青葉市" not in page and "白浜市" in page


def test_staff_cannot_open_the_operator_console(platform_client, staff_a):
    platform_client.force_login(staff_a)
    assert platform_client.get("/operator/").status_code == 403


@pytest.mark.parametrize("role, status", [
    (Role.STAFF_ADMIN, 200), (Role.STAFF, 200), (Role.OPERATOR, 403), (Role.OPERATOR_SUPERVISOR, 403),
])
def test_staff_console_permission_matrix(client_a, city_a, role, status):
    user = MembershipFactory(municipality=city_a, role=role).user
    verified_login(client_a, user)
    assert client_a.get("/staff/").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client_a, platform_client):
    assert client_a.get("/staff/")["Location"].startswith("/accounts/login/")
    assert platform_client.get("/platform/")["Location"].startswith("/accounts/login/")


def test_unknown_host_gets_a_clear_not_found_page():
    from django.test import Client

    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    assert response.status_code == 404
    assert "このアドレスにはサイトがありません" in response.content.decode()


def test_the_raw_data_admin_is_gone(client_a, staff_a):
    verified_login(client_a, staff_a)
    assert client_a.get("/staff/data/booking/notice/").status_code == 404
    assert client_a.get("/staff/data/").status_code == 404
