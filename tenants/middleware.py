"""Request pipeline of a city's or the platform's site: which municipality, which language, whose session."""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpResponseNotFound
from django.shortcuts import render
from django.utils import translation
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.languages import DEFAULT_LANGUAGE, site_language
from tenants.models import Municipality
from tenants.selectors import municipality_for_host

logger = logging.getLogger(__name__)

SESSION_MUNICIPALITY_KEY = "_madoguchi_schema"


class MunicipalityMiddleware(TenantMainMiddleware):
    """Selects the municipality's schema by the request's host (django-tenants).

    The host is looked up in an in-process cache (`tenants.selectors.municipality_for_host`), so
    a request costs no query to find its city, and the schema is switched only when it differs
    from the connection's: at most one `SET search_path` per request, none when a worker keeps
    serving the same city.
    """

    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return HttpResponseNotFound()
        tenant = municipality_for_host(hostname)
        if tenant is None:
            connection.set_schema_to_public()
            return self.no_tenant_found(request, hostname)
        request.tenant = tenant
        if getattr(connection, "tenant", None) is not tenant:
            connection.set_tenant(tenant)
        self.setup_url_routing(request)
        return None

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
            language = site_language(translation.get_language(), tenant.languages())
            if language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
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


class SchemaBoundedConnectionMiddleware:
    """Closes a database connection that has served too many cities, after the response.

    PostgreSQL keeps the catalogue of every schema a backend has touched in that backend's memory
    (about 0.4 MiB per city here): a long-lived connection that serves every one of 1,741 cities
    would hold ~680 MiB. Each connection counts the schemas it served; past
    MADOGUCHI_CONNECTION_MAX_SCHEMAS it is closed once the response is ready and the next request
    opens a fresh one, so a backend's memory stays bounded however many cities share the servers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        raw = connection.connection
        if raw is None:
            return response
        if getattr(connection, "_madoguchi_counted", None) is not raw:  # a new connection: count afresh
            connection._madoguchi_counted, connection._madoguchi_schemas = raw, set()
        connection._madoguchi_schemas.add(connection.schema_name)
        if len(connection._madoguchi_schemas) > settings.MADOGUCHI_CONNECTION_MAX_SCHEMAS \
                and not connection.in_atomic_block:
            connection.close()
        return response
