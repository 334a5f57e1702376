from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from platform_console.services.cities import ContactSpec
from platform_console.services.onboarding import WardSpec, onboarding_errors
from tenants.models import Municipality, SlotLength
from tenants.services.networks import lgwan_ranges_parse


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


# --- the city's page ---------------------------------------------------------------------------------

class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the change (kept in the audit trail)"), max_length=500)


class CitySettingsForm(ReasonForm):
    name = forms.CharField(label=_("Official name (Japanese)"), max_length=100)
    enabled_languages = forms.MultipleChoiceField(label=_("Languages"), choices=settings.LANGUAGES,
                                                  widget=forms.CheckboxSelectMultiple)
    default_slot_minutes = forms.TypedChoiceField(label=_("Default slot length"), choices=SlotLength.choices,
                                                  coerce=int)
    places_selectable = forms.BooleanField(label=_("Citizens choose the place"), required=False)
    slot_horizon_days = forms.IntegerField(label=_("Slots are opened this many days ahead"), min_value=1,
                                           max_value=365)
    booking_opens_days = forms.IntegerField(label=_("Bookable up to this many days ahead"), min_value=1,
                                            max_value=365)
    booking_closes_hours = forms.IntegerField(label=_("Booking closes this many hours before the slot"),
                                              min_value=0, max_value=720)
    change_closes_hours = forms.IntegerField(label=_("Changes and cancellations close this many hours before"),
                                             min_value=0, max_value=720)
    login_secret = forms.ChoiceField(label=_("What citizens enter besides the notice number"),
                                     choices=Municipality.LoginSecret.choices)
    login_failure_limit = forms.IntegerField(label=_("Failed logins before a notice locks"), min_value=1,
                                             max_value=20)
    login_lock_hours = forms.IntegerField(label=_("A locked notice unlocks after this many hours (0: only staff)"),
                                          min_value=0, max_value=720)
    email_required = forms.BooleanField(label=_("Citizens must give an e-mail address"), required=False)
    personal_data_retention_days = forms.IntegerField(label=_("Days after handover before personal data is erased"),
                                                      min_value=1, max_value=3650)
    contact_phone = forms.CharField(label=_("Citizen contact number"), max_length=32, required=False)
    call_centre_phone = forms.CharField(label=_("Call centre number"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        for code, language in settings.LANGUAGES:
            if code == "ja":
                continue
            self.fields[f"display_name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": language}, max_length=100, required=False)
        self.order_fields(["name", *[f"display_name_{code}" for code, _l in settings.LANGUAGES if code != "ja"]])
        reason = self.fields.pop("reason")
        self.fields["reason"] = reason
        if city is not None and not self.is_bound:
            for field in self.fields:
                if field.startswith("display_name_"):
                    self.initial[field] = (city.display_names or {}).get(field.removeprefix("display_name_"), "")
                elif hasattr(city, field):
                    self.initial[field] = getattr(city, field)

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("reason")
        data["display_names"] = {key.removeprefix("display_name_"): data.pop(key)
                                 for key in list(data) if key.startswith("display_name_")}
        return data


class BrandingForm(ReasonForm):
    primary_colour = forms.CharField(label=_("Main colour"), max_length=20,
                                     widget=forms.TextInput(attrs={"type": "color"}))
    accent_colour = forms.CharField(label=_("Accent colour"), max_length=20,
                                    widget=forms.TextInput(attrs={"type": "color"}))
    logo = forms.FileField(label=_("Logo (PNG, SVG, JPEG or WebP, at most 512 KB)"), required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    field_order = ["primary_colour", "accent_colour", "logo", "remove_logo", "reason"]


class DomainForm(ReasonForm):
    domain = forms.CharField(label=_("New domain"), max_length=253)
    primary = forms.BooleanField(label=_("Make it the primary domain"), required=False)
    field_order = ["domain", "primary", "reason"]


class LgwanForm(ReasonForm):
    ranges = forms.CharField(label=_("LGWAN address ranges, one per line (CIDR)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["ranges", "reason"]

    def clean_ranges(self):
        try:
            return "\n".join(lgwan_ranges_parse(self.cleaned_data["ranges"]))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


class TollFreeForm(ReasonForm):
    number = forms.CharField(label=_("Toll-free number"), max_length=20)
    field_order = ["number", "reason"]


WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday")), (6, _("Sunday"))]


class CallHoursForm(ReasonForm):
    opens_at = forms.TimeField(label=_("Lines open at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes_at = forms.TimeField(label=_("Lines close at"),
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    open_weekdays = forms.TypedMultipleChoiceField(label=_("Open on"), choices=WEEKDAYS, coerce=int,
                                                   widget=forms.CheckboxSelectMultiple)
    closed_on_holidays = forms.BooleanField(label=_("Closed on national holidays"), required=False)
    closed_year_end = forms.BooleanField(label=_("Closed 29 December – 3 January"), required=False)
    field_order = ["opens_at", "closes_at", "open_weekdays", "closed_on_holidays", "closed_year_end", "reason"]


class EscalationForm(ReasonForm):
    contacts = forms.CharField(
        label=_("On-call contacts in order, one per line: name, e-mail, phone[, language]"),
        widget=forms.Textarea(attrs={"rows": 4}), required=False)
    repeat_minutes = forms.IntegerField(label=_("Call again every this many minutes until acknowledged"),
                                        min_value=1, max_value=120, initial=5)
    field_order = ["contacts", "repeat_minutes", "reason"]

    def clean_contacts(self) -> list[ContactSpec]:
        contacts = []
        for line in self.cleaned_data["contacts"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("、", ",").split(",")] + ["", "", ""]
            contacts.append(ContactSpec(name=parts[0], email=parts[1], phone=parts[2], language=parts[3] or "ja"))
        return contacts


class OperatorGrantForm(ReasonForm):
    username = forms.CharField(label=_("Operator's user name"), max_length=150)
    cities = forms.ModelMultipleChoiceField(label=_("Cities"), queryset=Municipality.objects.none(),
                                            to_field_name="schema_name", widget=forms.SelectMultiple(attrs={"size": 6}))
    language_skills = forms.MultipleChoiceField(label=_("Takes calls in"), choices=settings.LANGUAGES,
                                                widget=forms.CheckboxSelectMultiple)
    supervisor = forms.BooleanField(label=_("Call-centre supervisor"), required=False)
    field_order = ["username", "cities", "language_skills", "supervisor", "reason"]

    def __init__(self, *args, cities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cities is not None:
            self.fields["cities"].queryset = cities


class StaffAdminForm(ReasonForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail (for a new user)"), required=False)
    field_order = ["username", "email", "reason"]
