"""Forms of the operator console. They validate input only; the services decide."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from telephony_adapter.models import CallCentreSettings, Complaint, Outcome


class NoticeLookupForm(forms.Form):
    number = forms.CharField(label=_("Notice number (as spoken or scanned)"), max_length=64,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the call"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EscalationForm(forms.Form):
    ward = forms.ChoiceField(label=_("Ward of the caller's address"))
    reason = forms.CharField(label=_("Why the city must judge this"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, wards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [(ward.code, ward.name) for ward in wards]


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Complaint.Category.choices)
    description = forms.CharField(label=_("What the caller complains about"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))


class ComplaintStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Handling status"), choices=Complaint.Status.choices)
    resolution = forms.CharField(label=_("How it was handled"), max_length=5000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    phone = forms.CharField(label=_("Phone number"), max_length=32)
    hours = forms.CharField(label=_("Hours"), max_length=120, required=False)
    topics = forms.CharField(label=_("What to refer there"), max_length=300, required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0, required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CallCentreSettings
        fields = ["opens_at", "closes_at", "closed_year_end", "closed_on_holidays", "max_queue_wait_seconds",
                  "answer_rate_target", "alert_min_calls"]
        widgets = {"opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_open = forms.BooleanField(label=_("Lines open on this day"), required=False)
    opens_at = forms.TimeField(label=_("Open from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Open until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("is_open") and not (data.get("opens_at") and data.get("closes_at")
                                        and data["opens_at"] < data["closes_at"]):
            raise forms.ValidationError(_("An open day needs opening hours."))
        return data


class StaffingForm(forms.Form):
    calls_per_hour = forms.FloatField(label=_("Calls per hour"), min_value=0.1, max_value=100000, initial=300)
    handle_seconds = forms.FloatField(label=_("Average handle time (seconds)"), min_value=1, max_value=36000,
                                      initial=360)
    target = forms.FloatField(label=_("Share answered in time"), min_value=0.01, max_value=0.999, initial=0.9)
    within_seconds = forms.FloatField(label=_("Answered within (seconds)"), min_value=0, max_value=3600, initial=20)
    patience_seconds = forms.FloatField(label=_("Average patience of callers (seconds, Erlang A)"), min_value=1,
                                        max_value=36000, initial=120, required=False)
