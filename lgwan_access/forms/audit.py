"""Filtering the staff access record (SEC-9)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lgwan_access.selectors.access_log import access_actions


class AccessFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All"))] + access_actions()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_until")
        if start and end and start > end:
            self.add_error("date_until", _("The end of the range must not be before its start."))
        return cleaned
