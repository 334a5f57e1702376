from __future__ import annotations

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking.errors import NoticeNumberFormatError
from booking.notice_numbers import MAX_INPUT_LENGTH, normalise_notice_number, notice_number_well_formed
from tenants.languages import japanese_term


def _birth_months() -> list[tuple]:
    return [("", "—")] + [(month, str(month)) for month in range(1, 13)]


def _birth_days() -> list[tuple]:
    return [("", "—")] + [(day, str(day)) for day in range(1, 32)]


class CitizenLoginForm(forms.Form):
    # the choices as functions: every form copies its fields, and a list of choices is copied
    # item by item (twice, with the widget's) where a function is not
    notice_number = forms.CharField(
        label=_("Notice number"), max_length=MAX_INPUT_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    birth_month = forms.TypedChoiceField(
        label=_("Month of birth"), coerce=int, required=False,
        choices=_birth_months,
        widget=forms.Select(attrs={"autocomplete": "bday-month"}),
    )
    birth_day = forms.TypedChoiceField(
        label=_("Day of birth"), coerce=int,
        choices=_birth_days,
        help_text=_("Only the day of the month, e.g. 7 if you were born on 7 March."),
        widget=forms.Select(attrs={"autocomplete": "bday-day"}),
    )

    def __init__(self, *args, asks_month: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # the Japanese word as printed on the postcard, marked lang="ja" on pages in other languages
        help_text = escape(gettext("The number printed on your notice postcard (%(term)s), e.g. AB1-234567."))
        self.fields["notice_number"].help_text = mark_safe(help_text % {"term": japanese_term("交付通知書")})
        if asks_month:
            self.fields["birth_month"].required = True
            self.fields["birth_day"].help_text = ""
        else:
            del self.fields["birth_month"]

    def clean_notice_number(self) -> str:
        """Refuse what can never be a notice number here, with a clear word (no lookup, no count)."""
        number = self.cleaned_data["notice_number"]
        if not notice_number_well_formed(normalise_notice_number(number)):
            raise forms.ValidationError(NoticeNumberFormatError.default_message, code="format")
        return number


class ConfirmForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address for the confirmation"), required=False, max_length=254,
        help_text=_("We send the confirmation and a reminder the day before. Nothing else is asked."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, email_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = email_required


class DayBookingForm(ConfirmForm):
    """Choose a time of the day and book it in one step (the citizen's shortest way, WEB-5)."""

    slot = forms.TypedChoiceField(label=_("Time"), coerce=int, widget=forms.RadioSelect,
                                  error_messages={"required": _("Choose a time."),
                                                  "invalid_choice": _("This time can no longer be chosen.")})
    field_order = ["slot", "email", "token"]

    def __init__(self, *args, bookable_slot_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot_id, str(slot_id)) for slot_id in bookable_slot_ids]
