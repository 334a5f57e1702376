"""Forms of the counter bookings section (OPS-6). They check input only; the booking service decides."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# How the citizen reached the clerk: at the counter (the staff channel, which may book any active
# place at short notice) or on the phone (the phone channel, under the citizens' booking window).
COUNTER_CHANNELS = [("staff", _("At the counter")), ("phone", _("On the phone"))]


class NoticeFindForm(forms.Form):
    number = forms.CharField(label=_("Notice number (as printed)"), max_length=64,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}))


class FreeSlotForm(forms.Form):
    place = forms.TypedChoiceField(label=_("Place"), coerce=int)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(place.pk, place.name) for place in places]


class CounterBookForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "book_%s")  # on the page beside the other forms: ids of its own
        super().__init__(*args, **kwargs)

    number = forms.CharField(max_length=64, widget=forms.HiddenInput)
    slot = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("The citizen is"), choices=COUNTER_CHANNELS, initial="staff",
                                widget=forms.RadioSelect)


class CounterCancelForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "cancel_%s")
        super().__init__(*args, **kwargs)

    number = forms.CharField(max_length=64, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("The citizen is"), choices=COUNTER_CHANNELS, initial="staff",
                                widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
