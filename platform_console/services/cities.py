"""Running a city from the platform console (PLT-1, PLT-2, SEC-9): its settings, branding, domains,
LGWAN ranges, toll-free numbers and hours, escalation contacts and memberships.

Every function checks its input first (bad input: an ApplicationError naming the field, nothing
written), writes in one transaction, and records who changed what and why in the platform audit
trail. A reason is required for every change.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from kernel.errors import ApplicationError
from operations.services.escalation import policy_set
from platform_console.services.onboarding import domain_errors
from telephony_adapter.selectors.routing import dangerously_city_for_dialled
from telephony_adapter.services.console import settings_save
from telephony_adapter.services.setup import dialled_number_deactivate, dialled_number_route
from tenants.access import dangerously_city_staff_admin_ids
from tenants.languages import DEFAULT_LANGUAGE, supported_language_codes
from tenants.models import COLOUR_VALIDATOR, Domain, Municipality, Role, SlotLength, User
from tenants.selectors import dangerously_user_by_username, municipality_host_cache_clear
from tenants.services.audit import platform_audit_record
from tenants.services.identities import membership_grant, user_create
from tenants.services.networks import lgwan_ranges_parse, lgwan_ranges_set


class CityChangeError(ApplicationError):
    default_message = _("The change could not be made.")


# the settings a platform administrator edits on the city's page (names per language, languages,
# slot length, booking policy, contacts); each is a field of Municipality
SETTINGS_FIELDS = (
    "name", "display_names", "enabled_languages", "default_slot_minutes", "places_selectable",
    "slot_horizon_days", "booking_opens_days", "booking_closes_hours", "change_closes_hours", "login_secret",
    "login_failure_limit", "login_lock_hours", "email_required", "personal_data_retention_days",
    "contact_phone", "call_centre_phone", "contact_email",
)


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CityChangeError(_("Say why you make this change (it is kept in the audit trail)."), field="reason")
    return reason[:500]


def _locked(municipality: Municipality) -> Municipality:
    if municipality.kind != Municipality.Kind.CITY:
        raise CityChangeError(_("Only municipalities can be changed here."))
    return Municipality.objects.select_for_update().get(pk=municipality.pk)


def _json(value):
    return value if isinstance(value, (str, int, float, bool, list, dict, type(None))) else str(value)


def city_settings_update(*, municipality: Municipality, values: dict, actor: User, reason: str) -> dict:
    """Change some of SETTINGS_FIELDS; returns what changed ({field: [before, after]})."""
    reason = _reason_required(reason)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise CityChangeError(f"not a city setting: {sorted(unknown)}")
    values = dict(values)
    errors: dict[str, list] = {}
    if "name" in values and not (values["name"] or "").strip():
        errors.setdefault("name", []).append(_("Enter the municipality's official name."))
    if "display_names" in values:
        values["display_names"] = {code: text.strip() for code, text in values["display_names"].items()
                                   if code in supported_language_codes() and text and text.strip()}
    if "enabled_languages" in values:
        languages = list(dict.fromkeys([DEFAULT_LANGUAGE, *values["enabled_languages"]]))
        if any(code not in supported_language_codes() for code in languages):
            errors.setdefault("enabled_languages", []).append(_("Unknown language code."))
        values["enabled_languages"] = languages
    if "default_slot_minutes" in values and values["default_slot_minutes"] not in SlotLength.values:
        errors.setdefault("default_slot_minutes", []).append(_("Slot length must be 60, 30, 20, 15 or 10 minutes."))
    horizon = values.get("slot_horizon_days", municipality.slot_horizon_days)
    if values.get("booking_opens_days", municipality.booking_opens_days) > horizon:
        errors.setdefault("booking_opens_days", []).append(
            _("Citizens cannot book further ahead than slots are opened (%(days)s days).") % {"days": horizon})
    if values.get("contact_email"):
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors.setdefault("contact_email", []).append(_("Enter a valid e-mail address."))
    if errors:
        raise CityChangeError(errors=errors)
    with transaction.atomic():
        city = _locked(municipality)
        changes = {}
        for field, value in values.items():
            before = getattr(city, field)
            if before != value:
                changes[field] = [_json(before), _json(value)]
                setattr(city, field, value)
        if changes:
            city.save(update_fields=list(changes))
            platform_audit_record(actor=actor, action="municipality.settings", municipality=city, changes=changes,
                                  reason=reason)
            transaction.on_commit(municipality_host_cache_clear)
    return changes


def city_branding_update(*, municipality: Municipality, primary_colour: str, accent_colour: str, actor: User,
                         reason: str, logo=None, remove_logo: bool = False) -> dict:
    reason = _reason_required(reason)
    errors: dict[str, list] = {}
    for key, colour in (("primary_colour", primary_colour), ("accent_colour", accent_colour)):
        try:
            COLOUR_VALIDATOR(colour or "")
        except ValidationError:
            errors.setdefault(key, []).append(
                _("“%(colour)s” is not a colour of the form #RRGGBB.") % {"colour": colour})
    if logo is not None and not (logo.name or "").lower().endswith((".png", ".svg", ".jpg", ".jpeg", ".webp")):
        errors.setdefault("logo", []).append(_("Upload the logo as PNG, SVG, JPEG or WebP."))
    if logo is not None and logo.size > 512 * 1024:
        errors.setdefault("logo", []).append(_("The logo may be at most 512 KB."))
    if errors:
        raise CityChangeError(errors=errors)
    with transaction.atomic():
        city = _locked(municipality)
        changes = {}
        for field, value in (("primary_colour", primary_colour.lower()), ("accent_colour", accent_colour.lower())):
            if getattr(city, field) != value:
                changes[field] = [getattr(city, field), value]
                setattr(city, field, value)
        if remove_logo and city.logo:
            changes["logo"] = [city.logo.name, ""]
            city.logo = ""
        elif logo is not None:
            changes["logo"] = [city.logo.name if city.logo else "", logo.name]
            city.logo.save(f"{city.schema_name}-{secrets.token_hex(4)}-{logo.name}", logo, save=False)
        if changes:
            city.save(update_fields=[field for field in ("primary_colour", "accent_colour", "logo")
                                     if field in changes])
            platform_audit_record(actor=actor, action="municipality.branding", municipality=city, changes=changes,
                                  reason=reason)
            transaction.on_commit(municipality_host_cache_clear)
    return changes


def city_domain_add(*, municipality: Municipality, domain: str, actor: User, reason: str,
                    primary: bool = False) -> Domain:
    reason = _reason_required(reason)
    domain = (domain or "").strip().lower().rstrip(".")
    problems = domain_errors([domain]) if domain else [_("Enter a domain.")]
    if problems:
        raise CityChangeError(errors={"domain": problems})
    with transaction.atomic():
        city = _locked(municipality)
        if primary:
            city.domains.update(is_primary=False)
        entry = Domain.objects.create(domain=domain, tenant=city, is_primary=primary or not city.domains.exists())
        platform_audit_record(actor=actor, action="municipality.domain_add", municipality=city,
                              changes={"domain": domain, "primary": entry.is_primary}, reason=reason)
        transaction.on_commit(municipality_host_cache_clear)
    return entry


def city_domain_remove(*, municipality: Municipality, domain_id: int, actor: User, reason: str) -> None:
    reason = _reason_required(reason)
    with transaction.atomic():
        city = _locked(municipality)
        entry = city.domains.filter(pk=domain_id).first()
        if entry is None:
            raise CityChangeError(_("This domain does not belong to the city."), field="domain")
        if entry.is_primary:
            raise CityChangeError(_("Make another domain the primary one before removing this one."), field="domain")
        entry.delete()
        platform_audit_record(actor=actor, action="municipality.domain_remove", municipality=city,
                              changes={"domain": entry.domain}, reason=reason)
        transaction.on_commit(municipality_host_cache_clear)


def city_domain_make_primary(*, municipality: Municipality, domain_id: int, actor: User, reason: str) -> None:
    reason = _reason_required(reason)
    with transaction.atomic():
        city = _locked(municipality)
        entry = city.domains.filter(pk=domain_id).first()
        if entry is None:
            raise CityChangeError(_("This domain does not belong to the city."), field="domain")
        previous = city.domains.filter(is_primary=True).values_list("domain", flat=True).first()
        city.domains.exclude(pk=entry.pk).update(is_primary=False)
        city.domains.filter(pk=entry.pk).update(is_primary=True)
        platform_audit_record(actor=actor, action="municipality.domain_primary", municipality=city,
                              changes={"primary": [previous, entry.domain]}, reason=reason)
        transaction.on_commit(municipality_host_cache_clear)


def city_lgwan_ranges_set(*, municipality: Municipality, ranges: str, actor: User, reason: str) -> list[str]:
    reason = _reason_required(reason)
    try:
        lgwan_ranges_parse(ranges)
    except ValidationError as error:
        raise CityChangeError(errors={"ranges": list(error.messages)}) from error
    return lgwan_ranges_set(municipality, ranges, actor=actor, reason=reason)


def city_toll_free_add(*, municipality: Municipality, number: str, actor: User, reason: str) -> str:
    reason = _reason_required(reason)
    if not re.fullmatch(r"0(120|800)-?\d{2,3}-?\d{3,4}", (number or "").strip()):
        raise CityChangeError(_("Enter a toll-free number such as 0120-123-456 or 0800-123-4567."), field="number")
    owner = dangerously_city_for_dialled(number.strip())
    if owner is not None and owner.pk != municipality.pk:
        raise CityChangeError(_("This number is already routed to another city."), field="number")
    with transaction.atomic():
        route = dialled_number_route(number=number.strip(), municipality=municipality, label=municipality.name)
        platform_audit_record(actor=actor, action="municipality.toll_free_add", municipality=municipality,
                              changes={"number": route.number}, reason=reason)
    return route.number


def city_toll_free_remove(*, municipality: Municipality, number: str, actor: User, reason: str) -> None:
    reason = _reason_required(reason)
    with transaction.atomic():
        if not dialled_number_deactivate(number=number, municipality=municipality):
            raise CityChangeError(_("This number is not routed to the city."), field="number")
        platform_audit_record(actor=actor, action="municipality.toll_free_remove", municipality=municipality,
                              changes={"number": number}, reason=reason)


def city_call_hours_set(*, municipality: Municipality, values: dict, actor: User, reason: str) -> dict:
    """The call centre's weekly hours in the city's schema (opens_at, closes_at, open_weekdays, holidays)."""
    reason = _reason_required(reason)
    if values.get("opens_at") and values.get("closes_at") and values["opens_at"] >= values["closes_at"]:
        raise CityChangeError(_("The closing time must be after the opening time."), field="closes_at")
    if "open_weekdays" in values and not values["open_weekdays"]:
        raise CityChangeError(_("Choose at least one day of the week."), field="open_weekdays")
    with tenant_context(municipality), transaction.atomic():
        try:
            settings_save(values=values)
        except ValidationError as error:
            raise CityChangeError(errors={"__all__": list(error.messages)}) from error
        platform_audit_record(actor=actor, action="municipality.call_hours", municipality=municipality,
                              changes={key: str(value) for key, value in values.items()}, reason=reason)
    return values


@dataclass(frozen=True)
class ContactSpec:
    name: str
    email: str = ""
    phone: str = ""
    language: str = DEFAULT_LANGUAGE


def city_escalation_contacts_set(*, municipality: Municipality, contacts: list[ContactSpec], repeat_minutes: int,
                                 actor: User, reason: str) -> None:
    """Who is called, in order, when an incident touches this city (operations' escalation policy)."""
    reason = _reason_required(reason)
    problems = []
    for number, contact in enumerate(contacts, start=1):
        if not contact.name.strip() or not (contact.email or contact.phone):
            problems.append(_("Contact %(number)s: a name and an e-mail address or a phone number.")
                            % {"number": number})
        elif contact.email:
            try:
                validate_email(contact.email)
            except ValidationError:
                problems.append(_("Contact %(number)s: the e-mail address is not valid.") % {"number": number})
    if not 1 <= repeat_minutes <= 120:
        problems.append(_("Repeat every 1 to 120 minutes."))
    if problems:
        raise CityChangeError(errors={"contacts": problems})
    with transaction.atomic():
        policy_set(scope=municipality.schema_name, repeat_minutes=repeat_minutes,
                   contacts=[{"name": c.name.strip(), "email": c.email, "phone": c.phone, "language": c.language,
                              "by_mail": bool(c.email), "by_phone": bool(c.phone)} for c in contacts])
        platform_audit_record(actor=actor, action="municipality.escalation_contacts", municipality=municipality,
                              changes={"contacts": [c.name for c in contacts], "repeat_minutes": repeat_minutes},
                              reason=reason)


def operator_cities_grant(*, username: str, cities: list[Municipality], language_skills: list[str], actor: User,
                          reason: str, supervisor: bool = False) -> User:
    """Give an existing user the operator role in several cities, with the languages they take calls in."""
    reason = _reason_required(reason)
    user = dangerously_user_by_username((username or "").strip())
    errors: dict[str, list] = {}
    if user is None:
        errors["username"] = [_("No user has this name.")]
    if not cities:
        errors["cities"] = [_("Choose at least one city.")]
    skills = [code for code in dict.fromkeys(language_skills) if code]
    if not skills or any(code not in supported_language_codes() for code in skills):
        errors["language_skills"] = [_("Choose the languages the operator takes calls in.")]
    if errors:
        raise CityChangeError(errors=errors)
    role = Role.OPERATOR_SUPERVISOR if supervisor else Role.OPERATOR
    with transaction.atomic():
        if user.language_skills != skills:
            previous = list(user.language_skills)
            user.language_skills = skills
            user.save(update_fields=["language_skills"])
            platform_audit_record(actor=actor, action="user.language_skills", subject_user=user,
                                  changes={"language_skills": [previous, skills]}, reason=reason)
        for city in cities:
            membership_grant(user=user, municipality=city, role=role, actor=actor, reason=reason)
    return user


@dataclass
class StaffAdminRestored:
    user: User
    generated_password: str | None


def city_staff_admin_restore(*, municipality: Municipality, username: str, email: str, actor: User,
                             reason: str) -> StaffAdminRestored:
    """Give a city that lost every staff_admin a first one again (an existing user, or a new one)."""
    reason = _reason_required(reason)
    with transaction.atomic():
        city = _locked(municipality)
        if User.objects.filter(pk__in=dangerously_city_staff_admin_ids(city)).exists():
            raise CityChangeError(_("The city has a staff administrator: they manage the city's staff."),
                                  field="username")
        username = (username or "").strip()
        user = dangerously_user_by_username(username)
        generated = None
        if user is None:
            errors = {}
            if not re.match(r"^[\w.@+-]{3,150}$", username):
                errors["username"] = [_("Enter a user name of 3–150 letters, digits and @/./+/-/_ .")]
            try:
                validate_email(email or "")
            except ValidationError:
                errors["email"] = [_("Enter a valid e-mail address.")]
            if errors:
                raise CityChangeError(errors=errors)
            generated = secrets.token_urlsafe(12)
            user = user_create(username=username, email=email, password=generated, actor=actor)
        elif not user.is_active:
            raise CityChangeError(_("This user is deactivated."), field="username")
        membership_grant(user=user, municipality=city, role=Role.STAFF_ADMIN, actor=actor,
                         reason=f"staff administrator restored: {reason}")
    return StaffAdminRestored(user=user, generated_password=generated)
