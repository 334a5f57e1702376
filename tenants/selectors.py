"""Reading municipalities and their addresses."""
from __future__ import annotations

from django.conf import settings

from kernel.process_cache import ProcessCache
from kernel.sites import site_url
from tenants.models import Domain, Membership, Municipality, User


def municipality_site_url(municipality: Municipality, path: str = "/") -> str:
    domain = municipality.get_primary_domain()
    return site_url(domain.domain if domain else "", path)


def platform_url(path: str = "/") -> str:
    return site_url(settings.MADOGUCHI_PUBLIC_DOMAINS[0], path)


def public_active_cities():
    """The active cities with their public sites (the platform's landing page lists them for anyone)."""
    return Municipality.objects.cities().filter(status=Municipality.Status.ACTIVE).order_by("name")


def dangerously_active_cities():
    """Every active city, for the platform's own scheduled work (no user acts, so no access check)."""
    return Municipality.objects.cities().filter(status=Municipality.Status.ACTIVE).order_by("schema_name")


def dangerously_municipality(slug: str) -> Municipality | None:
    """A city by its identifier, for the platform's own commands (no user acts, so no access check)."""
    return Municipality.objects.filter(schema_name=slug).first()


def dangerously_user_by_username(username: str) -> User | None:
    """A user by name, for the platform's own commands and the demo seed (no user acts)."""
    return User.objects.filter(username=username).first()


def dangerously_membership(user_id: int, municipality: Municipality) -> Membership | None:
    """A user's membership in a city, for the platform's own tasks (the staff welcome mail)."""
    return Membership.objects.select_related("user").filter(user_id=user_id, municipality=municipality).first()


def dangerously_identifier_taken(slug: str) -> bool:
    """Whether a city already uses this identifier; platform-wide, so no user scope (onboarding checks)."""
    return Municipality.objects.filter(schema_name__iexact=slug).exists()


def dangerously_domain_taken(domain: str) -> bool:
    """Whether any site already answers on this domain; platform-wide by nature (onboarding checks)."""
    return Domain.objects.filter(domain__iexact=domain).exists()


def dangerously_username_taken(username: str) -> bool:
    """Whether the platform already has this user name; names are platform-wide (onboarding checks)."""
    return User.objects.filter(username__iexact=username).exists()


_HOSTS = ProcessCache()  # host name → municipality, or None for an unknown host


def municipality_for_host(hostname: str) -> Municipality | None:
    """The municipality (or the platform) a host name serves; None for an unknown host.

    Cached in this process for MADOGUCHI_HOST_CACHE_SECONDS: every request needs it, and domains
    and a city's settings change rarely. A change made in this process clears the cache at once
    (`municipality_host_cache_clear`); other processes see it within the cache's lifetime.
    """
    return _HOSTS.kept(hostname, lambda: _municipality_of(hostname), settings.MADOGUCHI_HOST_CACHE_SECONDS)


def _municipality_of(hostname: str) -> Municipality | None:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    tenant = domain.tenant if domain is not None else None
    if tenant is not None:
        tenant.domain_url = hostname
    return tenant


def municipality_host_cache_clear() -> None:
    """Forget every cached host (after a change of domains or of a city's settings)."""
    _HOSTS.clear()
