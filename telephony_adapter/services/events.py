"""Provider events in: each processed once, in the schema of the call's city.

A provider retries a webhook it got no answer to, and may send one twice. The event's key (the
call id and what happened at which step) is claimed with one INSERT … ON CONFLICT DO NOTHING in
the transaction that processes it; a retry finds the claim and gets the answer stored with it,
and a retry racing the first request waits for it to commit. Nothing is half-done: a failure
rolls back the claim too, and the provider's next retry processes the event afresh.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from telephony_adapter import prompts
from telephony_adapter.providers.base import CallEvent, EventKind, Hangup, Provider, Rendered
from telephony_adapter.routing.models import ProviderEvent, RejectedRequest
from telephony_adapter.selectors.routing import dangerously_city_for_dialled, route_for_call
from telephony_adapter.services import ivr
from telephony_adapter.services.distribution import route_open

logger = logging.getLogger(__name__)

_CLAIM = """
INSERT INTO {table} (provider, call_id, event, received_at, response_body, content_type)
VALUES (%s, %s, %s, %s, '', '')
ON CONFLICT (provider, call_id, event) DO NOTHING
RETURNING id
"""


def event_process(*, provider: Provider, event: CallEvent, now: dt.datetime | None = None) -> Rendered:
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM.format(table=ProviderEvent._meta.db_table),
                           [provider.name, event.call_id, event.key[:64], now])
            claimed = cursor.fetchone()
        if claimed is None:
            stored = ProviderEvent.objects.get(provider=provider.name, call_id=event.call_id, event=event.key[:64])
            logger.info("provider event %s of %s seen before: answered as then", event.key, event.call_id)
            return Rendered(stored.response_body, stored.content_type)
        rendered = provider.render(_dispatch(provider, event, now))
        ProviderEvent.objects.filter(pk=claimed[0]).update(response_body=rendered.body,
                                                           content_type=rendered.content_type)
    return rendered


def _dispatch(provider: Provider, event: CallEvent, now: dt.datetime) -> list:
    if event.kind == EventKind.INCOMING:
        city = dangerously_city_for_dialled(event.dialled)
        if city is None:
            logger.warning("call %s to %s: no city has this number", event.call_id, event.dialled)
            return [Hangup(prompts=tuple(prompts.unknown_number()))]
        route = route_open(provider=provider.name, call_id=event.call_id, municipality=city, now=now)
        with tenant_context(city):
            return ivr.incoming(provider=provider.name, route=route, event=event, now=now)
    route = route_for_call(provider.name, event.call_id)
    if route is None:
        logger.warning("provider event %s for unknown call %s", event.key, event.call_id)
        return [Hangup()]
    with tenant_context(route.municipality):
        return ivr.on_event(route=route, event=event, now=now)


def request_reject(*, provider: str, path: str, remote_address: str | None, reason: str) -> None:
    """Log a refused webhook (no or a wrong signature): a row to look at and a warning."""
    RejectedRequest.objects.create(provider=provider, path=path[:300], remote_address=remote_address, reason=reason)
    logger.warning("%s webhook %s refused from %s: %s", provider, path, remote_address, reason)
