"""One-time form tokens: a confirmation form sent twice books once (the second shows the booking)."""
from __future__ import annotations

import secrets

TOKENS_KEY = "citizen_confirm_tokens"
KEPT = 10  # a citizen may have a few confirmation pages open at once


def token_issue(request) -> str:
    token = secrets.token_urlsafe(16)
    request.session[TOKENS_KEY] = (request.session.get(TOKENS_KEY) or [])[-(KEPT - 1):] + [token]
    return token


def token_spend(request, token: str) -> bool:
    """True the first time a token issued to this session is spent; False ever after."""
    tokens = request.session.get(TOKENS_KEY) or []
    if token not in tokens:
        return False
    tokens.remove(token)
    request.session[TOKENS_KEY] = tokens
    return True
