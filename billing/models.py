"""Billing of the cities (PLT-3): plans, usage recorded from the domain's events, statements, credit
notes and the monthly completion report (業務完了報告書). Every table lives in the public schema.

Money is integer yen; rates that may carry fractions of a yen are Decimal. Issued statements,
credit notes and issued reports are frozen by the database (triggers in migration 0002), not only
by the services.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models import Municipality


class DateStyle(models.TextChoices):
    WESTERN = "western", _("Western calendar (2026年)")
    JAPANESE_ERA = "era", _("Japanese era (令和8年)")


class Plan(models.Model):
    """What a city pays from `effective_from` on, until the next plan of the city takes effect."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="billing_plans")
    effective_from = models.DateField(_("effective from"))
    base_fee_yen = models.PositiveIntegerField(_("monthly base fee (yen)"), default=0)
    per_booking_yen = models.DecimalField(_("per booking (yen)"), max_digits=10, decimal_places=2, default=0)
    # graduated bands: [{"up_to": 1000, "yen": "50"}, {"up_to": null, "yen": "30"}] — the first 1,000
    # bookings of a month at 50 yen, every further one at 30 yen; empty: per_booking_yen for every one
    booking_tiers = models.JSONField(_("per-booking bands"), default=list, blank=True)
    per_call_minute_yen = models.DecimalField(_("per call minute (yen)"), max_digits=10, decimal_places=2, default=0)
    per_ivr_session_yen = models.DecimalField(_("per automated call (yen)"), max_digits=10, decimal_places=2,
                                              default=0)
    credit_cancelled_in_month = models.BooleanField(
        _("a booking cancelled in the month it was made is not billed"), default=True)
    date_style = models.CharField(_("dates on statements"), max_length=8, choices=DateStyle.choices,
                                  default=DateStyle.JAPANESE_ERA)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["municipality_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "effective_from"], name="billing_one_plan_per_start"),
            models.CheckConstraint(condition=Q(per_booking_yen__gte=0) & Q(per_call_minute_yen__gte=0)
                                   & Q(per_ivr_session_yen__gte=0), name="billing_plan_rates_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} from {self.effective_from}"


class UsageKind(models.TextChoices):
    BOOKING = "booking", _("Bookings")
    BOOKING_CANCELLED = "booking_cancelled", _("Bookings cancelled")
    CALL_MINUTES = "call_minutes", _("Call minutes")
    IVR_SESSION = "ivr_session", _("Automated calls")


class UsageRecord(models.Model):
    """One event of a city's domain that is billed, recorded once (unique on the event's key)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=UsageKind.choices)
    event_key = models.CharField(max_length=120)
    occurred_at = models.DateTimeField()
    month = models.DateField()  # first day of the month in the city's time zone
    quantity = models.PositiveIntegerField(default=1)
    # a cancellation of a booking made in the same month (a plan may credit it)
    same_month = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind", "event_key"], name="billing_usage_once"),
            models.CheckConstraint(condition=Q(kind__in=UsageKind.values), name="billing_usage_kind_valid"),
        ]
        indexes = [models.Index(fields=["municipality", "month", "kind"], name="billing_usage_month_idx")]


class UsageWatermark(models.Model):
    """Up to when a city's events of one source have been read (re-read with an overlap: see usage)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)
    read_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "source"], name="billing_one_watermark")]


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class Statement(models.Model):
    """A monthly invoice (請求書) or a credit note (返還請求書/赤伝) correcting an issued invoice."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    month = models.DateField()  # first day of the billed month
    status = models.CharField(max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    number = models.CharField(max_length=32, null=True, blank=True, unique=True)  # given when issued
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(max_length=300, blank=True)
    # copied when drafted, so an issued statement never changes with its plan or the settings
    issuer_name = models.CharField(max_length=200)
    issuer_registration_number = models.CharField(max_length=14)
    recipient_name = models.CharField(max_length=200)
    date_style = models.CharField(max_length=8, choices=DateStyle.choices, default=DateStyle.JAPANESE_ERA)
    subtotal_yen = models.BigIntegerField(default=0)  # excluding tax, negative on a credit note
    tax_yen = models.BigIntegerField(default=0)
    total_yen = models.BigIntegerField(default=0)
    drafted_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-month", "municipality_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], condition=Q(kind="invoice"),
                                    name="billing_one_invoice_per_month"),
            models.CheckConstraint(condition=Q(kind="invoice", corrects__isnull=True)
                                   | Q(kind="credit_note", corrects__isnull=False),
                                   name="billing_credit_note_corrects_invoice"),
            models.CheckConstraint(condition=Q(status="draft") | Q(number__isnull=False, issued_at__isnull=False),
                                   name="billing_issued_has_number"),
            models.CheckConstraint(condition=Q(issuer_registration_number__regex=r"^T[0-9]{13}$"),
                                   name="billing_registration_number_format"),
        ]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)  # base_fee, booking, call_minutes, ivr_session, correction
    label = models.CharField(max_length=200)  # as printed, in Japanese
    quantity = models.BigIntegerField()
    unit_price_yen = models.DecimalField(max_digits=12, decimal_places=2)
    amount_yen = models.BigIntegerField()  # excluding tax; whole yen (rounded down per line)
    tax_rate_percent = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["statement_id", "position"]
        constraints = [models.UniqueConstraint(fields=["statement", "position"], name="billing_line_position")]


class InvoiceSequence(models.Model):
    """The last number given per series and year (a number per issuer, year and series, no gaps)."""

    series = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="billing_one_sequence")]


class CompletionReport(models.Model):
    """The monthly completion report (業務完了報告書) of a city: figures as data, frozen once issued."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    status = models.CharField(max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    figures = models.JSONField(default=dict)
    remarks = models.TextField(blank=True)
    drafted_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by_label = models.CharField(max_length=150, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["-month", "municipality_id"]
        constraints = [models.UniqueConstraint(fields=["municipality", "month"], name="billing_one_report_per_month")]

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED
