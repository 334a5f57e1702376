"""The web process's garbage collector, settled once the application is loaded.

CPython's collector walks every tracked object of the generation it collects. A loaded web process
tracks some 120,000 long-lived objects (modules, models, URL patterns), and a full collection
walks them all: 60 ms on the two-core bench machine, with the interpreter held. In the release
rush, collections took about an eighth of the time one worker held the interpreter (py-spy).

After loading, `gc.freeze()` moves what exists to a permanent generation the collector no longer
walks (a full collection then took 0.01 ms), and a larger first threshold collects the young
generation less often.
Reference cycles are still collected; they are collected less often.

MADOGUCHI_GC_THRESHOLD ("first,second,third", default below) sets the thresholds; "off" leaves the
interpreter's defaults, for comparing the two.
"""
from __future__ import annotations

import gc
import os

from django.core.exceptions import ImproperlyConfigured

DEFAULT_THRESHOLD = (50_000, 20, 20)


def gc_threshold() -> tuple[int, int, int] | None:
    """The thresholds to use; None means the interpreter's own."""
    value = os.environ.get("MADOGUCHI_GC_THRESHOLD", "").strip()
    if value.lower() == "off":
        return None
    if not value:
        return DEFAULT_THRESHOLD
    try:
        first, second, third = (int(part) for part in value.split(","))
    except ValueError:
        raise ImproperlyConfigured('MADOGUCHI_GC_THRESHOLD must be three whole numbers "first,second,third" '
                                   f'or "off", not {value!r}') from None
    if first < 1 or second < 1 or third < 1:
        raise ImproperlyConfigured(f"MADOGUCHI_GC_THRESHOLD must be positive, not {value!r}")
    return first, second, third


def settle_after_loading() -> None:
    """Load what every request needs, then take it out of the collector's walks (see the module)."""
    threshold = gc_threshold()
    if threshold is None:
        return
    from django.urls import get_resolver

    for urlconf in ("config.urls_public", "config.urls_tenant"):
        get_resolver(urlconf).url_patterns  # noqa: B018 - imports the views and their modules now
    gc.collect()
    gc.freeze()
    gc.set_threshold(*threshold)
