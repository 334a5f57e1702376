from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"), max_length=20, strip=True,
        help_text=_("The 6-digit code your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class EnrolmentForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"), max_length=10, strip=True,
        help_text=_("After adding the account to your authenticator app, enter the 6-digit code it shows."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
