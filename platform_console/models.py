"""The platform console's own table: one summary row per city, so the list of 1,741 cities is one query."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Municipality


class CitySummary(models.Model):
    """A city's figures at a glance, refreshed by a scheduled task per city and on demand.

    The cities page reads these rows joined to the municipalities, never each city's schema.
    """

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, primary_key=True,
                                        related_name="summary")
    bookings_today = models.PositiveIntegerField(_("bookings today"), default=0)
    calls_today = models.PositiveIntegerField(_("calls today"), default=0)
    answered_today = models.PositiveIntegerField(default=0)
    offered_today = models.PositiveIntegerField(default=0)
    answer_rate = models.FloatField(_("answer rate"), null=True, blank=True)  # None: no call asked for an operator
    errors_last_hour = models.PositiveIntegerField(_("errors in the last hour"), default=0)
    open_incidents = models.PositiveIntegerField(_("open incidents"), default=0)
    replication_lag_seconds = models.FloatField(_("replication lag"), null=True, blank=True)  # None: no standby
    checklist_done = models.PositiveSmallIntegerField(default=0)
    checklist_total = models.PositiveSmallIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("city summary")
        verbose_name_plural = _("city summaries")
        indexes = [
            models.Index(fields=["bookings_today"], name="summary_bookings_idx"),
            models.Index(fields=["calls_today"], name="summary_calls_idx"),
            models.Index(fields=["answer_rate"], name="summary_answer_rate_idx"),
            models.Index(fields=["errors_last_hour"], name="summary_errors_idx"),
            models.Index(fields=["open_incidents"], name="summary_incidents_idx"),
        ]

    def __str__(self) -> str:
        return f"summary of {self.municipality_id}"
