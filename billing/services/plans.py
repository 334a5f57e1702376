"""Plans per city: what a city pays from a month on (PLT-3)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from billing.errors import BillingError
from billing.models import DateStyle, DocumentStatus, Plan, Statement
from tenants.models import Municipality, User
from tenants.services.audit import platform_audit_record


def parse_tiers(text: str) -> list[dict]:
    """"1000:50, 5000:40, *:30" → graduated bands; blank → no bands. Raises BillingError on bad input."""
    text = (text or "").strip()
    if not text:
        return []
    tiers, previous = [], 0
    parts = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    for index, part in enumerate(parts):
        bound, sep, price = part.partition(":")
        try:
            value = Decimal(price.strip())
            if not sep or value < 0 or not value.is_finite():
                raise InvalidOperation
            if bound.strip() == "*":
                if index != len(parts) - 1:
                    raise InvalidOperation
                up_to = None
            else:
                up_to = int(bound.strip())
                if up_to <= previous:
                    raise InvalidOperation
                previous = up_to
        except (InvalidOperation, ValueError):
            raise BillingError(_("Write the bands as “up to:price”, ascending, the last as “*:price”, "
                                 "e.g. 1000:50, *:30."), field="booking_tiers") from None
        tiers.append({"up_to": up_to, "yen": str(value)})
    if tiers[-1]["up_to"] is not None:
        raise BillingError(_("The last band must be “*:price” (every further booking)."), field="booking_tiers")
    return tiers


def tiers_text(tiers: list[dict]) -> str:
    return ", ".join(f"{'*' if tier['up_to'] is None else tier['up_to']}:{tier['yen']}" for tier in tiers)


def plan_save(*, municipality: Municipality, effective_from: dt.date, base_fee_yen: int, per_booking_yen: Decimal,
              booking_tiers: list[dict], per_call_minute_yen: Decimal, per_ivr_session_yen: Decimal,
              credit_cancelled_in_month: bool, date_style: str, actor: User | None) -> Plan:
    """Create or replace the plan that takes effect on the first of a month not yet invoiced."""
    if effective_from.day != 1:
        raise BillingError(_("A plan takes effect on the first day of a month."), field="effective_from")
    if date_style not in DateStyle.values:
        raise BillingError(_("Choose how dates are written."), field="date_style")
    with transaction.atomic():
        if Statement.objects.filter(municipality=municipality, kind=Statement.Kind.INVOICE,
                                    status=DocumentStatus.ISSUED, month__gte=effective_from).exists():
            raise BillingError(_("A month from that date on is already invoiced: the plan can only take effect "
                                 "after the last issued invoice."), field="effective_from")
        values = {"base_fee_yen": base_fee_yen, "per_booking_yen": per_booking_yen, "booking_tiers": booking_tiers,
                  "per_call_minute_yen": per_call_minute_yen, "per_ivr_session_yen": per_ivr_session_yen,
                  "credit_cancelled_in_month": credit_cancelled_in_month, "date_style": date_style,
                  "created_by_label": actor.get_username() if actor else "system"}
        plan, created = Plan.objects.update_or_create(municipality=municipality, effective_from=effective_from,
                                                      defaults=values)
        platform_audit_record(actor=actor, action="billing.plan.save", municipality=municipality,
                              changes={"effective_from": effective_from.isoformat(), "created": created,
                                       **{key: str(value) for key, value in values.items()
                                          if key != "created_by_label"}})
    return plan
