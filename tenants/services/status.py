"""Suspending and reactivating a municipality's sites."""
from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kernel.errors import ApplicationError
from tenants.models import Municipality
from tenants.selectors import municipality_host_cache_clear
from tenants.services.audit import platform_audit_record

logger = logging.getLogger(__name__)


def municipality_set_status(*, municipality: Municipality, status: str, reason: str = "", actor=None) -> Municipality:
    if municipality.kind != Municipality.Kind.CITY:
        raise ApplicationError(_("Only municipalities can be suspended or reactivated."))
    if status not in Municipality.Status.values:
        raise ApplicationError(_("Unknown status."))
    with transaction.atomic():
        locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
        previous = locked.status
        locked.status = status
        locked.suspended_reason = reason.strip() if status == Municipality.Status.SUSPENDED else ""
        locked.save(update_fields=["status", "suspended_reason"])
        platform_audit_record(actor=actor, action="municipality.status", municipality=locked,
                              changes={"status": [previous, status]}, reason=reason.strip())
        transaction.on_commit(municipality_host_cache_clear)
    logger.info("municipality %s set to %s by %s", locked.schema_name, status, getattr(actor, "username", "system"))
    return locked
