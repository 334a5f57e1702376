"""A city's LGWAN address ranges (SEC-8): validated, normalised, every change audited.

The platform console and the city's staff_admin both change them through `lgwan_ranges_set`.
"""
from __future__ import annotations

import ipaddress

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.models import Municipality, User
from tenants.services.audit import platform_audit_record

LOOPBACK_RANGES = ["127.0.0.0/8", "::1/128"]
MAX_RANGES = 100


def lgwan_ranges_parse(ranges) -> list[str]:
    """Normalised CIDR strings from a list or a text (one range per line, commas or spaces too).

    Raises ValidationError listing every entry that is not a network (e.g. `10.0.0.0/33`) or has
    host bits set (`10.0.0.1/24`: write `10.0.0.0/24`, or `10.0.0.1/32` for one address).
    """
    if isinstance(ranges, str):
        entries = ranges.replace(",", " ").split()
    else:
        entries = [str(entry).strip() for entry in ranges if str(entry).strip()]
    errors, result = [], []
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry, strict=True)
        except ValueError:
            errors.append(ValidationError(
                _("“%(entry)s” is not an address range. Write it as e.g. 10.20.0.0/16 or 2001:db8::/32."),
                code="invalid_range", params={"entry": entry}))
            continue
        if str(network) not in result:
            result.append(str(network))
    if len(result) > MAX_RANGES:
        errors.append(ValidationError(_("At most %(count)d address ranges."), code="too_many",
                                      params={"count": MAX_RANGES}))
    if errors:
        raise ValidationError(errors)
    return result


def lgwan_ranges_set(municipality: Municipality, ranges, actor: User | None, reason: str = "") -> list[str]:
    """Replace the city's LGWAN ranges (validated first: bad input changes nothing). Audited."""
    normalised = lgwan_ranges_parse(ranges)
    with transaction.atomic():
        city = Municipality.objects.select_for_update().get(pk=municipality.pk)
        previous = list(city.lgwan_networks or [])
        if previous != normalised:
            city.lgwan_networks = normalised
            city.save(update_fields=["lgwan_networks"])
            platform_audit_record(actor=actor, action="municipality.lgwan_networks", municipality=city,
                                  changes={"lgwan_networks": [previous, normalised]}, reason=reason)
    municipality.lgwan_networks = normalised
    return normalised
