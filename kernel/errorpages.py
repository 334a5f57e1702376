"""The product's own error pages: branded for the site that answers, translated, with a way forward.

Django calls these for 400, 403, 404 and 500 (`handler400` … in the URLconfs) and for a failed
CSRF check. They render `errors/page.html` inside the site's layout (the city's name, colours,
language and call-centre number come from the context processors). A page that cannot be
rendered, e.g. because the database is gone, falls back to a small static page in Japanese and
English, so an error never becomes a second error.
"""
from __future__ import annotations

import logging
import sys

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kernel.database import database_unavailable_response, is_database_unavailable

logger = logging.getLogger(__name__)

PAGES = {
    400: (_("The request could not be understood"),
          _("Something in the address or the form was not as expected. Please start again from the start page.")),
    403: (_("No access"), _("You do not have access to this page.")),
    404: (_("Page not found"),
          _("There is no page at this address. It may have moved, or the link may be incomplete.")),
    429: (_("Please wait a moment"),
          _("There were too many attempts from this connection. Please wait a while and try again, or call us.")),
    500: (_("Something went wrong on our side"),
          _("Your request could not be completed. Nothing was changed. Please try again in a few minutes.")),
    503: (_("The service is briefly unavailable"),
          _("Please try again in a few minutes. Nothing you sent was lost or changed.")),
}

FALLBACK = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>エラー / Error</title></head>
<body><main><h1>ただいま処理できません</h1><p>しばらくしてから、もう一度お試しください。</p>
<h2 lang="en">Something went wrong</h2><p lang="en">Please try again in a few minutes.</p>
<p><a href="/">トップページへ / Start page</a></p></main></body></html>"""


def error_page(request, status: int, *, message=None, retry_after: int | None = None) -> HttpResponse:
    title, default_message = PAGES.get(status, PAGES[400])
    try:
        response = render(request, "errors/page.html", {
            "status": status, "title": title, "message": message or default_message,
        }, status=status)
    except Exception:  # noqa: BLE001 - the error page must never fail in turn
        logger.exception("the %s page could not be rendered; serving the static fallback", status)
        response = HttpResponse(FALLBACK, status=status, content_type="text/html; charset=utf-8")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def bad_request(request, exception=None):
    # Django reports a session it could not save as "deleted" (SessionInterrupted, 400) even when
    # the database was only unreachable: that is a 503 "try again" too
    if is_database_unavailable(exception):
        return database_unavailable_response(request)
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    # called while Django handles the uncaught exception: a lost database anywhere in the request
    # (the city lookup, the session) answers 503 "try again"
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return error_page(request, 500)


def csrf_failure(request, reason=""):
    return error_page(request, 403, message=_(
        "This form has expired or was sent from another page. Please go back, reload the page and send it again."))
