"""Request pipeline: which municipality, which language, which headers, which errors."""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django_tenants.middleware.main import TenantMainMiddleware

from config.errors import ApplicationError
from tenants.languages import DEFAULT_LANGUAGE
from tenants.models import Municipality

logger = logging.getLogger(__name__)

SESSION_MUNICIPALITY_KEY = "_madoguchi_schema"


class MunicipalityMiddleware(TenantMainMiddleware):
    """Selects the municipality's schema by the request's host (django-tenants)."""

    def no_tenant_found(self, request, hostname):
        translation.activate(DEFAULT_LANGUAGE)
        return render(request, "errors/unknown_site.html", {"hostname": hostname}, status=404)


class MunicipalityLanguageMiddleware:
    """Keeps the language to those the municipality enabled; Japanese otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.kind == Municipality.Kind.CITY:
            if translation.get_language() not in tenant.languages():
                translation.activate(DEFAULT_LANGUAGE)
                request.LANGUAGE_CODE = DEFAULT_LANGUAGE
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SessionTenantBindingMiddleware:
    """A session belongs to the municipality where it was opened; elsewhere it is void.

    Sessions live in the public schema, so a session cookie copied to another city's domain
    would otherwise still authenticate there: a staff login, or a citizen's notice (whose id
    means another notice in another city's schema).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        schema = getattr(getattr(request, "tenant", None), "schema_name", None)
        if schema and hasattr(request, "session"):
            bound = request.session.get(SESSION_MUNICIPALITY_KEY)
            if bound and bound != schema:
                logger.warning("session of %s presented at %s; logged out", bound, schema)
                logout(request)
        response = self.get_response(request)
        if schema and hasattr(request, "session") and not request.session.get(SESSION_MUNICIPALITY_KEY):
            # any session that carries something (a staff login, a citizen's notice) is bound,
            # also right after logging in
            carries = any(not key.startswith("_") for key in request.session.keys())  # noqa: SIM118
            if request.user.is_authenticated or carries:
                request.session[SESSION_MUNICIPALITY_KEY] = schema
        return response


class SuspendedMunicipalityMiddleware:
    """A suspended city's sites answer with a clear page, whatever the path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.kind == Municipality.Kind.CITY and tenant.is_suspended:
            if not request.path.startswith(settings.STATIC_URL):
                response = render(request, "errors/suspended.html", {"municipality": tenant}, status=503)
                response["Retry-After"] = "3600"
                return response
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content Security Policy and friends; no inline script or style anywhere."""

    POLICY = "; ".join([
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ])

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class ApplicationErrorMiddleware:
    """Turns an ApplicationError that reached the view layer into its 4xx page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        return render(request, "errors/application_error.html", {"error": exception},
                      status=exception.status_code)


# --- the database is gone for a moment (a failover, a restart) --------------------------------
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
    500 handler (config.views.server_error), which answers the same page.
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
