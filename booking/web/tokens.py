"""One-time form tokens: a confirmation form sent twice books once (the second shows the booking).

A token is signed for the city and the logged-in notice and carries its own random part, so issuing one writes
nothing (a page that only shows a form does not save the session); spending one records it in the
session, and a token already spent there, forged, from another notice or older than
TOKEN_MAX_AGE is refused.
"""
from __future__ import annotations

import secrets

from django.core import signing
from django.db import connection

from booking.web.session import NOTICE_KEY

SPENT_KEY = "citizen_spent_tokens"
KEPT = 20  # the last tokens spent in this session (one per booking, move or cancellation sent)
TOKEN_MAX_AGE = 6 * 3600


def _signer(notice_id) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"citizen-confirm:{connection.schema_name}:{notice_id}")


def token_issue(request) -> str:
    return token_issue_for(request.session.get(NOTICE_KEY))


def token_issue_for(notice_id: int) -> str:
    """A token for the notice logged in as `notice_id` in the current city (for a shared page,
    which is answered before the session is loaded)."""
    return _signer(notice_id).sign(secrets.token_urlsafe(12))


def token_spend(request, token: str) -> bool:
    """True the first time a token issued to this notice is spent in this session; False ever after."""
    try:
        nonce = _signer(request.session.get(NOTICE_KEY)).unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    spent = request.session.get(SPENT_KEY) or []
    if nonce in spent:
        return False
    request.session[SPENT_KEY] = spent[-(KEPT - 1):] + [nonce]
    return True
