"""Which city a call is for (CC-9, CC-12): by the dialled number, then by the call's id."""
from __future__ import annotations

from telephony_adapter.providers.base import e164_to_national
from telephony_adapter.routing.models import CallRoute, DialledNumber
from tenants.models import Municipality


def dangerously_city_for_dialled(number: str) -> Municipality | None:
    """The active city a dialled number belongs to. No user acts (a caller dialled it), so no access check."""
    national = e164_to_national(number)
    if not national:
        return None
    entry = (DialledNumber.objects.select_related("municipality")
             .filter(number=national, is_active=True, municipality__status=Municipality.Status.ACTIVE,
                     municipality__kind=Municipality.Kind.CITY).first())
    return entry.municipality if entry else None


def route_for_call(provider: str, call_id: str) -> CallRoute | None:
    return CallRoute.objects.select_related("municipality").filter(provider=provider, call_id=call_id).first()


def dialled_numbers_of(municipality: Municipality) -> list[str]:
    return list(DialledNumber.objects.filter(municipality=municipality, is_active=True)
                .values_list("number", flat=True))
