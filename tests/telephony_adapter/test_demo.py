"""The demo: Chiba's toll-free number rings Chiba, demo-operator works there; make run prints both."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from devtools import devrun
from platform_console.demo import CHIBA
from telephony_adapter.models import Referral
from telephony_adapter.routing.models import DialledNumber, OperatorPresence
from telephony_adapter.selectors.routing import dangerously_city_for_dialled
from tenants.models import Municipality, Role


def test_the_banner_prints_the_demo_number_and_token():
    assert CHIBA["call_centre_phone"] == devrun.DEMO_TOLL_FREE
    banner = devrun._banner({"DATABASE_URL": "postgres://x@127.0.0.1:5432/m", "TWILIO_AUTH_TOKEN": "tok"})
    assert "/telephony/twilio/voice/" in banner and "0120-000-000" in banner and "TWILIO_AUTH_TOKEN=tok" in banner


@pytest.mark.django_db
def test_call_centre_setup_routes_the_number_and_readies_the_operators(city_b):
    from tests.telephony_adapter.factories import make_operator

    operator = make_operator(city_b, username="beta-operator")
    call_command("call_centre_setup", "--city", "beta", "--number", "0120-222-222", "--operator", "beta-operator")
    call_command("call_centre_setup", "--city", "beta", "--number", "+81120222222")  # again: nothing doubles
    assert DialledNumber.objects.get().number == "0120222222"
    assert dangerously_city_for_dialled("+81120222222") == city_b
    assert OperatorPresence.objects.get(user=operator).status == "offline"
    with tenant_context(city_b):
        assert Referral.objects.filter(phone="0120-95-0178").count() == 1


@pytest.mark.django_db
def test_suspended_cities_get_no_calls(city_b):
    call_command("call_centre_setup", "--city", "beta", "--number", "0120-222-222")
    Municipality.objects.filter(pk=city_b.pk).update(status=Municipality.Status.SUSPENDED)
    assert dangerously_city_for_dialled("0120222222") is None


@pytest.mark.django_db
def test_the_demo_routes_chibas_number_and_makes_demo_operator_work_there(platform_client):
    from platform_console.demo import demo_seed
    from tenants.access import access_municipalities
    from tests.telephony_adapter.factories import Caller

    demo_seed()
    chiba = dangerously_city_for_dialled("+81120000000")
    assert chiba is not None and chiba.schema_name == "chiba"
    operator = OperatorPresence.objects.get(user__username="demo-operator").user
    assert list(access_municipalities(operator)) == [chiba]
    assert {"ja", "en"} <= set(operator.language_skills)
    supervisor = OperatorPresence.objects.get(user__username="demo-supervisor").user
    assert supervisor.memberships.get(municipality=chiba).role == Role.OPERATOR_SUPERVISOR
    menu = Caller(to="+81120000000").dial()  # Chiba speaks six languages, each line in its own voice
    for line in ("日本語のご案内は、1を押してください。", "To continue in English, press 2.", "中文服务请按3。",
                 "한국어 안내는 4번을 눌러 주십시오.", "Para continuar en español, marque 5.",
                 "Para continuar em português, tecle 6."):
        assert line in menu
    assert 'language="cmn-CN" voice="Polly.Zhiyu"' in menu
