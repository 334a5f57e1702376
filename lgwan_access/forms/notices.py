"""The notice search (OPS-3) and what a clerk does on a notice's page (OPS-2)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import Channel, NoticeStatus
from booking.notice_numbers import MAX_INPUT_LENGTH, normalise_notice_number
from booking.selectors.notice_search import NoticeFilters

LOCKED_CHOICES = [("", _("All")), ("yes", _("Locked")), ("no", _("Not locked"))]


class NoticeSearchForm(forms.Form):
    number = forms.CharField(label=_("Notice number"), required=False, max_length=MAX_INPUT_LENGTH,
                             help_text=_("As printed, e.g. ABC-000009; the beginning of a number is enough."))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(NoticeStatus.choices))
    ward = forms.TypedChoiceField(label=_("Ward"), required=False, coerce=int, empty_value=None)
    place = forms.TypedChoiceField(label=_("Place"), required=False, coerce=int, empty_value=None)
    booked_from = forms.DateField(label=_("Booked from"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    booked_until = forms.DateField(label=_("Booked until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All"))] + list(Channel.choices))
    locked = forms.ChoiceField(label=_("Login lock"), required=False, choices=LOCKED_CHOICES)

    def __init__(self, *args, wards=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", _("All"))] + [(w.pk, w.name) for w in wards]
        self.fields["place"].choices = [("", _("All"))] + [(p.pk, p.name) for p in places]

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number.strip() and not normalise_notice_number(number):
            raise forms.ValidationError(_("Enter letters and digits of the notice number."))
        return number

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("booked_from"), cleaned.get("booked_until")
        if start and end and start > end:
            self.add_error("booked_until", _("The end of the range must not be before its start."))
        return cleaned

    def filters(self) -> NoticeFilters:
        data = self.cleaned_data
        return NoticeFilters(
            number=data.get("number") or "", status=data.get("status") or "", ward=data.get("ward"),
            place=data.get("place"), booked_from=data.get("booked_from"), booked_until=data.get("booked_until"),
            channel=data.get("channel") or "", locked={"yes": True, "no": False}.get(data.get("locked") or ""),
        )


class NoticeTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"size": 40}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(t, NoticeStatus(t).label) for t in targets]


def search_summary(form: NoticeSearchForm) -> list[tuple[str, str]]:
    """What a printed list was searched for, as (label, value) the clerk reads."""
    summary = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if hasattr(field, "choices"):
            value = dict((str(key), label) for key, label in field.choices).get(str(value), value)
        summary.append((str(field.label), str(value)))
    return summary
