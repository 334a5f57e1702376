from __future__ import annotations

import pytest

from operations.services.escalation import policy_set
from tests.operations import fake_carrier


@pytest.fixture
def carrier():
    fake_carrier.CALLS.clear()
    yield fake_carrier.CALLS
    fake_carrier.CALLS.clear()


@pytest.fixture
def platform_policy(db):
    return policy_set(scope="", repeat_minutes=5, contacts=[
        {"name": "当番 一郎", "email": "oncall@example.jp", "phone": "+81-3-1111-1111", "language": "ja"},
        {"name": "Lead Two", "email": "lead@example.jp", "phone": "+81-3-2222-2222", "language": "en",
         "after_minutes": 10},
    ])
