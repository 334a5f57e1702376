"""Security events of the staff surface (SEC-8): logged AND kept where the city's staff_admin reads them.

A refused request is recorded as a `StaffAccessEntry` with a `refused_*` action rather than in a
table of its own: the entry already holds who, when, what and from which address, and the audit
page the staff_admin reads lists these entries, so refusals and accesses are one trail.
"""
from __future__ import annotations

import logging

from django.db import connection

from kernel.network import client_address
from lgwan_access.services.access_log import access_record

security_log = logging.getLogger("madoguchi.security")


def security_event_record(request, action: str, **details) -> None:
    """Log a refusal on `madoguchi.security` and keep it in the city's staff access log."""
    user = getattr(request, "user", None)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    security_log.warning("staff surface refused (%s): path=%s address=%s user=%s tenant=%s", action,
                         request.path, client_address(request), user_id, connection.schema_name)
    tenant = getattr(request, "tenant", None)
    if tenant is None or getattr(tenant, "kind", None) != "city" or connection.schema_name != tenant.schema_name:
        return
    access_record(request, action, request.path, method=request.method, **details)

