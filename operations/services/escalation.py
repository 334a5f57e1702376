"""Calling the people responsible until one of them answers (SEC-4).

Every open incident is escalated to the platform's policy and to each city policy concerned (the
incident's city, or every city that wants to hear of platform-wide incidents). An escalation calls
in rounds: each round mails and/or phones every contact whose `after_minutes` have passed since
the incident opened; the next round comes `repeat_minutes` later, and so on until someone of that
policy acknowledges (mail link, phone key, console) or the incident is resolved. Once resolved,
the people who were called hear so by mail.

Due escalations are claimed with SKIP LOCKED and their next round is set in the same transaction,
so two monitors never call the same round twice.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from operations.channels import mail_alert, phone_alert
from operations.models import Escalation, EscalationPolicy, Incident, Notification, OnCallContact
from operations.services.incidents import incident_acknowledge
from tenants.selectors import dangerously_active_cities

logger = logging.getLogger(__name__)


def _city_names() -> dict[str, str]:
    return dict(dangerously_active_cities().values_list("schema_name", "name"))


def escalations_start(*, now: dt.datetime) -> int:
    """An escalation for every open incident and every policy concerned that has none yet."""
    started = 0
    open_incidents = list(Incident.objects.filter(resolved_at__isnull=True))
    if not open_incidents:
        return 0
    active = set(dangerously_active_cities().values_list("schema_name", flat=True))
    policies = list(EscalationPolicy.objects.all())
    for incident in open_incidents:
        for policy in policies:
            concerned = (policy.scope == "" or policy.scope == incident.scope
                         or (incident.scope == "" and policy.include_platform_incidents and policy.scope in active))
            if concerned:
                _, created = Escalation.objects.get_or_create(
                    incident=incident, policy=policy, defaults={"started_at": now, "next_round_at": now})
                started += created
    return started


def escalations_run(*, now: dt.datetime | None = None) -> int:
    """Start escalations, call the rounds that are due, announce resolutions; returns notifications sent."""
    now = now or timezone.now()
    escalations_start(now=now)
    city_names = _city_names()
    sent = 0
    while True:
        with transaction.atomic():
            escalation = (Escalation.objects.select_for_update(skip_locked=True, of=("self",))
                          .select_related("incident", "policy")
                          .filter(Q(acknowledged_at__isnull=True, incident__resolved_at__isnull=True,
                                    next_round_at__lte=now, closed_at__isnull=True)
                                  | Q(incident__resolved_at__isnull=False, closed_at__isnull=True))
                          .order_by("next_round_at").first())
            if escalation is None:
                return sent
            if escalation.incident.resolved_at is not None:
                sent += _announce_resolution(escalation, now, city_names)
                escalation.closed_at = now
                escalation.save(update_fields=["closed_at"])
            else:
                sent += _call_round(escalation, now, city_names)


def _call_round(escalation: Escalation, now: dt.datetime, city_names: dict[str, str]) -> int:
    escalation.rounds += 1
    elapsed = (now - escalation.incident.opened_at).total_seconds() / 60
    contacts = [contact for contact in escalation.policy.contacts.all() if contact.after_minutes <= max(elapsed, 0)]
    sent = 0
    for contact in contacts:
        if contact.by_mail and contact.email:
            sent += _notify(escalation, contact, Notification.Channel.MAIL, now, city_names)
        if contact.by_phone and contact.phone:
            sent += _notify(escalation, contact, Notification.Channel.PHONE, now, city_names)
    escalation.next_round_at = now + dt.timedelta(minutes=escalation.policy.repeat_minutes)
    escalation.save(update_fields=["rounds", "next_round_at"])
    logger.warning("incident %s, %s: round %s to %s contact(s)", escalation.incident_id, escalation.policy,
                   escalation.rounds, len(contacts))
    return sent


def _notify(escalation: Escalation, contact: OnCallContact, channel: str, now: dt.datetime,
            city_names: dict[str, str]) -> int:
    notification = Notification(escalation=escalation, contact=contact, round=escalation.rounds, channel=channel,
                                created_at=now)
    try:
        if channel == Notification.Channel.MAIL:
            mail_alert(contact=contact, escalation=escalation, kind="alert", round_number=escalation.rounds,
                       city_names=city_names)
        else:
            notification.reference = str(phone_alert(contact=contact, escalation=escalation,
                                                     round_number=escalation.rounds, city_names=city_names))[:100]
    except ModuleNotFoundError as error:  # no telephony adapter on this machine: recorded, said once a round
        logger.warning("alert to %s by %s not possible: %s", contact, channel, error)
        notification.delivered, notification.error = False, f"{type(error).__name__}: {error}"[:2000]
    except Exception as error:  # noqa: BLE001 - a failed channel is recorded; the next round tries again
        logger.exception("alert to %s by %s failed", contact, channel)
        notification.delivered, notification.error = False, f"{type(error).__name__}: {error}"[:2000]
    notification.save()
    return int(notification.delivered)


def _announce_resolution(escalation: Escalation, now: dt.datetime, city_names: dict[str, str]) -> int:
    called = OnCallContact.objects.filter(
        pk__in=escalation.notifications.filter(kind="alert").values("contact_id")).exclude(email="")
    sent = 0
    for contact in called:
        notification = Notification(escalation=escalation, contact=contact, round=escalation.rounds,
                                    channel=Notification.Channel.MAIL, kind="resolved", created_at=now)
        try:
            mail_alert(contact=contact, escalation=escalation, kind="resolved", round_number=escalation.rounds,
                       city_names=city_names)
        except Exception as error:  # noqa: BLE001
            notification.delivered, notification.error = False, f"{type(error).__name__}: {error}"[:2000]
        notification.save()
        sent += int(notification.delivered)
    return sent


def escalation_acknowledge_by_token(*, escalation_id: int, contact_id: int, via: str) -> Escalation | None:
    """The contact answered (mail link or phone key): their escalation stops."""
    escalation = Escalation.objects.select_related("incident").filter(pk=escalation_id).first()
    if escalation is None:
        return None
    contact = OnCallContact.objects.filter(pk=contact_id, policy_id=escalation.policy_id).first()
    if contact is None:
        return None
    incident_acknowledge(incident=escalation.incident, by=contact.name, via=via, escalation=escalation,
                         contact=contact)
    escalation.refresh_from_db()
    return escalation


def policy_set(*, scope: str, repeat_minutes: int, contacts: list[dict],
               include_platform_incidents: bool = True) -> EscalationPolicy:
    """Replace a policy's contacts (platform: scope '', a city: its schema)."""
    with transaction.atomic():
        policy, _ = EscalationPolicy.objects.update_or_create(
            scope=scope, defaults={"repeat_minutes": repeat_minutes,
                                   "include_platform_incidents": include_platform_incidents})
        policy.contacts.all().delete()
        for position, contact in enumerate(contacts, start=1):
            OnCallContact.objects.create(policy=policy, position=position, **contact)
    return policy
