"""The database is gone for a moment (a failover, a restart): answer 503 "try again", never 500.

A request that lost its connection cannot know whether its last transaction committed; the
database's constraints make a second attempt safe (one active booking per notice, no seat taken
twice), so the citizen is asked to send the same form again.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

READ_ONLY_TRANSACTION = "25006"  # a standby answered: the switch is under way


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) means the database cannot be reached or written now.

    Django raises OperationalError for a refused or broken connection (psycopg's, wrapped) and
    InterfaceError for a connection that is already closed. A request that met either cannot
    know whether its last transaction committed; the database's constraints make a second
    attempt safe (one active booking per notice, no seat taken twice).
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError):
            return True
        if getattr(error, "sqlstate", None) == READ_ONLY_TRANSACTION:
            return True
        error = error.__cause__ or error.__context__
    return False


FALLBACK_PAGE = (
    '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>しばらくお待ちください / Please try again'
    '</title></head><body><main><h1>しばらくしてから、もう一度お試しください / Please try again in a moment</h1>'
    "<p>数秒後にもう一度送信してください。Please send it again in a few seconds.</p></main></body></html>"
)


def database_unavailable_response(request) -> HttpResponse:
    """503 with Retry-After, rendered without touching the database.

    What the request changed in the session is not saved: it failed, so sending the same form
    again must work (the one-time form token stays unspent). The page gets no session, user or
    messages (each would load from the database); should rendering fail all the same, a fixed
    bilingual page is sent, never a 500.
    """
    session = getattr(request, "session", None)
    if session is not None:
        session.modified = False
    try:
        context = {"messages": (), "user": None, "retry_after": settings.MADOGUCHI_DATABASE_RETRY_AFTER}
        body = render_to_string("errors/database_unavailable.html", context, request=request)
    except Exception:  # the page must not fail while the database is gone
        logger.exception("could not render the database-unavailable page")
        body = FALLBACK_PAGE
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.MADOGUCHI_DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that lost the database answers 503 "try again", not 500.

    Failures outside the view (the municipality lookup, loading the session) are caught by the
    error handlers (kernel.errorpages), which answer the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)
