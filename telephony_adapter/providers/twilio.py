"""Twilio: voice webhooks in (signed with X-Twilio-Signature), TwiML out (`VoiceResponse`)."""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from .base import (
    SPEECH_LANGUAGES,
    Bridge,
    CallEvent,
    CallStatus,
    EventKind,
    Gather,
    Hangup,
    Next,
    OutboundCall,
    Provider,
    Rendered,
    Resume,
    Say,
    Transfer,
    Wait,
)
from .transports import outbound_transport

# The voice and the language Twilio's <Say> uses for each call-centre language (Amazon Polly voices).
VOICES = {
    "ja": ("ja-JP", "Polly.Mizuki"),
    "en": ("en-US", "Polly.Joanna"),
    "zh-hans": ("cmn-CN", "Polly.Zhiyu"),
    "ko": ("ko-KR", "Polly.Seoyeon"),
    "es": ("es-MX", "Polly.Mia"),
    "pt-br": ("pt-BR", "Polly.Camila"),
}
# Our event kinds and the URL names of their webhooks (beside /telephony/twilio/voice/).
URL_NAMES = {
    EventKind.INCOMING: "twilio_voice",
    EventKind.INPUT: "twilio_gather",
    EventKind.WAIT: "twilio_wait",
    EventKind.BRIDGE_ENDED: "twilio_dial",
    EventKind.OPERATOR_LEG: "twilio_operator",
    EventKind.STATUS: "twilio_status",
}
_LEG_STATUS = {"in-progress": CallStatus.ANSWERED, "answered": CallStatus.ANSWERED}


def webhook_url(request) -> str:
    """The URL Twilio called, as it signed it (behind a proxy: TELEPHONY_WEBHOOK_BASE_URL + path)."""
    base = settings.TELEPHONY_WEBHOOK_BASE_URL.rstrip("/")
    if base:
        return base + request.get_full_path()
    return request.build_absolute_uri()


class TwilioProvider(Provider):
    name = "twilio"

    def __init__(self, auth_token: str | None = None):
        self.auth_token = auth_token if auth_token is not None else settings.TWILIO_AUTH_TOKEN

    # --- in ----------------------------------------------------------------------------------
    def validate(self, request) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.auth_token:
            return False
        params = request.POST.dict() if request.method == "POST" else {}
        return RequestValidator(self.auth_token).validate(webhook_url(request), params, signature)

    def parse(self, request, kind: str) -> CallEvent:
        data = request.POST
        step = request.GET.get("step")
        call_id = data.get("CallSid", "")
        status = ""
        if kind == EventKind.OPERATOR_LEG:
            call_id = data.get("ParentCallSid") or call_id
            raw = data.get("CallStatus", "")
            status = _LEG_STATUS.get(raw, raw)
        elif kind == EventKind.BRIDGE_ENDED:
            status = data.get("DialCallStatus", "")
        elif kind == EventKind.STATUS:
            status = data.get("CallStatus", "")
        return CallEvent(
            kind=kind, call_id=call_id[:64], caller=data.get("From", "")[:32], dialled=data.get("To", "")[:32],
            step=int(step) if step and step.isdigit() else None, digits=data.get("Digits", "")[:40],
            speech=data.get("SpeechResult", "")[:200], status=status[:20],
        )

    # --- out ---------------------------------------------------------------------------------
    def render(self, actions: list) -> Rendered:
        return Rendered(str(self.twiml(actions)), "text/xml; charset=utf-8")

    def twiml(self, actions: list) -> VoiceResponse:
        response = VoiceResponse()
        for action in actions:
            if isinstance(action, Say):
                _say(response, action)
            elif isinstance(action, Gather):
                gather = response.gather(
                    input="dtmf speech" if action.speech else "dtmf", action=self._url(action.then), method="POST",
                    num_digits=action.num_digits, finish_on_key=action.finish_on_key, timeout=action.timeout,
                    language=SPEECH_LANGUAGES.get(action.language, "ja-JP") if action.speech else None,
                    action_on_empty_result=True,
                )
                for prompt in action.prompts:
                    _say(gather, prompt)
            elif isinstance(action, Wait):
                for prompt in action.prompts:
                    _say(response, prompt)
                response.pause(length=action.seconds)
                response.redirect(self._url(action.then), method="POST")
            elif isinstance(action, Bridge):
                dial = response.dial(action=self._url(action.then), method="POST", timeout=action.timeout,
                                     answer_on_bridge=True)
                dial.client(identity=action.operator, status_callback_event="ringing answered completed",
                            status_callback=self._url(action.leg), status_callback_method="POST")
            elif isinstance(action, Transfer):
                for prompt in action.prompts:
                    _say(response, prompt)
                response.dial(number=action.number)
            elif isinstance(action, Resume):
                response.redirect(self._url(action.then, absolute=True), method="POST")
            elif isinstance(action, Hangup):
                for prompt in action.prompts:
                    _say(response, prompt)
                response.hangup()
        return response

    def _url(self, then: Next | str, absolute: bool = False) -> str:
        if isinstance(then, str):
            return then
        # the webhooks live on the platform's own domain, whatever the URLconf of the current request
        path = reverse("telephony_adapter:" + URL_NAMES[then.kind], urlconf=settings.PUBLIC_SCHEMA_URLCONF)
        base = settings.TELEPHONY_WEBHOOK_BASE_URL.rstrip("/") if absolute else ""
        return f"{base}{path}?step={then.step}"

    def place_call(self, call: OutboundCall) -> str:
        payload = {"from": settings.TWILIO_CALLER_ID, "twiml": str(self.twiml(call.actions)),
                   "reference": call.reference}
        return outbound_transport().create_call(provider=self.name, to=call.to, payload=payload)

    def update_call(self, call_id: str, actions: list) -> None:
        outbound_transport().update_call(provider=self.name, call_id=call_id,
                                         payload={"twiml": str(self.twiml(actions))})


def _say(parent, prompt: Say) -> None:
    language, voice = VOICES.get(prompt.language, VOICES["ja"])
    parent.say(prompt.text, language=language, voice=voice)
