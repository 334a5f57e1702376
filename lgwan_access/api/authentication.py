"""Who calls the staff API: a per-user token (Authorization: Bearer …) or a console session."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from lgwan_access.guards import second_factor_passed
from lgwan_access.services.api_tokens import api_token_authenticate
from tenants.access import request_municipality

KEYWORDS = ("bearer", "token")


class StaffTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`): a token of this city's staff API.

    An unknown, revoked or other city's token, or one whose user is no longer staff here, is
    refused with 401 whatever the reason, so a refusal tells nothing about other cities.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer ”, without spaces."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = api_token_authenticate(secret, request_municipality(request._request))
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="staff-api"'


class StaffSessionAuthentication(authentication.SessionAuthentication):
    """A console session that passed the second factor (CSRF checked on writes, as DRF does)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None or not second_factor_passed(request._request):
            return None
        return found
