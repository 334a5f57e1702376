"""Small views every site has: health, branding stylesheet, favicon, the local outbox."""
from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from config.branding import branding_css
from config.mail import read_outbox
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
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; it lives with the static files."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@require_GET
def outbox(request):
    """The mails of a machine with no mail relay (demo and development only)."""
    if not settings.MADOGUCHI_SHOW_OUTBOX or settings.EMAIL_BACKEND != "config.mail.OutboxEmailBackend":
        raise Http404
    return render(request, "outbox.html", {"mails": read_outbox()})
