"""Every change of a city, a user or a membership leaves a row in the platform's audit trail (SEC-9)."""
from __future__ import annotations

import pytest

from tenants.models import Membership, Municipality, PlatformAuditEntry, Role
from tenants.services.identities import membership_grant, membership_revoke, user_create
from tenants.services.status import municipality_set_status
from tests.lgwan_access.auth import verified_login
from tests.tenants.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_suspending_a_city_records_who_when_and_why(city_a, platform_admin):
    municipality_set_status(municipality=city_a, status="suspended", reason="contract ended", actor=platform_admin)
    entry = PlatformAuditEntry.objects.get(action="municipality.status")
    assert entry.municipality == city_a and entry.actor == platform_admin
    assert entry.changes == {"status": ["active", "suspended"]} and entry.reason == "contract ended"
    municipality_set_status(municipality=city_a, status="active", actor=None)
    assert PlatformAuditEntry.objects.filter(action="municipality.status").latest("id").actor_label == "system"


def test_an_unknown_status_changes_nothing(city_a, platform_admin):
    from kernel.errors import ApplicationError

    with pytest.raises(ApplicationError):
        municipality_set_status(municipality=city_a, status="closed-forever", actor=platform_admin)
    assert Municipality.objects.get(pk=city_a.pk).status == "active"
    assert not PlatformAuditEntry.objects.filter(action="municipality.status").exists()


def test_users_and_memberships_are_audited(city_a, platform_admin):
    user = user_create(username="new-clerk", email="clerk@example.org", password=None, actor=platform_admin)
    membership = membership_grant(user=user, municipality=city_a, role=Role.STAFF, actor=platform_admin)
    membership_grant(user=user, municipality=city_a, role=Role.STAFF, actor=platform_admin)  # no change, no row
    membership_grant(user=user, municipality=city_a, role=Role.STAFF_ADMIN, actor=platform_admin, reason="lead")
    membership_revoke(membership=Membership.objects.get(pk=membership.pk), actor=platform_admin, reason="moved")
    trail = list(PlatformAuditEntry.objects.filter(subject_user=user).order_by("id")
                 .values_list("action", "changes", "reason"))
    assert trail == [
        ("user.create", {"username": "new-clerk", "email": "clerk@example.org"}, ""),
        ("membership.grant", {"role": [None, "staff"]}, ""),
        ("membership.grant", {"role": ["staff", "staff_admin"]}, "lead"),
        ("membership.revoke", {"role": ["staff_admin", None]}, "moved"),
    ]
    assert not user.has_usable_password()  # without a password nobody can log in as this user yet


def test_changing_ones_password_is_audited(client_a, city_a):
    user = UserFactory()
    membership_grant(user=user, municipality=city_a, role=Role.STAFF, actor=None)
    verified_login(client_a, user)  # staff change it after the second factor
    response = client_a.post("/accounts/password/", {
        "old_password": TEST_PASSWORD, "new_password1": "a-much-longer-passphrase-2026",
        "new_password2": "a-much-longer-passphrase-2026"})
    assert response.status_code == 302
    entry = PlatformAuditEntry.objects.get(action="user.password_change")
    assert entry.actor == entry.subject_user == user
