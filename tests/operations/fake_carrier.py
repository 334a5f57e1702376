"""The phone carrier, faked at the edge of the world: the two functions the telephony adapter offers
(`telephony_adapter.outbound`), recording each call instead of dialling.

The test settings name this module in OPERATIONS_TELEPHONY_MODULE. A provider's request is "signed"
when it carries the header X-Fake-Carrier-Signature: good.
"""
from __future__ import annotations

import itertools

CALLS: list[dict] = []
_ids = itertools.count(1)
SIGNATURE_HEADER = "X-Fake-Carrier-Signature"


def call_out(*, to: str, say: str, language: str, gather_action_url: str, reference: str) -> str:
    call_id = f"CA{next(_ids):06d}"
    CALLS.append({"id": call_id, "to": to, "say": say, "language": language,
                  "gather_action_url": gather_action_url, "reference": reference})
    return call_id


def validate_provider_request(request) -> bool:
    return request.headers.get(SIGNATURE_HEADER) == "good"
