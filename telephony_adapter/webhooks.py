"""Provider webhooks: check the signature, turn the request into our event, process it once.

Thin on purpose: what a call does is in `services.ivr`; which provider speaks how is in `providers`.
"""
from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kernel.network import client_address
from telephony_adapter.providers import provider_named
from telephony_adapter.providers.base import EventKind
from telephony_adapter.services.events import event_process, request_reject


def _handle(request, provider_name: str, kind: str | None):
    provider = provider_named(provider_name)
    if not provider.validate(request):
        signed = bool(request.headers.get("X-Twilio-Signature") or request.headers.get("X-Madoguchi-Signature"))
        request_reject(provider=provider_name, path=request.path, remote_address=client_address(request),
                       reason="wrong signature" if signed else "no signature")
        return HttpResponseForbidden("signature required")
    try:
        event = provider.parse(request, kind)
    except ValueError:
        return HttpResponseBadRequest("malformed event")
    if not event.call_id:
        return HttpResponseBadRequest("no call id")
    rendered = event_process(provider=provider, event=event)
    return HttpResponse(rendered.body, content_type=rendered.content_type)


def _twilio(kind: str):
    @csrf_exempt
    @require_POST
    def view(request):
        return _handle(request, "twilio", kind)

    view.__name__ = f"twilio_{kind}"
    return view


twilio_voice = _twilio(EventKind.INCOMING)
twilio_gather = _twilio(EventKind.INPUT)
twilio_wait = _twilio(EventKind.WAIT)
twilio_dial = _twilio(EventKind.BRIDGE_ENDED)
twilio_operator = _twilio(EventKind.OPERATOR_LEG)
twilio_status = _twilio(EventKind.STATUS)


@csrf_exempt
@require_POST
def connect_flow(request):
    """Amazon Connect: one endpoint; the flow names the event in its parameters."""
    return _handle(request, "connect", None)
