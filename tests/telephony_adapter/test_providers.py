"""Signatures (Twilio's published vector, forged and unsigned requests), TwiML, the second adapter, call_out."""
from __future__ import annotations

import json

import pytest
from django.test import RequestFactory, override_settings
from twilio.request_validator import RequestValidator

from telephony_adapter.outbound import call_out
from telephony_adapter.providers import validate_provider_request
from telephony_adapter.providers.base import Bridge, Gather, Hangup, Next, Say, Transfer, Wait
from telephony_adapter.providers.connect import ConnectProvider
from telephony_adapter.providers.transports import RecordingTransport
from telephony_adapter.providers.twilio import TwilioProvider
from telephony_adapter.routing.models import RejectedRequest

VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
                 "From": "+12349013030", "To": "+18005551212"}
VECTOR_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_twilio_published_signature_vector():
    assert RequestValidator("12345").compute_signature(VECTOR_URL, VECTOR_PARAMS) == VECTOR_SIGNATURE


@override_settings(TWILIO_AUTH_TOKEN="12345", TELEPHONY_WEBHOOK_BASE_URL="https://mycompany.com")
def test_the_adapter_accepts_the_vector_and_refuses_a_forgery():
    factory = RequestFactory()
    request = factory.post("/myapp.php?foo=1&bar=2", VECTOR_PARAMS, HTTP_X_TWILIO_SIGNATURE=VECTOR_SIGNATURE)
    assert TwilioProvider().validate(request)
    assert validate_provider_request(request)
    forged = factory.post("/myapp.php?foo=1&bar=2", {**VECTOR_PARAMS, "Digits": "9999"},
                          HTTP_X_TWILIO_SIGNATURE=VECTOR_SIGNATURE)
    assert not TwilioProvider().validate(forged)
    unsigned = factory.post("/myapp.php?foo=1&bar=2", VECTOR_PARAMS)
    assert not TwilioProvider().validate(unsigned)


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"HTTP_X_TWILIO_SIGNATURE": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}])
def test_forged_or_unsigned_webhooks_get_403_and_a_logged_event(platform_client, headers, caplog):
    response = platform_client.post("/telephony/twilio/voice/", {"CallSid": "CAforged", "To": "0120111111"},
                                    **headers)
    assert response.status_code == 403
    rejected = RejectedRequest.objects.get()
    assert rejected.path == "/telephony/twilio/voice/"
    assert rejected.reason == ("wrong signature" if headers else "no signature")
    assert "refused" in caplog.text


def test_twiml_of_our_actions():
    twiml = TwilioProvider().render([
        Gather(prompts=(Say("ようこそ", "ja"),), then=Next("input", 3), language="ja", num_digits=1),
        Wait(prompts=(Say("Please hold", "en"),), seconds=15, then=Next("wait", 4)),
        Bridge(operator="operator-7", then=Next("bridge_ended", 5), leg=Next("operator_leg", 5)),
        Transfer(number="0432450000"), Hangup(),
    ]).body
    assert '<Gather action="/telephony/twilio/gather/?step=3"' in twiml
    assert 'numDigits="1"' in twiml and '<Say language="ja-JP" voice="Polly.Mizuki">ようこそ</Say>' in twiml
    assert '<Pause length="15" /><Redirect method="POST">/telephony/twilio/wait/?step=4</Redirect>' in twiml
    assert '<Client statusCallback="/telephony/twilio/operator/?step=5"' in twiml
    assert '>operator-7</Client>' in twiml and '<Dial>0432450000</Dial>' in twiml and '<Hangup />' in twiml


def test_connect_adapter_speaks_flow_attributes_not_twiml():
    attributes = json.loads(ConnectProvider().render([
        Gather(prompts=(Say("안녕하세요", "ko"),), then=Next("input", 2), language="ko", num_digits=1)]).body)
    assert attributes["next"] == "gather" and attributes["event"] == "input" and attributes["step"] == "2"
    assert attributes["language"] == "ko-KR" and attributes["voice"] == "Seoyeon"
    assert attributes["prompt"] == '<speak><lang xml:lang="ko-KR">안녕하세요</lang></speak>'


def test_call_out_places_a_call_through_the_adapter():
    RecordingTransport.clear()
    call_id = call_out(to="+81312345678", say="障害が発生しました。確認したら1を押してください。", language="ja",
                       gather_action_url="https://madoguchi.example/alerts/ack/42/", reference="incident-42")
    assert call_id.startswith("CA") and len(call_id) == 34
    (sent,) = RecordingTransport.sent
    assert sent["to"] == "+81312345678" and sent["reference"] == "incident-42"
    assert '<Gather action="https://madoguchi.example/alerts/ack/42/"' in sent["twiml"]
    assert 'numDigits="1"' in sent["twiml"] and "障害が発生しました" in sent["twiml"]


def test_speech_is_gathered_in_the_callers_language():
    twiml = TwilioProvider().render([Gather(prompts=(Say("请说出编号", "zh-hans"),), then=Next("input", 1),
                                            language="zh-hans", speech=True, finish_on_key="#")]).body
    assert 'input="dtmf speech"' in twiml and 'language="cmn-Hans-CN"' in twiml
    assert '<Say language="cmn-CN" voice="Polly.Zhiyu">请说出编号</Say>' in twiml
