"""Absolute addresses of the product's sites, from one place.

Every absolute link (mails, calendar files, consoles pointing at a city's site) is written here:
the scheme and port come from settings (`MADOGUCHI_SITE_SCHEME`, `MADOGUCHI_SITE_PORT`), which
production sets to its public base and `make run` to the port it actually serves on.
"""
from __future__ import annotations

from django.conf import settings

DEFAULT_PORTS = {"http": "80", "https": "443"}


def site_url(host: str, path: str = "/") -> str:
    scheme = settings.MADOGUCHI_SITE_SCHEME
    port = str(settings.MADOGUCHI_SITE_PORT or "")
    netloc = host if port in ("", DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path if path.startswith('/') else '/' + path}"
