"""Tasks that know their municipality, and the one helper that enqueues side effects on commit.

tenant-schemas-celery stamps the current schema into each message and switches to it in the
worker. A task that belongs to a municipality must never run in the public schema: the
MunicipalityTask base refuses to run when no schema came with the message.

Tasks are declared with `shared_task`, so this module needs no Celery application (the one in
`config/celery.py` picks them up), and side effects are enqueued by the task's name, so a service
never imports the module that declares its task (which imports the service).
"""
from __future__ import annotations

from celery import Task, current_app, shared_task
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask


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
    return shared_task(*args, **options)


def platform_task(*args, **options):
    """Decorator for tasks of the platform itself (they run in the public schema)."""
    return shared_task(*args, **options)


def enqueue_on_commit(task: Task | str, *args, **kwargs) -> None:
    """Send `task` (a task or its name) once the current transaction commits, in the schema current now.

    Only for side effects of a municipality's writes: called outside a municipality it refuses.
    The schema is captured at call time and sent explicitly, so a callback that fires after the
    tenant context was left still runs the task in the right municipality.
    """
    schema = connection.schema_name
    name = task if isinstance(task, str) else task.name
    if schema == get_public_schema_name():
        raise MissingMunicipalityError(f"{name} enqueued outside a municipality")

    def send() -> None:
        _registered(name).apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema})

    transaction.on_commit(send, robust=False)


def _registered(name: str) -> Task:
    """The task of this name; the apps' task modules are loaded on first use (web processes never
    load them otherwise). An unknown name fails here, loudly."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
