"""Amazon Connect: a contact flow invokes us (through a small function that signs the body) with
its contact data, and reads back flat attributes: what to say, then what to do next.

Nothing here is shaped like TwiML: a flow block plays the SSML prompt and, depending on `next`,
gets digits, waits in a loop, transfers to a queue or a number, or disconnects; each block calls
back with the parameters `event` and `step` we returned.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from xml.sax.saxutils import escape

from django.conf import settings

from .base import (
    Bridge,
    CallEvent,
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

VOICES = {"ja": ("ja-JP", "Mizuki"), "en": ("en-US", "Joanna"), "zh-hans": ("cmn-CN", "Zhiyu"),
          "ko": ("ko-KR", "Seoyeon"), "es": ("es-MX", "Mia"), "pt-br": ("pt-BR", "Camila")}
SIGNATURE_HEADER = "X-Madoguchi-Signature"


def connect_signature(body: bytes, secret: str | None = None) -> str:
    secret = settings.TELEPHONY_CONNECT_SECRET if secret is None else secret
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class ConnectProvider(Provider):
    name = "connect"

    def validate(self, request) -> bool:
        given = request.headers.get(SIGNATURE_HEADER, "")
        secret = settings.TELEPHONY_CONNECT_SECRET
        return bool(given and secret) and hmac.compare_digest(given, connect_signature(request.body, secret))

    def parse(self, request, kind: str | None = None) -> CallEvent:
        payload = json.loads(request.body or b"{}")
        details = payload.get("Details") or {}
        contact = details.get("ContactData") or {}
        parameters = details.get("Parameters") or {}
        step = str(parameters.get("step", ""))
        return CallEvent(
            kind=parameters.get("event") or kind or EventKind.INCOMING,
            call_id=str(contact.get("ContactId", ""))[:64],
            caller=str((contact.get("CustomerEndpoint") or {}).get("Address", ""))[:32],
            dialled=str((contact.get("SystemEndpoint") or {}).get("Address", ""))[:32],
            step=int(step) if step.isdigit() else None,
            digits=str(parameters.get("digits", ""))[:40],
            speech=str(parameters.get("speech", ""))[:200],
            status=str(parameters.get("status", ""))[:20],
        )

    def render(self, actions: list) -> Rendered:
        return Rendered(json.dumps(self.attributes(actions), ensure_ascii=False), "application/json")

    def attributes(self, actions: list) -> dict[str, str]:
        prompts: list[Say] = []
        result: dict[str, str] = {"next": "continue"}
        for action in actions:
            if isinstance(action, Say):
                prompts.append(action)
            elif isinstance(action, Gather):
                prompts.extend(action.prompts)
                result.update(next="gather", max_digits=str(action.num_digits or 20),
                              finish_on_key=action.finish_on_key, timeout=str(action.timeout),
                              **_then(action.then))
            elif isinstance(action, Wait):
                prompts.extend(action.prompts)
                result.update(next="wait", seconds=str(action.seconds), **_then(action.then))
            elif isinstance(action, Bridge):
                result.update(next="agent", agent=action.operator, leg_event=action.leg.kind,
                              **_then(action.then))
            elif isinstance(action, Transfer):
                prompts.extend(action.prompts)
                result.update(next="transfer", number=action.number)
            elif isinstance(action, Resume):
                result.update(next="resume", **_then(action.then))
            elif isinstance(action, Hangup):
                prompts.extend(action.prompts)
                result["next"] = "disconnect"
        language = prompts[-1].language if prompts else "ja"
        code, voice = VOICES.get(language, VOICES["ja"])
        result.update(language=code, voice=voice, prompt=_ssml(prompts))
        return result

    def place_call(self, call: OutboundCall) -> str:
        payload = {"attributes": self.attributes(call.actions), "reference": call.reference}
        return outbound_transport().create_call(provider=self.name, to=call.to, payload=payload)

    def update_call(self, call_id: str, actions: list) -> None:
        outbound_transport().update_call(provider=self.name, call_id=call_id,
                                         payload={"attributes": self.attributes(actions)})


def _then(then: Next | str) -> dict[str, str]:
    if isinstance(then, str):
        return {"callback_url": then}
    return {"event": then.kind, "step": str(then.step)}


def _ssml(prompts: list[Say]) -> str:
    return "<speak>" + " ".join(f'<lang xml:lang="{VOICES.get(p.language, VOICES["ja"])[0]}">{escape(p.text)}</lang>'
                                for p in prompts) + "</speak>"
