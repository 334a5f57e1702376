"""Per-municipality colours as a stylesheet, so pages need no inline style (CSP)."""
from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tenants.models import Municipality


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_text_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (WCAG contrast)."""
    return "#ffffff" if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, "#000000") else "#000000"


def branding_css(primary: str, accent: str) -> str:
    return (
        ":root{"
        f"--brand:{primary};--on-brand:{readable_text_on(primary)};"
        f"--accent:{accent};--on-accent:{readable_text_on(accent)};"
        "}\n"
    )


@require_GET
@cache_control(max_age=300, public=True)
def branding_stylesheet(request):
    """The colours of the site's municipality (the platform's own on the platform domain)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.kind != Municipality.Kind.CITY:
        primary, accent = "#1d4e89", "#c8102e"
    else:
        primary, accent = tenant.primary_colour, tenant.accent_colour
    return HttpResponse(branding_css(primary, accent), content_type="text/css; charset=utf-8")
