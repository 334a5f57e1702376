"""Factories and helpers of the call-centre tests: routed numbers, operators, signed webhooks."""
from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from django.test import Client
from twilio.request_validator import RequestValidator

from telephony_adapter.providers.connect import SIGNATURE_HEADER, connect_signature
from telephony_adapter.routing.models import DialledNumber, OperatorPresence
from tenants.models import Role
from tests.tenants.factories import MembershipFactory, UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")
_calls = itertools.count(1)


def tokyo(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


class DialledNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialledNumber
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"0120{n:06d}")


def make_operator(*cities, languages=("ja",), role=Role.OPERATOR, available_since=None, username=None):
    """An operator with these languages and an operator role in each city; available if `available_since`."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(language_skills=list(languages), **kwargs)
    for city in cities:
        MembershipFactory(user=user, municipality=city, role=role)
    if available_since is not None:
        OperatorPresence.objects.update_or_create(user=user, defaults={"status": "available",
                                                                       "since": available_since})
    return user


def signed(path: str, data: dict) -> str:
    """Twilio's signature of a webhook, over the address Twilio would have called."""
    base = settings.TELEPHONY_WEBHOOK_BASE_URL.rstrip("/") or "http://localhost"
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(base + path, data)


class Caller:
    """A phone call replayed as the provider's signed webhooks through the real URLs."""

    def __init__(self, *, to: str, caller: str = "+819012345678", client: Client | None = None,
                 call_id: str | None = None):
        self.client = client or Client(HTTP_HOST="localhost")
        self.to, self.caller = to, caller
        self.call_id = call_id or f"CA{next(_calls):032x}"
        self.step: int | None = None
        self.last = ""

    def post(self, path: str, **params):
        data = {"CallSid": self.call_id, "From": self.caller, "To": self.to, "AccountSid": "AC" + "0" * 32,
                **{key: str(value) for key, value in params.items()}}
        response = self.client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signed(path, data))
        assert response.status_code == 200, response.content
        self.last = response.content.decode()
        self._follow()
        return self.last

    def _follow(self) -> None:
        found = re.findall(r'(?:action|url)="([^"]*\?step=(\d+))"', self.last) or re.findall(
            r">(/telephony/twilio/wait/\?step=(\d+))<", self.last)
        self.next_url = found[-1][0].replace("&amp;", "&") if found else None

    def dial(self):
        return self.post("/telephony/twilio/voice/")

    def press(self, digits: str):
        assert self.next_url and "gather" in self.next_url, self.last
        return self.post(self.next_url, Digits=digits)

    def say(self, speech: str):
        return self.post(self.next_url, SpeechResult=speech, Digits="")

    def wait(self):
        assert self.next_url and "wait" in self.next_url, self.last
        return self.post(self.next_url)

    def operator_answers(self):
        path = re.search(r'statusCallback="([^"]+)"', self.last).group(1).replace("&amp;", "&")
        data = {"CallSid": "CA" + "f" * 32, "ParentCallSid": self.call_id, "CallStatus": "in-progress"}
        response = self.client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signed(path, data))
        assert response.status_code == 200
        return response

    def bridge_ended(self, status: str = "completed"):
        path = re.search(r'<Dial action="([^"]+)"', self.last).group(1).replace("&amp;", "&")
        return self.post(path, DialCallStatus=status)

    def hang_up(self):
        return self.post("/telephony/twilio/status/", CallStatus="completed")


def connect_post(client: Client, *, contact_id: str, to: str, caller: str = "+819011112222", **parameters):
    body = json.dumps({"Name": "ContactFlowEvent", "Details": {
        "ContactData": {"ContactId": contact_id, "CustomerEndpoint": {"Address": caller, "Type": "TELEPHONE_NUMBER"},
                        "SystemEndpoint": {"Address": to, "Type": "TELEPHONE_NUMBER"}},
        "Parameters": {key: str(value) for key, value in parameters.items()}}}).encode()
    return client.post("/telephony/connect/", body, content_type="application/json",
                       **{f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": connect_signature(body)})
