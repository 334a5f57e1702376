"""Forms of the card counter's pages (issue 10): scans, check-in, moves, pull list, handover, imports."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.notice_numbers import MAX_INPUT_LENGTH
from booking.selectors.pull_list import IDENTITY_CHECKS

SCAN_MAX_LENGTH = MAX_INPUT_LENGTH
IMPORT_MAX_BYTES = 64 * 1024 * 1024


class ScanForm(forms.Form):
    """What a keyboard-wedge reader typed (then Enter), or what a clerk typed by hand."""

    code = forms.CharField(label=_("Scan or type a code"), max_length=SCAN_MAX_LENGTH, strip=True)


class CheckInForm(forms.Form):
    box = forms.CharField(label=_("Box label"), max_length=SCAN_MAX_LENGTH, strip=True)
    card = forms.CharField(label=_("Card"), max_length=SCAN_MAX_LENGTH, strip=True)


class MoveForm(forms.Form):
    box = forms.CharField(label=_("New box"), max_length=SCAN_MAX_LENGTH, strip=True)
    position = forms.IntegerField(label=_("Position (empty: the next free one)"), min_value=1, required=False)


class DayPlaceForm(forms.Form):
    """A day and a place, from the query string; the choices are the city's places."""

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.ChoiceField(label=_("Place"))

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(place.code, place.name) for place in places]


class PullScanForm(forms.Form):
    code = forms.CharField(label=_("Scan a line, a card or a notice"), max_length=SCAN_MAX_LENGTH, strip=True)
    found_in_box = forms.CharField(label=_("Box the card was found in (optional)"), max_length=SCAN_MAX_LENGTH,
                                   strip=True, required=False)


class MissingForm(forms.Form):
    code = forms.CharField(max_length=SCAN_MAX_LENGTH, strip=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, strip=True)


class HandoverForm(forms.Form):
    notice = forms.CharField(max_length=SCAN_MAX_LENGTH, strip=True)
    place = forms.CharField(max_length=32, required=False)
    checks = forms.MultipleChoiceField(label=_("Identity checks"), choices=IDENTITY_CHECKS,
                                       widget=forms.CheckboxSelectMultiple, required=False)


class CloseCardForm(forms.Form):
    OUTCOMES = (("returned", _("Returned to J-LIS")), ("destroyed", _("Destroyed")))

    serial = forms.CharField(max_length=SCAN_MAX_LENGTH, strip=True)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES)
    reason = forms.CharField(label=_("Reason"), max_length=200, strip=True)


class ImportForm(forms.Form):
    ENCODINGS = (("", _("Detect (UTF-8 or Shift_JIS)")), ("utf-8", _("UTF-8")), ("cp932", _("Shift_JIS (CP932)")))
    MAPPING_ENCODINGS = (("auto", _("Detect (UTF-8 or Shift_JIS)")), ("utf-8", _("UTF-8")),
                         ("cp932", _("Shift_JIS (CP932)")))

    file = forms.FileField(label=_("Card data file (CSV)"))
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS, required=False)
    dry_run = forms.BooleanField(label=_("Check only (nothing is written)"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 64 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
