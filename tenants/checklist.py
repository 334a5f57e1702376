"""The go-live checklist of a city: what is still missing before citizens can book there.

The checks belong to the layers that own the data (the booking domain: calendars, notices, a test
booking; the staff surface: the first staff_admin's second factor; the call centre: the toll-free
number's route). Each registers its check here when its app is ready, so every caller above the
tenancy layer — the platform console and the city's own staff console, which may not import one
another — reads one list computed from the real state, without importing the owners of the data.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django_tenants.utils import tenant_context

from tenants.models import Municipality


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    hint: str = ""


@dataclass(frozen=True)
class _Check:
    key: str
    order: int
    label: object  # a lazy translation
    hint: object
    check: Callable[[Municipality], bool]  # runs inside the city's schema


_CHECKS: dict[str, _Check] = {}


def checklist_register(*, key: str, order: int, label, hint, check: Callable[[Municipality], bool]) -> None:
    """Called from an AppConfig.ready(); registering the same key again replaces it."""
    _CHECKS[key] = _Check(key=key, order=order, label=label, hint=hint, check=check)


def city_checklist(municipality: Municipality) -> list[ChecklistItem]:
    """Every registered item for `municipality`, in order, each done or not (read only)."""
    checks = sorted(_CHECKS.values(), key=lambda entry: entry.order)
    if connection.schema_name == municipality.schema_name:
        return [_item(entry, municipality) for entry in checks]
    with tenant_context(municipality):
        return [_item(entry, municipality) for entry in checks]


def _item(entry: _Check, municipality: Municipality) -> ChecklistItem:
    return ChecklistItem(key=entry.key, label=str(entry.label), done=bool(entry.check(municipality)),
                         hint=str(entry.hint))

