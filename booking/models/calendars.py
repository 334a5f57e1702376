"""Opening calendars (OPS-1, OPS-4) and the slots materialised from them."""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.models import SlotLength

from .places import Place


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningRule(models.Model):
    """A weekly opening window of a place: on this weekday, these hours, this slot length and capacity.

    A place may have several windows on one weekday (e.g. morning and afternoon). Rules apply on
    ordinary days; national holidays and 29 Dec – 3 Jan are closed unless an exception opens them.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_rules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField(choices=SlotLength.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity per slot"))
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["place", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="rule_opens_before_closing"),
            models.CheckConstraint(condition=Q(slot_minutes__in=SlotLength.values), name="rule_slot_length_valid"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="rule_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class CalendarException(models.Model):
    """What differs on one date at one place: closed, a holiday opening (休日開庁), or special hours."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed")
        HOLIDAY_OPENING = "holiday_opening", _("Holiday opening")
        SPECIAL_HOURS = "special_hours", _("Special hours")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="calendar_exceptions")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(choices=SlotLength.choices, null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "place"]
        constraints = [
            models.UniqueConstraint(fields=["place", "date"], name="one_exception_per_place_and_date"),
            models.CheckConstraint(
                condition=Q(kind="closed") | Q(opens_at__isnull=False, closes_at__isnull=False,
                                               slot_minutes__isnull=False, capacity__isnull=False,
                                               opens_at__lt=F("closes_at")),
                name="open_exception_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.date} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.kind != self.Kind.CLOSED


class Slot(models.Model):
    """A bookable time at a place. The database keeps booked ≤ capacity (SYS-1)."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["place", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["place", "starts_at"], name="one_slot_per_place_and_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_booked_within_capacity"),
            models.CheckConstraint(condition=Q(booked__gte=0), name="slot_booked_not_negative"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="slot_starts_before_end"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="slot_starts_at_idx")]

    def __str__(self) -> str:
        return f"{self.place} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)
