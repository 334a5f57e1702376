"""How outbound calls reach the carrier: Twilio's REST API, or a local recording (demo and tests).

The carrier is the one edge of the world that is not ours; everything up to the transport runs
for real. `RecordingTransport` keeps what would have been sent and answers with a call id in the
provider's own format.
"""
from __future__ import annotations

import logging
import threading
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class RecordingTransport:
    """Keeps every call it is asked to place (`sent`), like the mail outbox does for mail."""

    sent: list[dict] = []
    _lock = threading.Lock()

    def create_call(self, *, provider: str, to: str, payload: dict) -> str:
        call_id = ("CA" + uuid.uuid4().hex) if provider == "twilio" else str(uuid.uuid4())
        with self._lock:
            RecordingTransport.sent.append({"provider": provider, "to": to, "call_id": call_id, **payload})
        logger.info("outbound call %s to %s recorded (no carrier configured)", call_id, to)
        return call_id

    def update_call(self, *, provider: str, call_id: str, payload: dict) -> None:
        with self._lock:
            RecordingTransport.sent.append({"provider": provider, "update": call_id, **payload})
        logger.info("update of call %s recorded (no carrier configured)", call_id)

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.sent.clear()


class TwilioRestTransport:
    """Places calls through Twilio's REST API with the account of the settings."""

    def create_call(self, *, provider: str, to: str, payload: dict) -> str:
        from twilio.rest import Client

        client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
        call = client.calls.create(to=to, from_=payload["from"], twiml=payload["twiml"])
        return call.sid

    def update_call(self, *, provider: str, call_id: str, payload: dict) -> None:
        from twilio.rest import Client

        Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN).calls(call_id).update(twiml=payload["twiml"])


def outbound_transport():
    if settings.TELEPHONY_OUTBOUND_TRANSPORT:
        return import_string(settings.TELEPHONY_OUTBOUND_TRANSPORT)()
    if settings.TWILIO_ACCOUNT_SID and settings.TELEPHONY_PROVIDER == "twilio":
        return TwilioRestTransport()
    return RecordingTransport()
