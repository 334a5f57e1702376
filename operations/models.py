"""Incidents, their updates, who is called about them and how (public schema)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Component(models.TextChoices):
    """What the status page shows, in the words of the people who use it."""

    BOOKING_SITE = "booking_site", _("Online booking")
    MAIL = "mail", _("Confirmation mails and reminders")
    DATABASE = "database", _("Booking data")
    PLATFORM = "platform", _("Servers")


class Severity(models.TextChoices):
    MINOR = "minor", _("Degraded performance")
    MAJOR = "major", _("Outage")


class CheckState(models.Model):
    """The last result of one health check for one scope ('' = the platform, else a city's schema)."""

    check_name = models.CharField(max_length=40)
    scope = models.CharField(max_length=63, blank=True, default="")
    ok = models.BooleanField(null=True)  # None: not monitored here / could not tell
    detail = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)  # consecutive failing results
    passes = models.PositiveIntegerField(default=0)  # consecutive passing results
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["check_name", "scope"], name="one_state_per_check_and_scope")]


class Heartbeat(models.Model):
    """The last sign of life of a process that has no port to ask (worker, beat, monitor, relay)."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()


class RequestTally(models.Model):
    """Requests and server errors of one web process in one minute, for the error-rate check."""

    minute = models.DateTimeField()
    process = models.CharField(max_length=80)
    requests = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["minute", "process"], name="one_tally_per_minute_and_process")]


class Incident(models.Model):
    check_name = models.CharField(max_length=40, blank=True)  # blank: opened by a person
    scope = models.CharField(max_length=63, blank=True, default="")  # '' = every city
    component = models.CharField(max_length=20, choices=Component.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MAJOR)
    title = models.CharField(max_length=200, blank=True)  # a person's words; checks use their own title
    detail = models.TextField(blank=True)  # for the on-call, never on the status page
    opened_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    acknowledged_via = models.CharField(max_length=10, blank=True)  # mail / phone / console
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)  # a person, or blank when the check recovered
    progress_total = models.PositiveIntegerField(null=True, blank=True)  # recovery progress, e.g. delayed mails
    progress_done = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["check_name", "scope"],
                                    condition=Q(resolved_at__isnull=True) & ~Q(check_name=""),
                                    name="one_open_incident_per_check_and_scope"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.check_name or self.title} ({self.scope or 'platform'})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * (self.progress_done or 0) / self.progress_total))


class UpdateStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring the recovery")
    RESOLVED = "resolved", _("Resolved")


class IncidentUpdate(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=14, choices=UpdateStatus.choices)
    message_key = models.CharField(max_length=40, blank=True)  # a catalogued message, shown in every language
    params = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)  # a person's words, shown as written
    author = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class EscalationPolicy(models.Model):
    """Who is called about incidents, for the platform (scope '') or one city (its schema)."""

    scope = models.CharField(max_length=63, blank=True, default="", unique=True)
    repeat_minutes = models.PositiveIntegerField(default=5)
    include_platform_incidents = models.BooleanField(default=True)  # a city hears of platform-wide incidents

    class Meta:
        verbose_name_plural = "escalation policies"

    def __str__(self) -> str:
        return f"policy of {self.scope or 'the platform'}"


class OnCallContact(models.Model):
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=8, default="ja")
    by_mail = models.BooleanField(default=True)
    by_phone = models.BooleanField(default=True)
    after_minutes = models.PositiveIntegerField(default=0)  # joins the rounds this long after the incident opened

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """One policy's people being called about one incident, round after round, until one of them answers."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="escalations")
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="escalations")
    started_at = models.DateTimeField(default=timezone.now)
    rounds = models.PositiveIntegerField(default=0)
    next_round_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(OnCallContact, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_via = models.CharField(max_length=10, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # the resolution was announced to those called

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "policy"], name="one_escalation_per_policy")]
        indexes = [models.Index(fields=["next_round_at"], name="escalation_due_idx",
                                condition=Q(acknowledged_at__isnull=True, closed_at__isnull=True))]


class Notification(models.Model):
    """One mail or call to one contact in one round, and what came of it."""

    class Channel(models.TextChoices):
        MAIL = "mail", _("Mail")
        PHONE = "phone", _("Phone call")

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="notifications")
    contact = models.ForeignKey(OnCallContact, null=True, on_delete=models.SET_NULL, related_name="+")
    round = models.PositiveIntegerField()
    channel = models.CharField(max_length=6, choices=Channel.choices)
    kind = models.CharField(max_length=10, default="alert")  # alert / resolved
    created_at = models.DateTimeField(default=timezone.now)
    delivered = models.BooleanField(default=True)
    reference = models.CharField(max_length=100, blank=True)  # the provider's call id
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
