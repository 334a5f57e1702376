"""Sending outbox rows to the broker: at once after a commit, and by the relay until they are sent.

Rows are claimed with `SELECT … FOR UPDATE SKIP LOCKED`, so two relays (or a relay and a web
process sending its own rows right after commit) never take the same row; a row is marked sent
in the transaction that claimed it. A crash between the broker's acknowledgement and that commit
sends the row again: delivery is at least once, and every consumer is idempotent (mail receipts).

A failure to reach the broker puts the row back with exponential backoff and never parks it (the
message is not at fault). A row whose municipality no longer exists is retried the same way and
parked after `OUTBOX_MAX_ATTEMPTS`, where the monitor shows it and an operator can requeue it.
"""
from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_tenant_model
from kombu.exceptions import OperationalError as BrokerError

from kernel.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerError, ConnectionError, OSError, TimeoutError)
SCHEMA_HEADER = "_schema_name"
OUTBOX_HEADER = "outbox_id"


@dataclass
class RelayReport:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    parked: int = 0
    broker_error: str = ""
    sent_ids: list[int] = field(default_factory=list)


_loading = threading.Lock()


def registered_task(name: str) -> Task:
    """The task of this name; the apps' task modules are loaded on first use (web processes never
    load them otherwise), by one thread at a time: Celery's loader returns at once to a second
    thread while the first is still importing. An unknown name fails here, loudly."""
    if name not in current_app.tasks:
        with _loading:
            if name not in current_app.tasks:
                current_app.loader.import_default_modules()
    return current_app.tasks[name]


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds up to OUTBOX_MAX_BACKOFF_SECONDS, with a little jitter so relays spread out."""
    ceiling = settings.OUTBOX_MAX_BACKOFF_SECONDS
    seconds = min(2 ** max(attempts, 1), ceiling)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))


def _publish(message: OutboxMessage, *, retry: bool) -> None:
    options = {"headers": {SCHEMA_HEADER: message.schema_name, OUTBOX_HEADER: message.pk,
                           "outbox_attempts": message.attempts}}
    if not retry:  # right after a commit, inside a request: one try, the relay does the rest
        options["retry"] = False
    registered_task(message.task_name).apply_async(args=message.args, kwargs=message.kwargs, **options)


def outbox_relay(*, limit: int = 200, ids: list[int] | None = None, retry: bool = True,
                 now: datetime | None = None) -> RelayReport:
    """Send due pending rows (or only `ids`) to the broker; one transaction, rows locked while sent."""
    now = now or timezone.now()
    report = RelayReport()
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            state=OutboxMessage.State.PENDING, available_at__lte=now)
        if ids is not None:
            due = due.filter(pk__in=ids)
        batch = list(due.order_by("id")[:limit])
        report.claimed = len(batch)
        if not batch:
            return report
        cities = set(get_tenant_model().objects.filter(schema_name__in={m.schema_name for m in batch})
                     .values_list("schema_name", flat=True))
        changed = []
        for message in batch:
            if report.broker_error:
                break  # the broker is gone: the rest stay pending as they are, for the next round
            if message.schema_name not in cities:
                _fail(message, f"municipality {message.schema_name!r} does not exist", now, report, may_park=True)
                changed.append(message)
                continue
            try:
                _publish(message, retry=retry)
            except BROKER_ERRORS as error:
                report.broker_error = f"{type(error).__name__}: {error}"
                _fail(message, report.broker_error, now, report, may_park=False)
            except Exception as error:  # unknown task, unserialisable arguments: the message is at fault
                logger.exception("outbox message %s cannot be sent", message.pk)
                _fail(message, f"{type(error).__name__}: {error}", now, report, may_park=True)
            else:
                message.state = OutboxMessage.State.SENT
                message.sent_at = now
                message.attempts += 1
                report.sent += 1
                report.sent_ids.append(message.pk)
            changed.append(message)
        OutboxMessage.objects.bulk_update(changed, ["state", "sent_at", "attempts", "available_at", "last_error"])
    if report.broker_error:
        logger.warning("broker unreachable, %s message(s) wait in the outbox: %s",
                       report.claimed - report.sent, report.broker_error)
    return report


def _fail(message: OutboxMessage, error: str, now: datetime, report: RelayReport, *, may_park: bool) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    if may_park and message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.state = OutboxMessage.State.PARKED
        report.parked += 1
        logger.error("outbox message %s parked after %s attempts: %s", message.pk, message.attempts, error)
    else:
        message.available_at = now + backoff(message.attempts)
        report.deferred += 1


def outbox_dispatch(ids: list[int]) -> None:
    """Right after the commit that wrote `ids`: try once to send them; never raise (the relay retries)."""
    try:
        outbox_relay(ids=ids, retry=False)
    except Exception:  # the request that wrote them has committed and must succeed
        logger.exception("immediate send of outbox messages %s failed; the relay will send them", ids)


def outbox_retry_later(*, task_name: str, schema_name: str, args, kwargs, error: str, attempts: int) -> OutboxMessage:
    """A task reached a worker but cannot run there now (its municipality is missing): back into the
    outbox, to be retried with backoff and parked visibly if it never can."""
    now = timezone.now()
    message = OutboxMessage(schema_name=schema_name, task_name=task_name, args=list(args or []),
                            kwargs=dict(kwargs or {}), attempts=attempts, last_error=error[:2000])
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.state = OutboxMessage.State.PARKED
    else:
        message.available_at = now + backoff(attempts)
    message.save()
    return message


def outbox_requeue(*, ids: list[int] | None = None) -> int:
    """An operator's decision: parked rows (all, or `ids`) are pending again, due now, attempts reset."""
    parked = OutboxMessage.objects.filter(state=OutboxMessage.State.PARKED)
    if ids is not None:
        parked = parked.filter(pk__in=ids)
    return parked.update(state=OutboxMessage.State.PENDING, attempts=0, available_at=timezone.now())


def outbox_purge(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Forget rows sent long ago (parked rows stay until someone requeues or deletes them)."""
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxMessage.objects.filter(state=OutboxMessage.State.SENT, sent_at__lt=cutoff).delete()
    return deleted
