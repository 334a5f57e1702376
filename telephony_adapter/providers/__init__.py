"""Phone providers behind one small interface of our own (`base.Provider`).

`configured_provider()` is the provider of the settings (`TELEPHONY_PROVIDER`);
`validate_provider_request(request)` checks the signature of a webhook request for it — the
alerting engine calls it for the digit it gathers on an outbound call.
"""
from __future__ import annotations

from django.conf import settings

from .base import Provider
from .connect import ConnectProvider
from .twilio import TwilioProvider

PROVIDERS: dict[str, type[Provider]] = {TwilioProvider.name: TwilioProvider, ConnectProvider.name: ConnectProvider}


def provider_named(name: str) -> Provider:
    return PROVIDERS[name]()


def configured_provider() -> Provider:
    return provider_named(settings.TELEPHONY_PROVIDER)


def validate_provider_request(request) -> bool:
    """Whether `request` carries a valid signature of the configured provider (False when absent)."""
    return configured_provider().validate(request)


__all__ = ["PROVIDERS", "Provider", "configured_provider", "provider_named", "validate_provider_request"]
