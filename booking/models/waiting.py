"""The city's waiting room for the release rush (PLT-4): its settings and the citizens' places in line."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WaitingRoomMode(models.TextChoices):
    OFF = "off", _("Off")
    AUTO = "auto", _("Automatic: above the platform's load threshold")
    ON = "on", _("On: at the city's own capacity")


class WaitingRoom(models.Model):
    """One row per city (id 1): how admission works, and the lock that admits one batch at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    mode = models.CharField(max_length=4, choices=WaitingRoomMode.choices, default=WaitingRoomMode.AUTO)
    capacity = models.PositiveIntegerField(default=0)  # citizens let in at once when on; 0: the platform's
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_waiting_room_per_city")]


class WaitingTicket(models.Model):
    """A citizen's place in line; the id is the order of arrival and of admission."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=32, unique=True)  # in the citizen's signed cookie
    created_at = models.DateTimeField(default=timezone.now)
    polled_at = models.DateTimeField(default=timezone.now)  # the waiting page last asked
    admitted_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)  # an admitted citizen's last request

    class Meta:
        indexes = [
            models.Index(fields=["id"], condition=Q(admitted_at__isnull=True), name="waiting_in_line_idx"),
            models.Index(fields=["last_seen_at"], condition=Q(admitted_at__isnull=False), name="waiting_admitted_idx"),
        ]
