"""A city's staff users, managed by its staff_admin (SYS-5): create, role, remove. Every change audited.

A user is one identity for the whole platform and may belong to other cities too: removing them
from a city removes the membership; only a user left without any membership (and not a platform
administrator) is also deactivated. A city always keeps at least one active staff_admin.
"""
from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.models import STAFF_ROLES, Membership, Municipality, Role, User
from tenants.services.audit import platform_audit_record
from tenants.services.identities import membership_grant, membership_revoke, user_create, user_sessions_revoke

_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def initial_password() -> str:
    """A password to hand over once (no look-alike characters), to be changed at first use."""
    while True:
        password = "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise ValidationError(_("Choose a staff role."), code="role")


def staff_user_create(*, municipality: Municipality, actor: User, username: str, email: str, role: str,
                      first_name: str = "", last_name: str = "") -> tuple[User, str]:
    """A new staff user of `municipality` with an initial password (returned, to be shown once)."""
    username = (username or "").strip()
    _check_role(role)
    errors = {}
    if not username:
        errors["username"] = _("Enter a login ID.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This login ID is taken. Choose another one.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    password = initial_password()
    with transaction.atomic():
        user = user_create(username=username, email=email or "", password=password, actor=actor,
                           first_name=first_name or "", last_name=last_name or "")
        membership_grant(user=user, municipality=municipality, role=role, actor=actor,
                         reason="created by the city's staff administrator")
    return user, password


def _lock_staff_admins(municipality: Municipality) -> list[int]:
    """Lock the city's staff_admin memberships (one decision at a time) and return their active users' ids."""
    return list(Membership.objects.select_for_update().filter(
        municipality=municipality, role=Role.STAFF_ADMIN).filter(user__is_active=True)
        .values_list("user_id", flat=True))


def _refuse_last_admin(membership: Membership) -> None:
    admins = _lock_staff_admins(membership.municipality)
    current = Membership.objects.filter(pk=membership.pk).values_list("role", flat=True).first()
    if current == Role.STAFF_ADMIN and admins == [membership.user_id]:
        raise ValidationError(_("The city must keep at least one staff administrator. "
                                "Make someone else a staff administrator first."), code="last_admin")


def staff_role_set(*, membership: Membership, role: str, actor: User) -> Membership:
    _check_role(role)
    with transaction.atomic():
        if role != Role.STAFF_ADMIN:
            _refuse_last_admin(membership)
        return membership_grant(user=membership.user, municipality=membership.municipality, role=role,
                                actor=actor, reason="role set by the city's staff administrator")


def staff_user_remove(*, membership: Membership, actor: User) -> bool:
    """Remove the user from this city; deactivate them if no other membership is left. True if deactivated."""
    with transaction.atomic():
        _refuse_last_admin(membership)
        user = membership.user
        membership_revoke(membership=membership, actor=actor, reason="removed by the city's staff administrator")
        deactivated = not user.memberships.exists() and not user.is_platform_admin
        if deactivated:
            User.objects.filter(pk=user.pk).update(is_active=False)
            platform_audit_record(actor=actor, action="user.deactivate", municipality=membership.municipality,
                                  subject_user=user, changes={"is_active": [True, False]})
        user_sessions_revoke(user=user, actor=actor, reason="removed from a city")
    return deactivated
