"""Calendar changes (OPS-1, OPS-4): a weekly window, a day's exception, each previewed before saving."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import CalendarException, Weekday
from booking.services.calendar_changes import CalendarChange
from tenants.models import SlotLength

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RuleForm(forms.Form):
    """Add a weekly opening window, or change one (`rule_id`)."""

    action = forms.CharField(widget=forms.HiddenInput, initial="rule_save")
    rule_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    weekday = forms.TypedChoiceField(label=_("Day of the week"), choices=Weekday.choices, coerce=int)
    opens_at = forms.TimeField(label=_("Opens at"), widget=TIME)
    closes_at = forms.TimeField(label=_("Closes at"), widget=TIME)
    slot_minutes = forms.TypedChoiceField(label=_("Slot length (minutes)"), choices=SlotLength.choices, coerce=int)
    capacity = forms.IntegerField(label=_("Seats per slot"), min_value=0, max_value=500)

    def change(self, place_id: int) -> CalendarChange:
        data = self.cleaned_data
        return CalendarChange(action="rule_save", place_id=place_id, rule_id=data.get("rule_id"),
                              weekday=data["weekday"], opens_at=data["opens_at"], closes_at=data["closes_at"],
                              slot_minutes=data["slot_minutes"], capacity=data["capacity"])


class RuleDeleteForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="rule_delete")
    rule_id = forms.IntegerField(widget=forms.HiddenInput)

    def change(self, place_id: int) -> CalendarChange:
        return CalendarChange(action="rule_delete", place_id=place_id, rule_id=self.cleaned_data["rule_id"])


class ExceptionForm(forms.Form):
    """One day differs: closed, a holiday opening (休日開庁), or other hours."""

    action = forms.CharField(widget=forms.HiddenInput, initial="exception_set")
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("What happens that day"), choices=CalendarException.Kind.choices)
    opens_at = forms.TimeField(label=_("Opens at"), required=False, widget=TIME)
    closes_at = forms.TimeField(label=_("Closes at"), required=False, widget=TIME)
    slot_minutes = forms.TypedChoiceField(label=_("Slot length (minutes)"), required=False, coerce=int,
                                          empty_value=None, choices=[("", "—")] + list(SlotLength.choices))
    capacity = forms.IntegerField(label=_("Seats per slot"), required=False, min_value=0, max_value=500)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned["kind"] != CalendarException.Kind.CLOSED:
            for name in ("opens_at", "closes_at", "slot_minutes", "capacity"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("An opening needs hours, a slot length and a capacity."))
        return cleaned

    def change(self, place_id: int) -> CalendarChange:
        data = self.cleaned_data
        return CalendarChange(action="exception_set", place_id=place_id, date=data["date"], kind=data["kind"],
                              opens_at=data.get("opens_at"), closes_at=data.get("closes_at"),
                              slot_minutes=data.get("slot_minutes"), capacity=data.get("capacity"),
                              note=data.get("note") or "")


class ExceptionClearForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="exception_clear")
    date = forms.DateField(widget=forms.HiddenInput)

    def change(self, place_id: int) -> CalendarChange:
        return CalendarChange(action="exception_clear", place_id=place_id, date=self.cleaned_data["date"])


FORMS = {"rule_save": RuleForm, "rule_delete": RuleDeleteForm, "exception_set": ExceptionForm,
         "exception_clear": ExceptionClearForm}
