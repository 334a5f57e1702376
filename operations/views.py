"""Acknowledging an alert (mail link, phone key) and the incident console of platform administrators."""
from __future__ import annotations

from xml.sax.saxutils import escape

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from operations.channels import gathered_digits, incident_title, provider_request_valid, read_acknowledgement_token
from operations.models import Escalation, UpdateStatus
from operations.selectors import incident_timeline, incidents_for_console, policies_for_console
from operations.services.escalation import escalation_acknowledge_by_token
from operations.services.incidents import (
    IncidentClosedError,
    incident_acknowledge,
    incident_post_update,
    incident_resolve,
)
from operations.status_view import status_page_response
from tenants.access import platform_admin_required


def status(request):
    """`/status/` reached through the URLconf (the middleware usually answers first)."""
    response = status_page_response(request)
    if response is None:
        raise Http404
    return response


def acknowledge(request, token: str):
    """The link in an alert mail: a page that says what happened and a button (mail scanners only GET)."""
    found = read_acknowledgement_token(token)
    escalation = Escalation.objects.select_related("incident", "acknowledged_by").filter(
        pk=found[0]).first() if found else None
    if escalation is None:
        return render(request, "operations/acknowledge.html", {"invalid": True}, status=404)
    if request.method == "POST":
        escalation = escalation_acknowledge_by_token(escalation_id=found[0], contact_id=found[1], via="mail")
        if escalation is None:
            return render(request, "operations/acknowledge.html", {"invalid": True}, status=404)
    return render(request, "operations/acknowledge.html", {
        "escalation": escalation, "incident": escalation.incident, "title": incident_title(escalation.incident),
    })


@csrf_exempt  # the phone provider posts here; its signature is checked instead
@require_POST
def phone_acknowledge(request, token: str):
    """The gather action of an alert call: key 1 acknowledges."""
    if not provider_request_valid(request):
        return HttpResponseForbidden()
    found = read_acknowledgement_token(token)
    if found is None:
        raise Http404
    language = request.GET.get("lang", "ja")
    pressed = gathered_digits(request)
    with translation.override(language):
        if pressed == "1" and escalation_acknowledge_by_token(escalation_id=found[0], contact_id=found[1],
                                                              via="phone"):
            say = _("Thank you. The alert is acknowledged.")
        else:
            say = _("The alert is not acknowledged. We will call again.")
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Say>{escape(say)}</Say><Hangup/></Response>'
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


@platform_admin_required
def console(request):
    return render(request, "operations/console.html", {
        "incidents": incidents_for_console(request.user), "policies": policies_for_console(request.user),
    })


@platform_admin_required
def incident(request, pk: int):
    found = get_object_or_404(incidents_for_console(request.user), pk=pk)
    return render(request, "operations/incident.html", {
        "incident": found, "title": incident_title(found), "timeline": incident_timeline(found),
        "statuses": [choice for choice in UpdateStatus.choices if choice[0] != UpdateStatus.RESOLVED],
    })


def _by(request) -> str:
    return request.user.get_full_name() or request.user.username


@platform_admin_required
@require_POST
def incident_action(request, pk: int, action: str):
    found = get_object_or_404(incidents_for_console(request.user), pk=pk)
    try:
        if action == "acknowledge":
            incident_acknowledge(incident=found, by=_by(request), via="console")
            messages.success(request, _("Acknowledged: the calls about this incident stop."))
        elif action == "update":
            status = request.POST.get("status", "")
            text = request.POST.get("text", "").strip()
            if status not in UpdateStatus.values or not text:
                messages.error(request, _("Choose a status and write the update."))
            else:
                incident_post_update(incident=found, status=status, text=text, author=_by(request))
                messages.success(request, _("The update is on the status page."))
        elif action == "resolve":
            incident_resolve(incident=found, by=_by(request), text=request.POST.get("text", ""))
            messages.success(request, _("The incident is resolved."))
        else:
            raise Http404
    except IncidentClosedError:
        messages.error(request, _("This incident is already resolved."))
    return redirect("operations:incident", pk=found.pk)



