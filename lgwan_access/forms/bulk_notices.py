"""Form of the bulk notice upload (OPS-7)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class NoticeUploadForm(forms.Form):
    file = forms.FileField(label=_("Notice file (CSV, UTF-8 or Shift_JIS)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB. Split it and upload the parts."))
        return upload


class NoticeConfirmForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
