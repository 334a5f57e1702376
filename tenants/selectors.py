"""Reading municipalities and their addresses."""
from __future__ import annotations

from django.conf import settings

from tenants.models import Municipality


def site_url(host: str, path: str = "/") -> str:
    port = str(settings.MADOGUCHI_SITE_PORT or "")
    scheme = settings.MADOGUCHI_SITE_SCHEME
    default_port = {"http": "80", "https": "443"}[scheme]
    netloc = host if port in ("", default_port) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"


def municipality_site_url(municipality: Municipality, path: str = "/") -> str:
    domain = municipality.get_primary_domain()
    return site_url(domain.domain if domain else "", path)


def platform_url(path: str = "/") -> str:
    return site_url(settings.MADOGUCHI_PUBLIC_DOMAINS[0], path)


def active_cities():
    return Municipality.objects.cities().filter(status=Municipality.Status.ACTIVE).order_by("name")
