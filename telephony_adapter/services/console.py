"""What operators do on a call, besides booking (which is `reservation_book` itself): answer and
finish a call with its outcome, escalate to the ward office (CC-5), give a referral, record a
complaint (CC-6) and report it to the city at once, close call-backs."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from booking.models import Channel, Place, Ward
from booking.services.audit import Actor
from kernel.errors import ApplicationError
from kernel.mail import send_templated_mail
from kernel.tasking import enqueue_on_commit
from telephony_adapter import prompts
from telephony_adapter.models import (
    Callback,
    CallCentreDay,
    CallCentreSettings,
    CallRecord,
    CallReferral,
    Complaint,
    EndReason,
    Escalation,
    IvrSession,
    Outcome,
    Referral,
)
from telephony_adapter.providers import provider_named
from telephony_adapter.providers.base import EventKind, Hangup, Next, Resume, Transfer
from telephony_adapter.routing.models import CallRoute, PresenceStatus, RouteStatus
from telephony_adapter.selectors.console import operator_presence
from telephony_adapter.services.calls import call_answered, call_hung_up, call_outcome_set
from tenants.access import dangerously_city_staff_admin_emails
from tenants.selectors import dangerously_municipality

logger = logging.getLogger(__name__)
REPORT_COMPLAINT = "telephony_adapter.report_complaint"


class ConsoleError(ApplicationError):
    default_message = _("This cannot be done on this call.")


def _route_of(user) -> CallRoute | None:
    presence = operator_presence(user)
    if presence is None or not presence.call_id:
        return None
    return CallRoute.objects.filter(call_id=presence.call_id, operator=user).order_by("-created_at").first()


def _record(route: CallRoute) -> CallRecord:
    """In the route's city schema."""
    return CallRecord.objects.get(provider=route.provider, call_id=route.call_id)


def console_answer(*, user, now: dt.datetime | None = None) -> bool:
    """The operator picks up from the console (when their phone does not tell the provider)."""
    route = _route_of(user)
    if route is None or route.status != RouteStatus.OFFERED:
        return False
    with tenant_context(route.municipality):
        return call_answered(route=route, call=_record(route), now=now or timezone.now())


def console_finish(*, user, outcome: str, note: str = "", now: dt.datetime | None = None) -> CallRecord:
    """Close the call on the operator's line with its outcome code; a live call is hung up.

    The operator stays in wrap-up until they say they are ready for the next call.
    """
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise ConsoleError(_("Choose an outcome for this call."), field="outcome")
    route = _route_of(user)
    if route is None:
        raise ConsoleError(_("There is no call on your line."))
    call = _record(route)
    if route.status not in (RouteStatus.ENDED,):
        if route.status == RouteStatus.CONNECTED:
            provider_named(route.provider).update_call(route.call_id, [Hangup()])
        call = call_hung_up(route=route, call=call, now=now)
    return call_outcome_set(call=call, outcome=outcome, note=note, now=now)


def call_link_notice(*, call: CallRecord, notice) -> None:
    """The notice the caller is about (the monthly report lists the case with it)."""
    CallRecord.objects.filter(pk=call.pk).update(notice=notice)


def escalation_record(*, user, call: CallRecord, ward: Ward, reason: str,
                      now: dt.datetime | None = None) -> Escalation:
    """Transfer the call to the ward office of the caller's address, with the reason (CC-5)."""
    reason = (reason or "").strip()
    if not reason:
        raise ConsoleError(_("Write why the call is escalated."), field="reason")
    place = ward.default_places.filter(is_active=True, kind=Place.Kind.WARD_OFFICE).first() \
        or ward.default_places.filter(is_active=True).first()
    number = (place.phone if place else "") or ""
    with transaction.atomic():
        escalation = Escalation.objects.create(call=call, ward=ward, place=place, transferred_to=number,
                                               reason=reason[:2000], created_by=user,
                                               created_by_label=user.get_username())
        CallRecord.objects.filter(pk=call.pk).update(end_reason=EndReason.TRANSFERRED, outcome=Outcome.ESCALATED,
                                                     outcome_note=reason[:500])
    route = CallRoute.objects.filter(provider=call.provider, call_id=call.call_id).first()
    if number and route is not None and route.status == RouteStatus.CONNECTED:
        provider_named(call.provider).update_call(
            call.call_id, [Transfer(number=number, prompts=tuple(prompts.transferring(call.language)))])
    return escalation


def referral_give(*, user, call: CallRecord, referral: Referral) -> CallReferral:
    with transaction.atomic():
        given = CallReferral.objects.create(call=call, referral=referral, created_by=user)
        CallRecord.objects.filter(pk=call.pk, outcome="").update(outcome=Outcome.REFERRED)
    return given


def complaint_record(*, user, call: CallRecord | None, category: str, description: str) -> Complaint:
    """Record a complaint and report it to the city at once (mail on commit, CC-6)."""
    description = (description or "").strip()
    if category not in Complaint.Category.values:
        raise ConsoleError(_("Choose a category."), field="category")
    if not description:
        raise ConsoleError(_("Describe the complaint."), field="description")
    with transaction.atomic():
        complaint = Complaint.objects.create(call=call, category=category, description=description[:5000],
                                             recorded_by=user, recorded_by_label=user.get_username())
        if call is not None:
            CallRecord.objects.filter(pk=call.pk, outcome="").update(outcome=Outcome.COMPLAINT)
        enqueue_on_commit(REPORT_COMPLAINT, complaint.pk)
    return complaint


def complaint_update(*, complaint: Complaint, status: str, resolution: str = "") -> Complaint:
    if status not in Complaint.Status.values:
        raise ConsoleError(_("Choose a handling status."), field="status")
    complaint.status = status
    if resolution:
        complaint.resolution = resolution[:5000]
    complaint.save(update_fields=["status", "resolution", "updated_at"])
    return complaint


def complaint_report_send(*, complaint_id: int) -> bool:
    """Mail the complaint to the city's contact (or its staff administrators); once."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id, reported_at__isnull=True).first()
        if complaint is None:
            return False
        city = dangerously_municipality(connection.schema_name)  # fresh: the worker may cache tenants
        to = [city.contact_email] if city.contact_email else dangerously_city_staff_admin_emails(city)
        if not to:
            logger.warning("complaint %s: city %s has no contact address", complaint_id, city.schema_name)
            return False
        send_templated_mail(to=to, template="telephony_adapter/mail/complaint",
                            context={"complaint": complaint, "city": city}, language="ja")
        complaint.reported_at = timezone.now()
        complaint.save(update_fields=["reported_at"])
    return True


def callback_close(*, user, callback: Callback, status: str, note: str = "") -> Callback:
    if status not in (Callback.Status.DONE, Callback.Status.UNREACHABLE):
        raise ConsoleError(_("Choose how the call-back went."), field="status")
    callback.status, callback.note = status, note[:300]
    callback.handled_by, callback.handled_at = user, timezone.now()
    callback.save(update_fields=["status", "note", "handled_by", "handled_at"])
    return callback


def referral_save(*, referral: Referral | None, name: str, phone: str, topics: str = "", hours: str = "",
                  sort_order: int = 0) -> Referral:
    referral = referral or Referral()
    referral.name, referral.phone, referral.topics, referral.hours = name.strip(), phone.strip(), topics, hours
    referral.sort_order = sort_order
    if not referral.name or not referral.phone:
        raise ConsoleError(_("A referral needs a name and a phone number."))
    referral.save()
    return referral


def referral_retire(*, referral: Referral) -> None:
    Referral.objects.filter(pk=referral.pk).update(is_active=False)


def settings_save(*, values: dict) -> CallCentreSettings:
    """Save the city's call-centre settings (hours, overflow wait, target, script)."""
    policy = CallCentreSettings.objects.first() or CallCentreSettings()
    for field, value in values.items():
        setattr(policy, field, value)
    policy.full_clean()
    policy.save()
    return policy


def day_set(*, date: dt.date, is_open: bool, opens_at=None, closes_at=None, note: str = "") -> CallCentreDay:
    day, _created = CallCentreDay.objects.update_or_create(
        date=date, defaults={"is_open": is_open, "opens_at": opens_at if is_open else None,
                             "closes_at": closes_at if is_open else None, "note": note[:200]})
    return day


def day_remove(*, date: dt.date) -> None:
    CallCentreDay.objects.filter(date=date).delete()


def presence_label(status: str) -> str:
    return dict(PresenceStatus.choices).get(status, status)


def operator_actor(user):
    """An operator acting on the phone channel (the audit trail's who and how)."""
    return Actor.for_user(user, channel=Channel.PHONE)


def call_outcome_note(*, call: CallRecord, outcome: str) -> None:
    """What the operator did, as the call's outcome until they close the call with their own choice."""
    CallRecord.objects.filter(pk=call.pk).update(outcome=outcome)


def channel_choices():
    return Channel.choices


def call_resume(*, route: CallRoute) -> bool:
    """An operator took a waiting call: the provider fetches the caller's next queue step now instead
    of at the end of the caller's pause, so the bridge starts at once. Needs the public webhook
    address (TELEPHONY_WEBHOOK_BASE_URL); without it the caller's own next poll bridges the call."""
    if route.provider == "twilio" and not settings.TELEPHONY_WEBHOOK_BASE_URL:
        return False
    session = IvrSession.objects.filter(call__provider=route.provider, call__call_id=route.call_id).first()
    if session is None:
        return False
    provider_named(route.provider).update_call(route.call_id, [Resume(Next(EventKind.WAIT, session.step))])
    return True


def outcome_choices():
    return Outcome.choices
