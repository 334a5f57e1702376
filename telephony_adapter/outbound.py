"""Outbound calls through the provider adapter (the alerting engine calls people who must acknowledge)."""
from __future__ import annotations

from telephony_adapter.providers import configured_provider
from telephony_adapter.providers.base import Gather, OutboundCall, Say


def call_out(*, to: str, say: str, language: str, gather_action_url: str, reference: str) -> str:
    """Call `to`, say `say` in `language`, gather one keypad digit posted to `gather_action_url`.

    Returns the provider's call id. The gather posts back signed by the provider: check it there
    with `telephony_adapter.providers.validate_provider_request(request)`.
    """
    prompt = Say(say, language)
    gather = Gather(prompts=(prompt,), then=gather_action_url, language=language, num_digits=1, timeout=10)
    return configured_provider().place_call(OutboundCall(to=to, actions=[gather], reference=reference))
