"""Reading municipalities and their addresses."""
from __future__ import annotations

from django.conf import settings

from kernel.sites import site_url
from tenants.models import Municipality


def municipality_site_url(municipality: Municipality, path: str = "/") -> str:
    domain = municipality.get_primary_domain()
    return site_url(domain.domain if domain else "", path)


def platform_url(path: str = "/") -> str:
    return site_url(settings.MADOGUCHI_PUBLIC_DOMAINS[0], path)


def active_cities():
    return Municipality.objects.cities().filter(status=Municipality.Status.ACTIVE).order_by("name")
