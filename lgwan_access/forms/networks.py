from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.network import address_in
from tenants.services.networks import lgwan_ranges_parse


class LgwanRangesForm(forms.Form):
    """The city's LGWAN ranges, one CIDR a line; refuses ranges that would shut out the person saving them."""

    ranges = forms.CharField(
        label=_("LGWAN address ranges"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One range a line, e.g. 10.20.0.0/16. The staff console and the staff API answer only "
                    "to these addresses."))
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    def __init__(self, *args, client_address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_address = client_address

    def clean_ranges(self):
        ranges = lgwan_ranges_parse(self.cleaned_data["ranges"])
        if not ranges or not address_in(self.client_address, ranges):
            raise ValidationError(
                _("Your own address %(address)s would not be in these ranges: you would lock yourself out. "
                  "Keep a range that contains it."), code="lockout", params={"address": self.client_address})
        return ranges
