"""Forms of the billing pages: plain input checks; the rules are the services'."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import DateStyle

MONEY = {"min_value": Decimal(0), "max_digits": 10, "decimal_places": 2}


class MonthField(forms.DateField):
    """A month as YYYY-MM (an <input type="month">), the first day of it."""

    widget = forms.DateInput(attrs={"type": "month"})
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value


class PlanForm(forms.Form):
    effective_from = MonthField(label=_("Effective from (month)"))
    base_fee_yen = forms.IntegerField(label=_("Monthly base fee (yen)"), min_value=0, max_value=100_000_000)
    per_booking_yen = forms.DecimalField(label=_("Per booking (yen)"), **MONEY)
    booking_tiers = forms.CharField(
        label=_("Per-booking bands (optional)"), required=False, max_length=300,
        help_text=_("Graduated: “up to:price” ascending, the last “*:price”, e.g. 1000:50, *:30. "
                    "Left blank, every booking costs the price above."))
    per_call_minute_yen = forms.DecimalField(label=_("Per call minute (yen)"), **MONEY)
    per_ivr_session_yen = forms.DecimalField(label=_("Per automated call (yen)"), **MONEY)
    credit_cancelled_in_month = forms.BooleanField(
        label=_("A booking cancelled in the month it was made is not billed"), required=False)
    date_style = forms.ChoiceField(label=_("Dates on statements"), choices=DateStyle.choices)


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"))


class CreditNoteForm(forms.Form):
    amount_yen = forms.IntegerField(label=_("Amount to credit, excluding tax (yen)"), min_value=1, required=False,
                                    help_text=_("Left blank: everything not yet credited."))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReportIssueForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks"), required=False, max_length=2000, widget=forms.Textarea)
