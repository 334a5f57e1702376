"""Template tags that give the same output as Django's, kept once worked out.

Every page renders a few dozen `{% translate "…" %}` of fixed words and half a dozen `{% url %}`;
each costs a lookup Django makes again on every render (a lazy translation through the active
language's catalogue and its fallbacks; a reverse walk of the URL patterns). On a citizen's day
page they were a fifth of the rendering. Here, in TEMPLATES' options:

* `urls` (a builtin, in place of Django's `{% url %}`): `reverse` of the same arguments, kept per
  URL configuration, script prefix and current app (`kept_reverse`);
* `i18n` (the library `{% load i18n %}` loads, Django's with every tag and filter): a
  `{% translate %}` / `{% trans %}` of a fixed string without filters keeps its output per
  language on the template's node; anything else (a variable, filters, `as`, a
  context that is not fixed) is Django's node unchanged.

What is kept is forgotten when translations or URLs are set up again (tests that change
LOCALE_PATHS, LANGUAGES or ROOT_URLCONF).
"""
from __future__ import annotations

import functools
import itertools

from django.core.signals import setting_changed
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

_generations = itertools.count()
_current = {"generation": next(_generations)}
REVERSE_KEPT = 4096


def generation() -> int:
    """Changes whenever what is kept may no longer hold."""
    return _current["generation"]


@functools.lru_cache(maxsize=REVERSE_KEPT)
def _reverse(resolver, prefix: str, generation: int, view_name: str, args: tuple, kwargs: tuple,
             current_app: str | None) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def kept_reverse(view_name: str, args=(), kwargs=None, current_app: str | None = None) -> str:
    """`django.urls.reverse`, kept for the same arguments (arguments that cannot be a key are not)."""
    try:
        return _reverse(get_resolver(get_urlconf()), get_script_prefix(), generation(), view_name,
                        tuple(args), tuple(sorted((kwargs or {}).items())), current_app)
    except TypeError:  # unhashable
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


def _forget(*, setting, **_kwargs) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "ROOT_URLCONF", "INSTALLED_APPS"}:
        _current["generation"] = next(_generations)


setting_changed.connect(_forget)
