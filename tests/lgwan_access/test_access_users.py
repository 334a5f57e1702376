"""A city's staff_admin manages its staff users (SYS-5); every change audited, one city never reaches another."""
from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Membership, PlatformAuditEntry, Role, User
from tests.lgwan_access.auth import staff_device
from tests.tenants.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_staff_admin_creates_a_staff_user_who_can_log_in(staff_admin_client, city_a):
    response = staff_admin_client.post("/staff/users/", {
        "username": "aoba-clerk", "last_name": "青葉", "first_name": "花子", "email": "clerk@aoba.example",
        "role": "staff"}, follow=True)
    page = response.content.decode()
    password = re.search(r'id="new-password">.*?<code>([^<]+)</code>', page, re.S).group(1)
    assert "aoba-clerk" in page
    assert "id=\"new-password\"" not in staff_admin_client.get("/staff/users/").content.decode()  # shown once
    user = User.objects.get(username="aoba-clerk")
    assert Membership.objects.get(user=user, municipality=city_a).role == Role.STAFF
    assert PlatformAuditEntry.objects.filter(action="membership.grant", subject_user=user,
                                             actor=staff_admin_client.user).exists()
    login = Client(HTTP_HOST="alpha.localhost").post("/accounts/login/", {"username": "aoba-clerk",
                                                                          "password": password})
    assert login.status_code == 302


def test_a_taken_login_id_is_refused_with_a_clear_message(staff_admin_client, staff_b):
    response = staff_admin_client.post("/staff/users/", {"username": staff_b.username, "role": "staff"})
    assert response.status_code == 200
    assert "このログインIDは使われています" in response.content.decode()
    assert not Membership.objects.filter(user=staff_b, municipality__schema_name="alpha").exists()


def test_the_last_staff_admin_cannot_be_removed_or_demoted(staff_client_a, city_a):
    city_a.memberships.filter(role=Role.STAFF_ADMIN).update(role=Role.STAFF)  # the onboarding admin steps down
    admin = staff_client_a(role=Role.STAFF_ADMIN)
    own = Membership.objects.get(user=admin.user, municipality=city_a)
    admin.post(f"/staff/users/{own.pk}/role/", {f"m{own.pk}-role": "staff"})
    admin.post(f"/staff/users/{own.pk}/remove/")
    own.refresh_from_db()
    assert own.role == Role.STAFF_ADMIN
    assert "少なくとも1人の職員管理者" in admin.get("/staff/users/").content.decode()


def test_removing_a_user_keeps_their_other_cities(staff_admin_client, city_a, city_b):
    both = MembershipFactory(municipality=city_a, role=Role.STAFF).user
    MembershipFactory(user=both, municipality=city_b, role=Role.STAFF)
    only_here = MembershipFactory(municipality=city_a, role=Role.STAFF).user
    for user in (both, only_here):
        membership = Membership.objects.get(user=user, municipality=city_a)
        staff_admin_client.post(f"/staff/users/{membership.pk}/remove/")
    both.refresh_from_db()
    only_here.refresh_from_db()
    assert both.is_active and Membership.objects.filter(user=both, municipality=city_b).exists()
    assert not only_here.is_active
    assert not Membership.objects.filter(user__in=[both, only_here], municipality=city_a).exists()


def test_a_staff_admin_resets_a_second_factor_audited(staff_admin_client, staff_a, city_a):
    staff_device(staff_a)
    membership = Membership.objects.get(user=staff_a, municipality=city_a)
    staff_admin_client.post(f"/staff/users/{membership.pk}/second-factor-reset/")
    assert not TOTPDevice.objects.filter(user=staff_a).exists()
    assert PlatformAuditEntry.objects.filter(action="user.second_factor_reset", subject_user=staff_a,
                                             municipality=city_a).exists()


def test_a_city_cannot_reset_the_second_factor_of_someone_who_also_works_for_another(
        staff_admin_client, city_a, city_b):
    both = MembershipFactory(municipality=city_a, role=Role.STAFF).user
    MembershipFactory(municipality=city_b, role=Role.STAFF, user=both)
    staff_device(both)
    membership = Membership.objects.get(user=both, municipality=city_a)
    page = staff_admin_client.post(f"/staff/users/{membership.pk}/second-factor-reset/", follow=True)
    assert TOTPDevice.objects.filter(user=both).exists()  # city B's login stays protected
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    assert not PlatformAuditEntry.objects.filter(action="user.second_factor_reset", subject_user=both).exists()


def test_another_citys_membership_is_out_of_reach(staff_admin_client, staff_b):
    membership = Membership.objects.get(user=staff_b)
    assert staff_admin_client.post(f"/staff/users/{membership.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_plain_staff_do_not_see_the_users_page(staff_client):
    assert staff_client.get("/staff/users/").status_code == 403
    assert "/staff/users/" not in staff_client.get("/staff/").content.decode()
