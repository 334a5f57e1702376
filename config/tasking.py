"""Tasks that know their municipality, and the one helper that enqueues side effects on commit.

tenant-schemas-celery stamps the current schema into each message and switches to it in the
worker. A task that belongs to a municipality must never run in the public schema: the
MunicipalityTask base refuses to run when no schema came with the message.
"""
from __future__ import annotations

from celery import Task
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask

from config.celery import app


class MissingMunicipalityError(RuntimeError):
    """A municipality task was sent or ran without a municipality's schema."""


class MunicipalityTask(TenantTask):
    abstract = True

    def __call__(self, *args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            raise MissingMunicipalityError(
                f"task {self.name} ran in the public schema; it must be sent inside a municipality"
            )
        return super().__call__(*args, **kwargs)


def municipality_task(*args, **options):
    """Decorator for tasks that run inside one municipality's schema."""
    options.setdefault("base", MunicipalityTask)
    return app.task(*args, **options)


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Send `task` once the current transaction commits, in the schema that is current now.

    The schema is captured at call time and sent explicitly, so a callback that fires after the
    tenant context was left still runs the task in the right municipality.
    """
    schema = connection.schema_name
    if isinstance(task, MunicipalityTask) and schema == get_public_schema_name():
        raise MissingMunicipalityError(f"{task.name} enqueued outside a municipality")

    def send() -> None:
        task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema})

    transaction.on_commit(send, robust=False)
