"""Onboarding a municipality (PLT-1): tenant, domains, settings, wards and places, first admin.

All or nothing: everything happens in one transaction, including the schema (PostgreSQL DDL is
transactional), so a failure leaves no schema, domain, place or user behind. The schema is a
clone of the migrated template schema, so a new city goes live in about a second.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_exists, tenant_context

from booking.models import Place, Ward
from booking.services.calendars import (
    DEFAULT_CAPACITY,
    DEFAULT_OPENING_HOURS,
    DEFAULT_WEEKDAYS,
    places_open_on_weekdays,
)
from kernel.errors import ApplicationError
from kernel.tasking import enqueue_on_commit
from tenants.languages import DEFAULT_LANGUAGE, supported_language_codes
from tenants.models import COLOUR_VALIDATOR, Domain, Municipality, Role, SlotLength, User
from tenants.selectors import (
    dangerously_domain_taken,
    dangerously_identifier_taken,
    dangerously_username_taken,
    municipality_host_cache_clear,
)
from tenants.services.audit import platform_audit_record
from tenants.services.identities import membership_grant, user_create

logger = logging.getLogger(__name__)
SEND_STAFF_WELCOME = "platform_console.send_staff_welcome"  # the task in platform_console/tasks.py

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,29}$")
# A full host name: at least two labels (a city's site is never a bare "localhost" or "not"), each
# label 1–63 letters, digits or hyphens, neither starting nor ending with a hyphen, 253 at most.
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")
RESERVED_SLUGS = frozenset({
    "public", "information_schema", "template", "default", "platform", "admin", "www", "api",
    "static", "media", "operator", "staff", "mail", "status", "test", "postgres",
})


class OnboardingError(ApplicationError):
    default_message = _("The municipality could not be onboarded.")


@dataclass(frozen=True)
class WardSpec:
    code: str
    name: str
    office_name: str = ""
    names: dict = field(default_factory=dict)
    office_names: dict = field(default_factory=dict)

    @property
    def office(self) -> str:
        return self.office_name or f"{self.name}役所"


@dataclass
class OnboardingResult:
    municipality: Municipality
    admin: User
    generated_password: str | None
    seconds: float  # the whole onboarding
    schema_seconds: float  # creating the schema alone (clone or migrations)


def onboard_municipality(
    *,
    slug: str,
    name: str,
    domains: list[str],
    wards: list[WardSpec],
    admin_username: str,
    admin_email: str,
    admin_password: str | None = None,
    languages: list[str] | None = None,
    display_names: dict | None = None,
    default_slot_minutes: int = SlotLength.MIN_30,
    primary_colour: str = "#1d4e89",
    accent_colour: str = "#c8102e",
    contact_phone: str = "",
    call_centre_phone: str = "",
    contact_email: str = "",
    opening_hours: tuple[dt.time, dt.time] = DEFAULT_OPENING_HOURS,
    opening_weekdays: tuple[int, ...] = DEFAULT_WEEKDAYS,
    capacity_per_slot: int = DEFAULT_CAPACITY,
    build_by_migrations: bool = False,
    actor: User | None = None,
) -> OnboardingResult:
    started = time.perf_counter()
    slug, domains, languages = _normalise(slug, domains, languages)
    errors = onboarding_errors(
        slug=slug, name=name, domains=domains, wards=wards, languages=languages,
        default_slot_minutes=default_slot_minutes, primary_colour=primary_colour, accent_colour=accent_colour,
        admin_username=admin_username, admin_email=admin_email, admin_password=admin_password,
        contact_email=contact_email, opening_hours=opening_hours, capacity_per_slot=capacity_per_slot,
    )
    if errors:
        raise OnboardingError(errors=errors)
    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        raise OnboardingError(_("Municipalities are onboarded from the platform, not from inside a city."))

    generated = None if admin_password else secrets.token_urlsafe(12)
    municipality = Municipality(
        schema_name=slug,
        name=name.strip(),
        kind=Municipality.Kind.CITY,
        display_names={code: text.strip() for code, text in (display_names or {}).items() if text and text.strip()},
        enabled_languages=languages,
        default_slot_minutes=default_slot_minutes,
        primary_colour=primary_colour,
        accent_colour=accent_colour,
        contact_phone=contact_phone,
        call_centre_phone=call_centre_phone,
        contact_email=contact_email,
    )
    municipality.build_by_migrations = build_by_migrations
    try:
        with transaction.atomic():
            schema_started = time.perf_counter()
            municipality.save(verbosity=0)
            schema_seconds = time.perf_counter() - schema_started
            for index, domain in enumerate(domains):
                Domain.objects.create(domain=domain, tenant=municipality, is_primary=index == 0)
            transaction.on_commit(municipality_host_cache_clear)
            with tenant_context(municipality):
                _create_wards_and_places(wards)
                places_open_on_weekdays(places=Place.objects.all(), weekdays=opening_weekdays,
                                        opening_hours=opening_hours, slot_minutes=default_slot_minutes,
                                        capacity=capacity_per_slot)
            platform_audit_record(actor=actor, action="municipality.onboard", municipality=municipality,
                                  changes={"domains": domains, "wards": [ward.code for ward in wards],
                                           "languages": languages})
            admin = _create_first_admin(municipality, admin_username, admin_email, admin_password or generated,
                                        actor)
            with tenant_context(municipality):
                enqueue_on_commit(SEND_STAFF_WELCOME, admin.pk)
    except IntegrityError as error:
        logger.warning("onboarding %s failed: %s", slug, error)
        raise OnboardingError(_("A municipality, domain or user with these details already exists.")) from error
    finally:
        connection.set_schema_to_public()
    seconds = time.perf_counter() - started
    logger.info("onboarded municipality %s in %.2f s", slug, seconds)
    return OnboardingResult(municipality=municipality, admin=admin, generated_password=generated, seconds=seconds,
                            schema_seconds=schema_seconds)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _normalise(slug, domains, languages) -> tuple[str, list[str], list[str]]:
    slug = (slug or "").strip().lower()
    domains = _unique([d.strip().lower().rstrip(".") for d in domains if d and d.strip()])
    languages = _unique([DEFAULT_LANGUAGE] + [code.strip().lower() for code in (languages or []) if code.strip()])
    return slug, domains, languages


def domain_errors(domains: list[str]) -> list:
    """One message per domain that is not a full host name or is already in use (each token on its own)."""
    messages = []
    for domain in domains:
        if not DOMAIN_PATTERN.match(domain):
            messages.append(_("“%(domain)s” is not a valid domain name (a full host name such as "
                              "city.example.jp).") % {"domain": domain})
        elif domain in settings.MADOGUCHI_PUBLIC_DOMAINS or dangerously_domain_taken(domain):
            messages.append(_("The domain “%(domain)s” is already in use.") % {"domain": domain})
    return messages


def onboarding_errors(*, slug, name, domains, wards, languages, default_slot_minutes, primary_colour,
                      accent_colour, admin_username, admin_email, admin_password, contact_email, opening_hours,
                      capacity_per_slot) -> dict[str, list]:
    """Every problem with these details at once, keyed by the field it belongs to (nothing is written)."""
    slug, domains, languages = _normalise(slug, domains, languages)
    errors: dict[str, list] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if not SLUG_PATTERN.match(slug):
        add("slug", _("Use 3–30 lower-case letters, digits or underscores, starting with a letter."))
    elif slug in RESERVED_SLUGS or slug == settings.TENANT_BASE_SCHEMA or slug.startswith("pg_"):
        add("slug", _("This name is reserved by the platform."))
    elif dangerously_identifier_taken(slug) or schema_exists(slug):
        add("slug", _("A municipality with this identifier already exists."))
    if not (name or "").strip():
        add("name", _("Enter the municipality's official name."))
    if not domains:
        add("domains", _("Enter at least one domain."))
    for message in domain_errors(domains):
        add("domains", message)
    unknown = [code for code in languages if code not in supported_language_codes()]
    if unknown:
        add("languages", _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)})
    if default_slot_minutes not in SlotLength.values:
        add("default_slot_minutes", _("Slot length must be 60, 30, 20, 15 or 10 minutes."))
    for key, colour in (("primary_colour", primary_colour), ("accent_colour", accent_colour)):
        try:
            COLOUR_VALIDATOR(colour or "")
        except ValidationError:
            add(key, _("“%(colour)s” is not a colour of the form #RRGGBB.") % {"colour": colour})
    if not wards:
        add("wards", _("Enter at least one ward with its ward office."))
    codes = [ward.code for ward in wards]
    if len(set(codes)) != len(codes):
        add("wards", _("Ward codes must be unique."))
    for ward in wards:
        if not re.match(r"^[a-z0-9][a-z0-9_-]{0,31}$", ward.code or "") or not (ward.name or "").strip():
            add("wards", _("Each ward needs a code (lower-case letters, digits) and a name."))
            break
    if not opening_hours[0] < opening_hours[1]:
        add("opening_hours", _("The closing time must be after the opening time."))
    if not 0 <= capacity_per_slot <= 500:
        add("capacity_per_slot", _("Capacity must be between 0 and %(max)s.") % {"max": 500})
    _validate_admin(add, admin_username, admin_email, admin_password)
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            add("contact_email", _("Enter a valid e-mail address."))
    return errors


def _validate_admin(add, username, email, password) -> None:
    if not re.match(r"^[\w.@+-]{3,150}$", username or ""):
        add("admin_username", _("Enter a user name of 3–150 letters, digits and @/./+/-/_ ."))
    elif dangerously_username_taken(username):
        add("admin_username", _("This user name is already taken."))
    try:
        validate_email(email or "")
    except ValidationError:
        add("admin_email", _("Enter a valid e-mail address."))
    if password:
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            for message in error.messages:
                add("admin_password", message)


def _create_wards_and_places(wards: list[WardSpec]) -> None:
    for order, spec in enumerate(wards):
        ward = Ward.objects.create(code=spec.code, name=spec.name.strip(), names=spec.names, sort_order=order)
        office = Place.objects.create(
            code=spec.code, kind=Place.Kind.WARD_OFFICE, name=spec.office, names=spec.office_names,
            sort_order=order,
        )
        office.default_for_wards.add(ward)


def _create_first_admin(municipality: Municipality, username: str, email: str, password: str,
                        actor: User | None) -> User:
    admin = user_create(username=username, email=email, password=password, actor=actor)
    membership_grant(user=admin, municipality=municipality, role=Role.STAFF_ADMIN, actor=actor,
                     reason="first administrator at onboarding")
    return admin
