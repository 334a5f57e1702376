"""Reservations (交付予約) and the audit trail of every write (SEC-9)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .calendars import Slot
from .notices import Notice


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone (operator)")
    IVR = "ivr", _("Phone (automated)")
    STAFF = "staff", _("Municipal staff")
    SYSTEM = "system", _("System")


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


class Reservation(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="reservations")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="reservations")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE)
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=8, default="ja")
    created_at = models.DateTimeField(auto_now_add=True)
    # Users live in the public schema: no database constraint across schemas, and deleting a user
    # keeps the id here (the audit trail also keeps the user name).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice"], condition=Q(status="active"),
                                    name="one_active_reservation_per_notice"),
            models.CheckConstraint(condition=Q(status__in=ReservationStatus.values), name="reservation_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="reservation_channel_valid"),
        ]
        indexes = [models.Index(fields=["slot", "status"], name="reservation_slot_status_idx")]

    def __str__(self) -> str:
        return self.code


class AuditEntry(models.Model):
    """Who did what to which booking or notice, through which channel, and what changed."""

    class ActorKind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        USER = "user", _("User")
        SYSTEM = "system", _("System")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    action = models.CharField(max_length=48)
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries")
    reservation = models.ForeignKey("Reservation", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="audit_entries")
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
