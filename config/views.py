"""Small views every site has: health, branding stylesheet, the local outbox, the 500 handler."""
from __future__ import annotations

import sys

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from config.branding import branding_css
from config.mail import read_outbox
from config.middleware import database_unavailable_response, is_database_unavailable
from tenants.models import Municipality


@require_GET
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "schema": connection.schema_name})


@require_GET
@cache_control(max_age=300, public=True)
def branding_stylesheet(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.kind != Municipality.Kind.CITY:
        primary, accent = "#1d4e89", "#c8102e"
    else:
        primary, accent = tenant.primary_colour, tenant.accent_colour
    return HttpResponse(branding_css(primary, accent), content_type="text/css; charset=utf-8")


@require_GET
def outbox(request):
    """The mails of a machine with no mail relay (demo and development only)."""
    if not settings.MADOGUCHI_SHOW_OUTBOX or settings.EMAIL_BACKEND != "config.mail.OutboxEmailBackend":
        raise Http404
    return render(request, "outbox.html", {"mails": read_outbox()})


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a lost database connection anywhere in the request answers 503 "try again".

    Django calls this while it handles the uncaught exception, so sys.exc_info() holds it.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return defaults.server_error(request, template_name)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    """handler400: Django reports a session it could not save as "deleted" (SessionInterrupted,
    400) even when the database was only unreachable; that is a 503 "try again" too."""
    if is_database_unavailable(exception):
        return database_unavailable_response(request)
    return defaults.bad_request(request, exception, template_name)
