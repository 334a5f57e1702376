"""A city's own settings, changed by its staff_admin (OPS-5, OPS-8, WEB-9).

Booking fields, booking window and change cut-off, login lock, whether citizens choose the
place, contact numbers, and per place: whether it can be chosen, its phone and its guidance per
language (what to bring, hours, access). Everything is checked at once and every problem is
reported by its field; then everything is saved in one transaction, the city's fields recorded in
the platform's audit trail and the places' in the city's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from booking.clock import current_municipality
from booking.errors import BookingError
from booking.models import Channel, Place
from booking.models.places import GUIDANCE_KEYS
from booking.services.audit import Actor, audit_record
from booking.services.calendars import slots_regenerate
from tenants.models import Municipality
from tenants.selectors import municipality_host_cache_clear
from tenants.services.audit import platform_audit_record

CITY_FIELDS = ("email_required", "places_selectable", "slot_horizon_days", "booking_opens_days",
               "booking_closes_hours", "change_closes_hours", "login_failure_limit", "login_lock_hours",
               "contact_phone", "call_centre_phone", "contact_email")
RANGES = {  # field: (minimum, maximum)
    "slot_horizon_days": (7, 365),
    "booking_opens_days": (1, 365),
    "booking_closes_hours": (0, 720),
    "change_closes_hours": (0, 720),
    "login_failure_limit": (1, 20),
    "login_lock_hours": (0, 720),
}
PHONE = re.compile(r"^\+?[0-9][0-9\- ()]{1,30}$")
GUIDANCE_MAX_LENGTH = 2000


class SettingsError(BookingError):
    default_message = _("The settings were not saved. Please correct the fields marked.")


@dataclass
class PlaceSettings:
    citizen_selectable: bool
    phone: str = ""
    guidance: dict[str, dict[str, str]] = field(default_factory=dict)  # language → {bring, hours, access}


def place_field(place_id: int, name: str) -> str:
    """How a place's setting is named in errors (and in the console's form)."""
    return f"place-{place_id}-{name}"


def _check(values: dict, places: dict[int, PlaceSettings], languages: list[str], active_places: dict[int, Place]):
    errors: dict[str, list] = {}

    def error(name: str, message) -> None:
        errors.setdefault(name, []).append(message)

    for name, (low, high) in RANGES.items():
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            error(name, _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
    if not errors.get("booking_opens_days") and not errors.get("slot_horizon_days") \
            and values["booking_opens_days"] > values["slot_horizon_days"]:
        error("booking_opens_days", _("Citizens cannot book further ahead than slots are opened."))
    for name in ("contact_phone", "call_centre_phone"):
        if values.get(name) and not PHONE.match(values[name]):
            error(name, _("Enter a phone number: digits, hyphens, spaces or brackets."))
    if values.get("contact_email"):
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            error("contact_email", _("Enter a valid e-mail address."))
    for place_id, settings in places.items():
        if place_id not in active_places:
            error("__all__", _("A place in the form no longer exists."))
            continue
        if settings.phone and not PHONE.match(settings.phone):
            error(place_field(place_id, "phone"), _("Enter a phone number: digits, hyphens, spaces or brackets."))
        for language, texts in settings.guidance.items():
            if language not in languages:
                error("__all__", _("Guidance can only be given in the city's languages."))
                continue
            for key, text in texts.items():
                if key not in GUIDANCE_KEYS:
                    continue
                if len(text) > GUIDANCE_MAX_LENGTH:
                    error(place_field(place_id, f"guidance-{language}-{key}"),
                          _("At most %(max)s characters.") % {"max": GUIDANCE_MAX_LENGTH})
    if values.get("places_selectable"):
        selectable = [pid for pid, place in active_places.items()
                      if (places[pid].citizen_selectable if pid in places else place.citizen_selectable)]
        if not selectable:
            error("places_selectable", _("Citizens can only choose the place when at least one place may be chosen."))
    return errors


def _guidance(current: dict, updates: dict[str, dict[str, str]]) -> dict:
    guidance = {language: dict(texts) for language, texts in (current or {}).items() if isinstance(texts, dict)}
    for language, texts in updates.items():
        entry = guidance.setdefault(language, {})
        for key in GUIDANCE_KEYS:
            if key in texts:
                text = texts[key].strip().replace("\r\n", "\n")
                if text:
                    entry[key] = text
                else:
                    entry.pop(key, None)
        if not entry:
            guidance.pop(language)
    return guidance


def city_settings_update(*, municipality: Municipality, values: dict, places: dict[int, PlaceSettings],
                         user) -> list[str]:
    """Save the city's settings and its places'; returns the names of what changed. All or nothing."""
    values = {name: values.get(name) for name in CITY_FIELDS}
    for name in ("contact_phone", "call_centre_phone", "contact_email"):
        values[name] = (values[name] or "").strip()
    for name in ("email_required", "places_selectable"):
        values[name] = bool(values[name])
    active_places = {place.pk: place for place in Place.objects.filter(is_active=True)}
    errors = _check(values, places, municipality.languages(), active_places)
    if errors:
        raise SettingsError(errors=errors)
    changed: list[str] = []
    with transaction.atomic():
        city = Municipality.objects.select_for_update().get(pk=municipality.pk)
        differences = {name: [getattr(city, name), value] for name, value in values.items()
                       if getattr(city, name) != value}
        if differences:
            for name, (_old, new) in differences.items():
                setattr(city, name, new)
            city.save(update_fields=list(differences))
            platform_audit_record(actor=user, action="city.settings", municipality=city, changes=differences)
            transaction.on_commit(municipality_host_cache_clear)
            changed += list(differences)
        actor = Actor.for_user(user, channel=Channel.STAFF)
        for place_id, settings in places.items():
            place = Place.objects.select_for_update().get(pk=place_id)
            new = {"citizen_selectable": settings.citizen_selectable, "phone": settings.phone.strip(),
                   "guidance": _guidance(place.guidance, settings.guidance)}
            place_changes = {name: [getattr(place, name), value] for name, value in new.items()
                             if getattr(place, name) != value}
            if place_changes:
                for name, (_old, value) in place_changes.items():
                    setattr(place, name, value)
                place.save(update_fields=list(place_changes))
                audit_record(actor=actor, action="place.settings", changes={"place": place.code, **place_changes})
                changed += [place_field(place_id, name) for name in place_changes]
        for instance in {id(municipality): municipality, id(current_municipality()): current_municipality()}.values():
            if instance.pk == city.pk:
                for name in differences:
                    setattr(instance, name, getattr(city, name))
        horizon = differences.get("slot_horizon_days")
        if horizon and horizon[1] > horizon[0]:  # open the slots of the days that entered the horizon
            for place in active_places.values():
                slots_regenerate(place=place)
    return changed
