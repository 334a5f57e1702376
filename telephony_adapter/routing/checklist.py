"""What the go-live checklist (tenants.checklist) asks of the call centre."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from telephony_adapter.routing.models import DialledNumber


def toll_free_number_routed(municipality) -> bool:
    return DialledNumber.objects.filter(municipality=municipality, is_active=True).exists()


CHECKS = [
    dict(key="toll_free", order=40, label=_("Toll-free number routed to the city's call centre"),
         hint=_("Platform console: the city's page, toll-free numbers."), check=toll_free_number_routed),
]
