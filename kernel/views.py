"""Small views every site has: the health check, the favicon and, on a machine without a mail relay, the outbox."""
from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kernel.mail import read_outbox


@require_GET
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "schema": connection.schema_name})


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; it lives with the static files."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@require_GET
def outbox(request):
    """The mails of a machine with no mail relay (demo and development only)."""
    if not settings.MADOGUCHI_SHOW_OUTBOX or settings.EMAIL_BACKEND != "kernel.mail.OutboxEmailBackend":
        raise Http404
    return render(request, "outbox.html", {"mails": read_outbox()})

