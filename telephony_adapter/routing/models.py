"""Public-schema tables of the call centre (CC-9, CC-10, CC-12).

Operators answer for several cities, so what routes a call lives beside the cities, not in them:
which city a dialled number belongs to, who is available, which calls wait for whom, and which
provider events were already processed. What a call was about (caller, notice, outcome) is kept in
the city's own schema (`telephony_adapter.models`).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models import Municipality


class DialledNumber(models.Model):
    """A toll-free number (0120…) and the city whose calls it carries."""

    number = models.CharField("number (national digits)", max_length=16, unique=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="dialled_numbers")
    label = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "dialled number"

    def __str__(self) -> str:
        return f"{self.number} → {self.municipality.schema_name}"


class PresenceStatus(models.TextChoices):
    OFFLINE = "offline", _("Offline")
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    WRAP_UP = "wrap_up", _("Wrap-up")


class OperatorPresence(models.Model):
    """Whether an operator takes calls now; `since` orders the available ones (longest idle first)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presence")
    status = models.CharField(max_length=12, choices=PresenceStatus.choices, default=PresenceStatus.OFFLINE)
    since = models.DateTimeField()
    call_id = models.CharField(max_length=64, blank=True)
    calls_taken = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "operator presence"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PresenceStatus.values), name="presence_status_valid"),
            # an operator holds at most one call, and only while busy or wrapping it up
            models.CheckConstraint(condition=Q(call_id="") | Q(status__in=["busy", "wrap_up"]),
                                   name="presence_call_only_when_engaged"),
        ]
        indexes = [models.Index(fields=["status", "since"], name="presence_status_since_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"


class RouteStatus(models.TextChoices):
    IVR = "ivr", "In the automated menu"
    WAITING = "waiting", "Waiting for an operator"
    OFFERED = "offered", "Ringing at an operator"
    CONNECTED = "connected", "With an operator"
    ENDED = "ended", "Ended"


class CallRoute(models.Model):
    """A live call as the distribution sees it: its city, language, place in the queue and operator."""

    provider = models.CharField(max_length=16)
    call_id = models.CharField(max_length=64)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="call_routes")
    language = models.CharField(max_length=8, default="ja")
    status = models.CharField(max_length=12, choices=RouteStatus.choices, default=RouteStatus.IVR)
    created_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(null=True, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    offered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "call route"
        constraints = [
            models.UniqueConstraint(fields=["provider", "call_id"], name="one_route_per_call"),
            models.CheckConstraint(condition=Q(status__in=RouteStatus.values), name="route_status_valid"),
            # no operator is offered or connected to two calls at once
            models.UniqueConstraint(fields=["operator"], condition=Q(status__in=["offered", "connected"]),
                                    name="one_live_call_per_operator"),
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="route_queue_idx")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.call_id} ({self.status})"


class ProviderEvent(models.Model):
    """A provider request already processed, with what we answered: a retry gets the same answer."""

    provider = models.CharField(max_length=16)
    call_id = models.CharField(max_length=64)
    event = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    response_body = models.TextField(blank=True)
    content_type = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "provider event"
        constraints = [models.UniqueConstraint(fields=["provider", "call_id", "event"], name="one_event_per_call")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.call_id}:{self.event}"


class RejectedRequest(models.Model):
    """A webhook request refused for a missing or wrong signature (logged, answered 403)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    provider = models.CharField(max_length=16)
    path = models.CharField(max_length=300)
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=100)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "rejected provider request"
