from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from platform_console.services.onboarding import WardSpec, onboarding_errors
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
    primary_colour = forms.CharField(label=_("Main colour"), initial="#1d4e89", max_length=20,
                                     help_text=_("#RRGGBB, e.g. #1d4e89."))
    accent_colour = forms.CharField(label=_("Accent colour"), initial="#c8102e", max_length=20,
                                    help_text=_("#RRGGBB, e.g. #c8102e."))
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

    # where each of the onboarding service's error keys is shown
    FIELD_OF_ERROR = {"opening_hours": "closes_at", "admin_password": "admin_username"}

    def clean_wards(self) -> list[WardSpec]:
        specs, problems = [], []
        for number, line in enumerate(self.cleaned_data["wards"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("、", ",").split(",")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                problems.append(_("Line %(number)s: write “code, ward name”.") % {"number": number})
                continue
            specs.append(WardSpec(code=parts[0].lower(), name=parts[1], office_name=parts[2] if len(parts) > 2 else ""))
        if problems:
            raise forms.ValidationError(problems)
        return specs

    def clean_domains(self) -> list[str]:
        """Each token on its own: separated by white space or commas, every one must be a host name."""
        return [token for token in re.split(r"[\s,、]+", self.cleaned_data["domains"]) if token]

    def clean(self):
        """Every field at once: the service's checks run on whatever the fields let through, and each
        message goes to its own field (a field that already has an error keeps only that one)."""
        data = super().clean()
        errors = onboarding_errors(
            slug=data.get("slug", ""), name=data.get("name", "") or "-",
            domains=data.get("domains") or [], wards=data.get("wards") or [],
            languages=data.get("languages") or [],
            default_slot_minutes=data.get("default_slot_minutes", SlotLength.MIN_30),
            primary_colour=data.get("primary_colour", "#000000"), accent_colour=data.get("accent_colour", "#000000"),
            admin_username=data.get("admin_username", ""), admin_email=data.get("admin_email", "a@b.example"),
            admin_password=None, contact_email=data.get("contact_email", ""),
            opening_hours=(data.get("opens_at") or dt.time(0), data.get("closes_at") or dt.time(23, 59)),
            capacity_per_slot=data.get("capacity_per_slot", 0) or 0,
        )
        for key, messages in errors.items():
            field = self.FIELD_OF_ERROR.get(key, key)
            if field not in self.fields:
                field = None
            if field is not None and (field in self._errors or field not in data):
                continue  # the field's own error says it already
            for message in messages:
                self.add_error(field, message)
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        name_en = data.pop("name_en", "")
        data["display_names"] = {"en": name_en} if name_en else {}
        data["opening_hours"] = (data.pop("opens_at"), data.pop("closes_at"))
        return data
