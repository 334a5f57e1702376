from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from platform_console.services.onboarding import WardSpec
from tenants.models import SlotLength


class OnboardingForm(forms.Form):
    """The platform console's form; the onboarding service does all checks that matter."""

    slug = forms.CharField(label=_("Identifier (schema name)"), max_length=30,
                           help_text=_("Lower-case letters, digits and underscores, e.g. chiba."))
    name = forms.CharField(label=_("Official name (Japanese)"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100, required=False)
    domains = forms.CharField(label=_("Domains, one per line"), widget=forms.Textarea(attrs={"rows": 2}))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, initial=["ja"], widget=forms.CheckboxSelectMultiple,
    )
    default_slot_minutes = forms.TypedChoiceField(
        label=_("Default slot length"), choices=SlotLength.choices, coerce=int, initial=SlotLength.MIN_30,
    )
    opens_at = forms.TimeField(label=_("Ward offices open at"), initial="08:30")
    closes_at = forms.TimeField(label=_("Ward offices close at"), initial="17:30")
    capacity_per_slot = forms.IntegerField(label=_("Bookings per slot"), min_value=0, max_value=500, initial=4)
    primary_colour = forms.CharField(label=_("Main colour"), initial="#1d4e89", max_length=7)
    accent_colour = forms.CharField(label=_("Accent colour"), initial="#c8102e", max_length=7)
    contact_phone = forms.CharField(label=_("Citizen contact number"), max_length=32, required=False)
    call_centre_phone = forms.CharField(label=_("Call centre number"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    wards = forms.CharField(
        label=_("Wards, one per line: code, ward name[, office name]"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("e.g. “chuo, 中央区, 中央区役所”. One ward office is created per ward."),
    )
    admin_username = forms.CharField(label=_("First administrator: user name"), max_length=150)
    admin_email = forms.EmailField(label=_("First administrator: e-mail"))

    def clean_wards(self) -> list[WardSpec]:
        specs = []
        for number, line in enumerate(self.cleaned_data["wards"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("、", ",").split(",")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(_("Line %(number)s: write “code, ward name”.") % {"number": number})
            specs.append(WardSpec(code=parts[0].lower(), name=parts[1], office_name=parts[2] if len(parts) > 2 else ""))
        return specs

    def clean_domains(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["domains"].split() if line.strip()]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        name_en = data.pop("name_en", "")
        data["display_names"] = {"en": name_en} if name_en else {}
        data["opening_hours"] = (data.pop("opens_at"), data.pop("closes_at"))
        return data
