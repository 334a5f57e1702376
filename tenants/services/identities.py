"""Users and memberships: who may act in which city, each change audited (SYS-5, SEC-9)."""
from __future__ import annotations

from django.db import transaction
from django.db.models import F

from tenants.models import Membership, Municipality, Role, User
from tenants.services.audit import platform_audit_record


def user_create(*, username: str, email: str, password: str | None, actor: User | None,
                **fields) -> User:
    """A new identity; without a password it cannot log in until one is set."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password, **fields)
        platform_audit_record(actor=actor, action="user.create", subject_user=user,
                              changes={"username": username, "email": email, **{k: str(v) for k, v in fields.items()}})
    return user


def membership_grant(*, user: User, municipality: Municipality, role: str, actor: User | None,
                     reason: str = "") -> Membership:
    """Give `user` the `role` in `municipality` (or change the role they have there)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user, municipality=municipality, defaults={"role": role})
        previous = None if created else membership.role
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        if created or previous != role:
            platform_audit_record(actor=actor, action="membership.grant", municipality=municipality,
                                  subject_user=user, changes={"role": [previous, role]}, reason=reason)
    return membership


def membership_revoke(*, membership: Membership, actor: User | None, reason: str = "") -> None:
    with transaction.atomic():
        platform_audit_record(actor=actor, action="membership.revoke", municipality=membership.municipality,
                              subject_user=membership.user, changes={"role": [membership.role, None]}, reason=reason)
        membership.delete()


def user_password_changed(*, user: User) -> None:
    """Record that a user changed their own password (the form has already saved it)."""
    platform_audit_record(actor=user, action="user.password_change", subject_user=user)


def user_sessions_revoke(*, user: User, actor: User | None = None, reason: str = "") -> None:
    """Void every session of `user` ("log out everywhere"): their session hash changes. Audited."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.refresh_from_db(fields=["session_epoch"])
        platform_audit_record(actor=actor or user, action="user.sessions_revoke", subject_user=user, reason=reason)
