"""The city's settings (OPS-5, OPS-8, WEB-9): one form, every problem shown by its field."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models.places import GUIDANCE_KEYS
from booking.services.city_settings import PlaceSettings, place_field
from tenants.languages import language_name

GUIDANCE_LABELS = {"bring": _("What to bring (one item a line)"), "hours": _("Opening hours"),
                   "access": _("Access")}


class CitySettingsForm(forms.Form):
    email_required = forms.BooleanField(label=_("Citizens must give an e-mail address"), required=False)
    booking_opens_days = forms.IntegerField(label=_("Bookable up to this many days ahead"))
    booking_closes_hours = forms.IntegerField(label=_("Booking closes this many hours before the slot"))
    change_closes_hours = forms.IntegerField(
        label=_("Citizens may change or cancel until this many hours before the slot"))
    slot_horizon_days = forms.IntegerField(label=_("Slots are opened this many days ahead"))
    login_failure_limit = forms.IntegerField(label=_("Failed logins before a notice locks"))
    login_lock_hours = forms.IntegerField(
        label=_("A locked notice unlocks by itself after this many hours (0: only staff unlock)"))
    places_selectable = forms.BooleanField(label=_("Citizens choose the place"), required=False)
    contact_phone = forms.CharField(label=_("Citizen contact number"), required=False, max_length=32)
    call_centre_phone = forms.CharField(label=_("Call centre number"), required=False, max_length=32)
    contact_email = forms.CharField(label=_("Contact e-mail address"), required=False, max_length=254)

    def __init__(self, *args, municipality, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places
        self.languages = municipality.languages()
        for name in self.city_field_names():
            self.fields[name].initial = getattr(municipality, name)
        self.place_groups = []
        for place in places:
            selectable = place_field(place.pk, "citizen_selectable")
            phone = place_field(place.pk, "phone")
            self.fields[selectable] = forms.BooleanField(label=_("Citizens may choose this place"), required=False,
                                                         initial=place.citizen_selectable)
            self.fields[phone] = forms.CharField(label=_("Phone"), required=False, max_length=32, initial=place.phone)
            languages = []
            for language in self.languages:
                names = []
                entry = (place.guidance or {}).get(language) or {}
                for key in GUIDANCE_KEYS:
                    name = place_field(place.pk, f"guidance-{language}-{key}")
                    self.fields[name] = forms.CharField(
                        label=GUIDANCE_LABELS[key], required=False, initial=entry.get(key, ""),
                        widget=forms.Textarea(attrs={"rows": 3, "lang": language}))
                    names.append(name)
                languages.append((language_name(language), names))
            self.place_groups.append((place, selectable, phone, languages))

    def city_field_names(self) -> list[str]:
        return [name for name in self.base_fields]

    def city_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.city_field_names()}

    def place_settings(self) -> dict[int, PlaceSettings]:
        data = self.cleaned_data
        result = {}
        for place in self.places:
            guidance = {
                language: {key: data.get(place_field(place.pk, f"guidance-{language}-{key}")) or ""
                           for key in GUIDANCE_KEYS}
                for language in self.languages
            }
            result[place.pk] = PlaceSettings(
                citizen_selectable=bool(data.get(place_field(place.pk, "citizen_selectable"))),
                phone=data.get(place_field(place.pk, "phone")) or "", guidance=guidance)
        return result
