"""A city's own call-centre records (CC-1, CC-5…CC-7, CC-13): calls, IVR sessions, call-backs,
complaints, escalations, the referral directory, hours and alerts. Routing state shared between
cities (dialled numbers, presence, the queue) is in `telephony_adapter.routing`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.languages import TranslatedText


def _default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class CallCentreSettings(models.Model):
    """The city's call-centre policy (one row): hours (CC-1), overflow wait (CC-11), answer-rate target (CC-2)."""

    opens_at = models.TimeField(_("lines open at"), default=dt.time(8, 30))
    closes_at = models.TimeField(_("lines close at"), default=dt.time(17, 30))
    open_weekdays = ArrayField(models.PositiveSmallIntegerField(), default=_default_weekdays,
                               verbose_name="open on weekdays (0 = Monday)")
    closed_year_end = models.BooleanField(_("closed 29 December – 3 January"), default=True)
    closed_on_holidays = models.BooleanField(_("closed on national holidays"), default=True)
    max_queue_wait_seconds = models.PositiveIntegerField(
        _("a waiting caller is offered the automated menu after this many seconds"), default=120)
    answer_rate_target = models.DecimalField(_("answer-rate target"), max_digits=4, decimal_places=3,
                                             default=Decimal("0.900"))
    alert_min_calls = models.PositiveSmallIntegerField(
        _("alert only when the last hour had at least this many calls"), default=5)
    booking_script = models.JSONField(
        "what operators read out after a booking, by language", default=dict, blank=True,
        help_text="Read after the time, the place and what to bring (CC-4).")

    class Meta:
        verbose_name = "call-centre settings"
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")),
                                   name="call_centre_opens_before_closing"),
            models.CheckConstraint(condition=Q(answer_rate_target__gt=0, answer_rate_target__lte=1),
                                   name="answer_rate_target_valid"),
        ]

    def script_in(self, language: str):
        return TranslatedText(self.booking_script).resolve(language)


class CallCentreDay(models.Model):
    """A date on which the lines differ from the rule: closed, or open (with these hours)."""

    date = models.DateField(unique=True)
    is_open = models.BooleanField(default=False)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "call-centre day"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_open=False) | Q(opens_at__isnull=False, closes_at__isnull=False,
                                               opens_at__lt=models.F("closes_at")),
                name="open_call_centre_day_has_hours"),
        ]


class EndReason(models.TextChoices):
    OPERATOR = "operator", _("Handled by an operator")
    SELF_SERVICE = "self_service", _("Handled in the automated menu")
    AFTER_HOURS = "after_hours", _("After hours")
    ABANDONED = "abandoned", _("Caller hung up while waiting")
    OVERFLOW = "overflow", _("Sent to the automated menu after waiting")
    TRANSFERRED = "transferred", _("Transferred to the ward office")
    NOT_ANSWERED = "not_answered", _("Ended before an operator answered")


class Outcome(models.TextChoices):
    BOOKED = "booked", _("Booking made")
    CHANGED = "changed", _("Booking moved")
    CANCELLED = "cancelled", _("Booking cancelled")
    ENQUIRY = "enquiry", _("Enquiry answered")
    UNLOCKED = "unlocked", _("Notice unlocked")
    ESCALATED = "escalated", _("Escalated to the ward office")
    REFERRED = "referred", _("Referred elsewhere")
    COMPLAINT = "complaint", _("Complaint recorded")
    CALLBACK = "callback", _("Call-back arranged")
    WRONG_NUMBER = "wrong_number", _("Wrong number or silent call")
    OTHER = "other", _("Other")


class CallRecord(models.Model):
    """One phone call to the city, from ringing to its outcome (the monthly report's cases, CC-7)."""

    provider = models.CharField(max_length=16)
    call_id = models.CharField(max_length=64)
    caller_number = models.CharField(max_length=32, blank=True)
    dialled_number = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=8, default="ja")
    started_at = models.DateTimeField(db_index=True)
    in_hours = models.BooleanField(default=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    wrapped_up_at = models.DateTimeField(null=True, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                 db_constraint=False, related_name="+")
    operator_label = models.CharField(max_length=150, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(max_length=500, blank=True)
    notice = models.ForeignKey("booking.Notice", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="calls")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "call"
        constraints = [
            models.UniqueConstraint(fields=["provider", "call_id"], name="one_record_per_call"),
            models.CheckConstraint(condition=Q(end_reason="") | Q(end_reason__in=EndReason.values),
                                   name="call_end_reason_valid"),
            models.CheckConstraint(condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="call_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.call_id}"

    @property
    def waited_seconds(self) -> int | None:
        if self.enqueued_at is None:
            return None
        until = self.answered_at or self.ended_at
        return int((until - self.enqueued_at).total_seconds()) if until else None

    @property
    def handle_seconds(self) -> int | None:
        if self.answered_at is None or self.ended_at is None:
            return None
        return int(((self.wrapped_up_at or self.ended_at) - self.answered_at).total_seconds())


class IvrSession(models.Model):
    """Where a caller is in the automated menu (CC-11, CC-13): the menu, the step, who logged in."""

    call = models.OneToOneField(CallRecord, on_delete=models.CASCADE, related_name="ivr")
    menu = models.CharField(max_length=24, default="language")
    step = models.PositiveIntegerField(default=0)
    notice = models.ForeignKey("booking.Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    number_digits = models.CharField(max_length=200, blank=True)
    day_digits = models.CharField(max_length=4, blank=True)
    offered_slot_ids = models.JSONField(default=list, blank=True)
    retries = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class Callback(models.Model):
    """A caller asked to be called back (CC-13)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To call back")
        DONE = "done", _("Called back")
        UNREACHABLE = "unreachable", _("Could not be reached")

    call = models.ForeignKey(CallRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks")
    number = models.CharField(max_length=32)
    language = models.CharField(max_length=8, default="ja")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = "call-back"


class Complaint(models.Model):
    """A complaint, its category and how it is being handled (CC-6); the city is told at once."""

    class Category(models.TextChoices):
        OPERATOR = "operator", _("Operator's guidance or manner")
        WAITING = "waiting", _("Waiting time or unreachable line")
        BOOKING = "booking", _("Booking or its rules")
        COUNTER = "counter", _("Service at the counter")
        WEBSITE = "website", _("Website")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")

    call = models.ForeignKey(CallRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints")
    category = models.CharField(max_length=12, choices=Category.choices)
    description = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                    db_constraint=False, related_name="+")
    recorded_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "complaint"
        constraints = [
            models.CheckConstraint(condition=Q(category__in=["operator", "waiting", "booking", "counter", "website",
                                                             "other"]), name="complaint_category_valid"),
            models.CheckConstraint(condition=Q(status__in=["open", "in_progress", "resolved"]),
                                   name="complaint_status_valid"),
        ]


class Escalation(models.Model):
    """A call transferred to the ward office of the caller's address, and why (CC-5)."""

    call = models.ForeignKey(CallRecord, on_delete=models.CASCADE, related_name="escalations")
    ward = models.ForeignKey("booking.Ward", on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey("booking.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    transferred_to = models.CharField(max_length=32, blank=True)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    created_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "escalation"


class Referral(models.Model):
    """An entry of the city's referral directory: a department, the national hotline (CC-5)."""

    name = models.CharField("name (Japanese)", max_length=120)
    names = models.JSONField("names by language", default=dict, blank=True)
    phone = models.CharField(max_length=32)
    hours = models.CharField(max_length=120, blank=True)
    topics = models.CharField("what to refer there", max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "referral"

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return TranslatedText(self.names, fallback=self.name).get(language)


class CallReferral(models.Model):
    """The referral an operator gave on a call."""

    call = models.ForeignKey(CallRecord, on_delete=models.CASCADE, related_name="referrals")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class AnswerRateAlert(models.Model):
    """One alert per city and hour when the last hour's answer rate fell below the target (CC-2)."""

    hour = models.DateTimeField(unique=True)
    offered = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()
    target = models.DecimalField(max_digits=4, decimal_places=3)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-hour"]
