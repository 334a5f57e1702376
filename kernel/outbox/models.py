"""One row per side effect still to be sent to the task queue (public schema, shared by every city)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "pending"  # waiting to be sent (now or at available_at)
        SENT = "sent", "sent"  # handed to the broker
        PARKED = "parked", "parked"  # given up on; shown by the monitor, requeued by an operator

    schema_name = models.CharField(max_length=63)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "outbox_message"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["available_at", "id"], condition=Q(state="pending"), name="outbox_due_idx"),
            models.Index(fields=["schema_name", "task_name", "state"], name="outbox_task_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["pending", "sent", "parked"]), name="outbox_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.schema_name}:{self.task_name} {self.state}"
