"""Staff API tokens (issue 9): made by the user after the second factor, stored as a hash, revocable.

The secret is shown once, when it is made; only its SHA-256 and a short prefix (to tell tokens
apart in the list) are kept. A token opens the API of its own city only, and only while its user
is active and still holds a staff role there: losing the role ends every token at once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Channel
from booking.services.audit import Actor, audit_record
from kernel.errors import ApplicationError, NotFoundError
from lgwan_access.network.models import StaffApiToken
from tenants.access import access_membership, membership_has_role
from tenants.models import STAFF_ROLES

security_log = logging.getLogger("madoguchi.security")

SECRET_BYTES = 40
SECRET_MARK = "mdg_"
PREFIX_LENGTH = 12  # the mark and 8 characters of the secret: enough to tell tokens apart, useless alone
MAX_TOKENS = 20  # live tokens per user and city
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


@dataclass(frozen=True)
class IssuedToken:
    token: StaffApiToken
    secret: str  # shown once, never stored


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_tokens_of(user, municipality) -> list[StaffApiToken]:
    """The user's tokens for this city, newest first (revoked ones too, marked)."""
    return list(StaffApiToken.objects.filter(user=user, municipality=municipality).order_by("-created_at", "-id"))


def api_token_create(*, user, municipality, name: str) -> IssuedToken:
    """A new token for `user` in `municipality`; the caller shows `secret` once."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name (what it is used for)."), field="name")
    if len(name) > 100:
        raise ApplicationError(_("The name can be at most 100 characters long."), field="name")
    if not membership_has_role(access_membership(user, municipality), STAFF_ROLES):
        raise ApplicationError(_("Only staff of this city can make tokens for its API."))
    live = StaffApiToken.objects.filter(user=user, municipality=municipality, revoked_at__isnull=True).count()
    if live >= MAX_TOKENS:
        raise ApplicationError(_("You already have %(max)s tokens. Revoke one you no longer use first.")
                               % {"max": MAX_TOKENS}, field="name")
    secret = SECRET_MARK + secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        token = StaffApiToken.objects.create(user=user, municipality=municipality, name=name,
                                             prefix=secret[:PREFIX_LENGTH], key_hash=api_token_hash(secret))
        audit_record(actor=Actor.for_user(user, channel=Channel.STAFF), action="staff_api_token.create",
                     changes={"token": token.pk, "name": name, "prefix": token.prefix})
    security_log.info("staff API token %s made by user %s in %s", token.prefix, user.pk, municipality.schema_name)
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, user, municipality, token_id: int) -> StaffApiToken:
    """Revoke one of the user's own tokens; it stops working at once. Revoking twice changes nothing."""
    with transaction.atomic():
        token = (StaffApiToken.objects.select_for_update()
                 .filter(pk=token_id, user=user, municipality=municipality).first())
        if token is None:
            raise NotFoundError(_("No such token."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=Actor.for_user(user, channel=Channel.STAFF), action="staff_api_token.revoke",
                         changes={"token": token.pk, "name": token.name, "prefix": token.prefix})
            security_log.info("staff API token %s revoked by user %s", token.prefix, user.pk)
    return token


def api_token_authenticate(secret: str, municipality) -> StaffApiToken | None:
    """The live token with this secret for this city, its user active and still staff here (the
    membership as `token.membership`); else None.

    Records when it was last used, at most once a minute (one UPDATE that matches no row otherwise).
    """
    if not secret or not secret.startswith(SECRET_MARK) or len(secret) > 200 or municipality is None:
        return None
    token = (StaffApiToken.objects.select_related("user")
             .filter(key_hash=api_token_hash(secret), municipality=municipality, revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    membership = access_membership(token.user, municipality)
    if not membership_has_role(membership, STAFF_ROLES):
        return None
    token.membership = membership  # read once per request: the API's permission takes it from here
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        StaffApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)).update(last_used_at=now)
        token.last_used_at = now
    return token
