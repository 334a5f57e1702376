"""The phone carrier of the alert drill, faked at the edge of the world: the telephony adapter's two
outbound functions (`call_out`, `validate_provider_request`) writing each call to a file the drill
reads, instead of dialling. The drill's processes name it in OPERATIONS_TELEPHONY_MODULE.
"""
from __future__ import annotations

import json
import os
import time
import uuid


def call_out(*, to: str, say: str, language: str, gather_action_url: str, reference: str) -> str:
    call_id = f"DRILL-{uuid.uuid4().hex[:10]}"
    with open(os.environ["DRILL_CARRIER_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"id": call_id, "at": time.time(), "to": to, "say": say, "language": language,
                              "gather_action_url": gather_action_url, "reference": reference}) + "\n")
    return call_id


def validate_provider_request(request) -> bool:
    return request.headers.get("X-Drill-Carrier") == os.environ.get("DRILL_CARRIER_SECRET", "")
