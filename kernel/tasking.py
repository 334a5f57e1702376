"""Tasks that know their municipality, and the one helper that enqueues side effects on commit.

tenant-schemas-celery stamps the current schema into each message and switches to it in the
worker. A task that belongs to a municipality must never run in the public schema: the
MunicipalityTask base refuses to run when no schema came with the message, and a message whose
municipality cannot be found goes back into the outbox (retried, then parked visibly), never
silently dropped.

Side effects go through the transactional outbox (`kernel.outbox`): `enqueue_on_commit` writes a
row in the caller's transaction, so the side effect exists exactly when the write does, and sends
it right after the commit when the broker answers; when it does not, the relay sends it later.
A request never fails because the broker is down.

Tasks are declared with `shared_task`, so this module needs no Celery application (the one in
`config/celery.py` picks them up), and side effects are enqueued by the task's name, so a service
never imports the module that declares its task (which imports the service).
"""
from __future__ import annotations

import logging

from celery import Task, shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask

from kernel.outbox.models import OutboxMessage
from kernel.outbox.relay import SCHEMA_HEADER, outbox_dispatch, outbox_retry_later, registered_task

logger = logging.getLogger(__name__)


class MissingMunicipalityError(RuntimeError):
    """A municipality task was sent or ran without a municipality's schema."""


class UnknownMunicipalityError(MissingMunicipalityError):
    """A municipality task names a schema whose municipality does not exist (now)."""


class MunicipalityTask(TenantTask):
    abstract = True

    @classmethod
    def get_tenant_for_schema(cls, schema_name):
        try:
            return super().get_tenant_for_schema(schema_name)
        except ObjectDoesNotExist:
            # raised inside tenant-schemas-celery's prerun signal, which Celery only logs; the task
            # then starts in the public schema and __call__ below puts the message back
            raise UnknownMunicipalityError(f"no municipality with schema {schema_name!r}") from None

    def __call__(self, *args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            wanted = _requested_schema(self.request)
            if wanted and wanted != get_public_schema_name():
                attempts = int((self.request.headers or {}).get("outbox_attempts") or 0) + 1
                message = outbox_retry_later(task_name=self.name, schema_name=wanted, args=args, kwargs=kwargs,
                                             error=f"municipality {wanted!r} not found by the worker",
                                             attempts=attempts)
                logger.error("task %s for missing municipality %r back in the outbox as %s (%s)",
                             self.name, wanted, message.pk, message.state)
                return None
            raise MissingMunicipalityError(
                f"task {self.name} ran in the public schema; it must be sent inside a municipality"
            )
        return super().__call__(*args, **kwargs)


def _requested_schema(request) -> str | None:
    headers = getattr(request, "headers", None) or {}
    return headers.get(SCHEMA_HEADER) or getattr(request, SCHEMA_HEADER, None)


def municipality_task(*args, **options):
    """Decorator for tasks that run inside one municipality's schema."""
    options.setdefault("base", MunicipalityTask)
    return shared_task(*args, **options)


def platform_task(*args, **options):
    """Decorator for tasks of the platform itself (they run in the public schema)."""
    return shared_task(*args, **options)


def enqueue_on_commit(task: Task | str, *args, **kwargs) -> None:
    """Record `task` (a task or its name) in the outbox, in the current transaction and schema; send it
    once the transaction commits.

    Only for side effects of a municipality's writes: called outside a municipality it refuses.
    The schema is captured at call time and sent explicitly, so the task runs in the right
    municipality whenever and by whomever it is sent. Arguments must be JSON (ids and primitives).
    Rolled back with the transaction, the row (and so the side effect) is gone too.
    """
    schema = connection.schema_name
    name = task if isinstance(task, str) else task.name
    if schema == get_public_schema_name():
        raise MissingMunicipalityError(f"{name} enqueued outside a municipality")
    registered_task(name)  # an unknown task fails here, in the writer's transaction, not in the relay
    message = OutboxMessage.objects.create(schema_name=schema, task_name=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: outbox_dispatch([message.pk]), robust=True)

