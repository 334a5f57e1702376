"""Recording who looked at what (SEC-9): every notice page view and every export or print."""
from __future__ import annotations

import ipaddress

from kernel.network import client_address
from lgwan_access.models import StaffAccessEntry


def access_record(request, action: str, target: str, **details) -> StaffAccessEntry:
    user = request.user
    return StaffAccessEntry.objects.create(
        user=user if user.is_authenticated else None,
        user_label=user.get_username() if user.is_authenticated else "",
        action=action, target=str(target)[:200], details=details,
        client_address=_address(request),
    )


def _address(request) -> str | None:
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
