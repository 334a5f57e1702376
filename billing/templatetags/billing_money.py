from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yen(value) -> str:
    """12345 → 12,345; -1200 → -1,200; 12.50 → 12.5 (unit prices may carry sen)."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"
