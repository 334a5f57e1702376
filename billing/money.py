"""Money as integer yen: line amounts, graduated per-booking bands, consumption tax once per invoice.

A qualified invoice (適格請求書, インボイス制度) states, per tax rate, the total of the lines and
the tax on that total; the tax is rounded once per invoice and rate (here: down to the yen), never
per line. Line amounts are whole yen, rounded down (quantity × a unit price that may have sen).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal


def yen(value: Decimal | int) -> int:
    """Whole yen, rounded toward zero (so a credit note's amounts mirror the invoice's)."""
    return int(Decimal(value).to_integral_value(rounding=ROUND_DOWN))


def line_amount(quantity: int, unit_price: Decimal) -> int:
    return yen(Decimal(quantity) * Decimal(unit_price))


@dataclass(frozen=True)
class Band:
    quantity: int
    unit_price: Decimal
    up_to: int | None


def booking_bands(count: int, tiers: list[dict], flat_price: Decimal) -> list[Band]:
    """Split a month's bookings into the plan's graduated bands (each band at its own price).

    `tiers` is ordered: [{"up_to": 1000, "yen": "50"}, {"up_to": None, "yen": "30"}]; without tiers
    every booking costs `flat_price`. Bands with no booking are left out.
    """
    if not tiers:
        return [Band(count, Decimal(flat_price), None)] if count else []
    bands, below = [], 0
    for tier in tiers:
        up_to = tier.get("up_to")
        room = count - below if up_to is None else max(0, min(count, int(up_to)) - below)
        if room > 0:
            bands.append(Band(room, Decimal(str(tier["yen"])), up_to))
        if up_to is None or count <= int(up_to):
            break
        below = int(up_to)
    return bands


def tax_by_rate(lines: list[tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """{rate percent: (taxable total, tax)} from (amount, rate) lines: one rounding per rate (floor)."""
    totals: dict[int, int] = defaultdict(int)
    for amount, rate in lines:
        totals[rate] += amount
    return {rate: (total, _tax(total, rate)) for rate, total in sorted(totals.items())}


def _tax(total: int, rate: int) -> int:
    tax = (Decimal(abs(total)) * rate / 100).to_integral_value(rounding=ROUND_FLOOR)
    return int(tax) if total >= 0 else -int(tax)  # a credit note gives back exactly the tax the invoice took
