"""Forms of the lists section (DATA-1): which bookings, which encoding; which sheet."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.selectors.booking_lists import MAX_DAYS

ENCODING_CHOICES = [("utf-8", _("UTF-8 with BOM (recommended)")), ("cp932", _("Shift_JIS (CP932) for older Excel"))]


class BookingListForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    time_from = forms.TimeField(label=_("From time"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    time_to = forms.TimeField(label=_("Until time"), required=False,
                              widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.TypedChoiceField(label=_("Place"), coerce=int, required=False, empty_value=None)
    status = forms.MultipleChoiceField(label=_("Status"), required=False, widget=forms.CheckboxSelectMultiple)
    channel = forms.MultipleChoiceField(label=_("Channel"), required=False, widget=forms.CheckboxSelectMultiple)
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES, initial="utf-8", required=False,
                                 widget=forms.RadioSelect)

    def __init__(self, *args, places=(), statuses=None, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("All places"))] + [(place.pk, place.name) for place in places]
        self.fields["status"].choices = list((statuses or {}).items())
        self.fields["channel"].choices = list((channels or {}).items())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end date is before the start date."))
            elif end - start > dt.timedelta(days=MAX_DAYS):
                self.add_error("date_to", _("A list covers at most %(days)s days.") % {"days": MAX_DAYS})
        low, high = data.get("time_from"), data.get("time_to")
        if low and high and high <= low:
            self.add_error("time_to", _("The end time must be after the start time."))
        data["encoding"] = data.get("encoding") or "utf-8"
        return data


class SheetForm(forms.Form):
    place = forms.TypedChoiceField(label=_("Place"), coerce=int)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    era = forms.BooleanField(label=_("Dates in the Japanese era (令和)"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        kwargs.setdefault("auto_id", "sheet_%s")  # on the page beside the list's form: ids of its own
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(place.pk, place.name) for place in places]
