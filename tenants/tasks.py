"""Celery tasks of tenancy and identities: thin, safe to run twice."""
from __future__ import annotations

from kernel.tasking import platform_task
from tenants.services.login_throttle import login_throttle_purge


@platform_task(name="tenants.login_throttle_purge")
def purge_login_throttle() -> int:
    """Beat, nightly: password-login counters whose window ended a day ago go."""
    return login_throttle_purge()
