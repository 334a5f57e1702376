"""Incidents from check results, and what people do with them: acknowledge, post an update, resolve.

A check must fail `OPERATIONS_FAIL_AFTER` times in a row to open an incident and pass
`OPERATIONS_PASS_AFTER` times in a row to resolve it, so one slow answer pages nobody and one
good answer closes nothing. Two monitors may run: the check's state row is locked while it is
updated, and the database allows one open incident per check and scope.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from operations.checks import SPECS, CheckResult
from operations.models import CheckState, Escalation, Incident, IncidentUpdate, UpdateStatus

logger = logging.getLogger(__name__)


class IncidentClosedError(Exception):
    pass


def checks_record(results: list[CheckResult], *, now: dt.datetime | None = None) -> list[Incident]:
    """Record each result; open or resolve incidents where the run of results says so. Returns the
    incidents opened or resolved by this call."""
    now = now or timezone.now()
    changed = []
    for result in results:
        with transaction.atomic():
            state, _ = CheckState.objects.select_for_update().get_or_create(
                check_name=result.check_name, scope=result.scope)
            state.ok, state.detail, state.checked_at = result.ok, result.detail[:4000], now
            if result.ok is True:
                state.passes, state.failures = state.passes + 1, 0
            elif result.ok is False:
                state.failures, state.passes = state.failures + 1, 0
            state.save()
            incident = Incident.objects.filter(check_name=result.check_name, scope=result.scope,
                                               resolved_at__isnull=True).first()
            if result.ok is False and incident is None and state.failures >= settings.OPERATIONS_FAIL_AFTER:
                incident = _open(result, now)
                if incident is not None:
                    changed.append(incident)
            elif incident is not None:
                _follow(incident, result, state, now)
                if incident.resolved_at is not None:
                    changed.append(incident)
    return changed


def _open(result: CheckResult, now: dt.datetime) -> Incident | None:
    spec = SPECS[result.check_name]
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                check_name=result.check_name, scope=result.scope, component=spec.component, severity=spec.severity,
                detail=result.detail, opened_at=now, progress_total=result.waiting or None,
                progress_done=0 if result.waiting else None)
    except IntegrityError:  # another monitor opened it a moment ago
        return None
    IncidentUpdate.objects.create(incident=incident, created_at=now, status=UpdateStatus.INVESTIGATING,
                                  message_key="detected")
    logger.error("incident %s opened: %s %s", incident.pk, result.check_name, result.detail)
    return incident


def _follow(incident: Incident, result: CheckResult, state: CheckState, now: dt.datetime) -> None:
    fields = []
    if result.detail and result.ok is False:
        incident.detail = result.detail
        fields.append("detail")
    if result.waiting is not None and incident.progress_total is not None:
        total = max(incident.progress_total, (incident.progress_done or 0) + result.waiting)
        incident.progress_total, incident.progress_done = total, total - result.waiting
        fields += ["progress_total", "progress_done"]
    if result.ok is True and state.passes == 1:
        IncidentUpdate.objects.create(incident=incident, created_at=now, status=UpdateStatus.MONITORING,
                                      message_key="recovering")
    if result.ok is True and state.passes >= settings.OPERATIONS_PASS_AFTER:
        incident.resolved_at = now
        if incident.progress_total is not None:
            incident.progress_done = incident.progress_total
        fields += ["resolved_at", "progress_done"]
        IncidentUpdate.objects.create(incident=incident, created_at=now, status=UpdateStatus.RESOLVED,
                                      message_key="recovered")
        logger.warning("incident %s resolved: %s works again", incident.pk, result.check_name)
    if fields:
        incident.save(update_fields=sorted(set(fields)))


def incident_acknowledge(*, incident: Incident, by: str, via: str, escalation: Escalation | None = None,
                         contact=None, now: dt.datetime | None = None) -> Incident:
    """Someone answered: their escalation stops calling (all of them when acknowledged in the console)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        pending = Escalation.objects.filter(incident=locked, acknowledged_at__isnull=True)
        if escalation is not None:
            pending = pending.filter(pk=escalation.pk)
        pending.update(acknowledged_at=now, acknowledged_by=contact, acknowledged_via=via)
        if locked.acknowledged_at is None:
            locked.acknowledged_at, locked.acknowledged_by, locked.acknowledged_via = now, by[:150], via
            locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_via"])
            if locked.resolved_at is None:
                IncidentUpdate.objects.create(incident=locked, created_at=now, status=UpdateStatus.IDENTIFIED,
                                              message_key="acknowledged")
    logger.warning("incident %s acknowledged by %s via %s", locked.pk, by, via)
    return locked


def incident_post_update(*, incident: Incident, status: str, text: str, author: str) -> IncidentUpdate:
    if incident.resolved_at is not None:
        raise IncidentClosedError()
    return IncidentUpdate.objects.create(incident=incident, status=status, text=text.strip(), author=author[:150])


def incident_resolve(*, incident: Incident, by: str, text: str = "", now: dt.datetime | None = None) -> Incident:
    """A person closes the incident (a check that keeps failing opens a new one)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.resolved_at is not None:
            raise IncidentClosedError()
        locked.resolved_at, locked.resolved_by = now, by[:150]
        if locked.progress_total is not None:
            locked.progress_done = locked.progress_total
        locked.save(update_fields=["resolved_at", "resolved_by", "progress_done"])
        IncidentUpdate.objects.create(incident=locked, created_at=now, status=UpdateStatus.RESOLVED,
                                      text=text.strip(), message_key="" if text.strip() else "recovered",
                                      author=by[:150])
    return locked
