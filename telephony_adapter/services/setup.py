"""Putting a city on the call centre: its toll-free number routed to it, its operators' presence,
its settings and a first referral directory. Idempotent (onboarding and the demo run it again)."""
from __future__ import annotations

from django.db import transaction

from telephony_adapter.models import CallCentreSettings, Referral
from telephony_adapter.providers.base import e164_to_national
from telephony_adapter.routing.models import DialledNumber
from telephony_adapter.services.distribution import presence_of

# The national My Number Card hotline (マイナンバー総合フリーダイヤル) every city refers callers to.
NATIONAL_HOTLINE = ("マイナンバー総合フリーダイヤル", "0120-95-0178",
                    "マイナンバーカード・マイナンバー制度全般、カードの一時停止（24時間）")


def dialled_number_route(*, number: str, municipality, label: str = "") -> DialledNumber:
    """Route a toll-free number to a city (the public schema's routing table)."""
    national = e164_to_national(number)
    if not national.startswith("0") or len(national) < 10:
        raise ValueError(f"not a Japanese phone number: {number!r}")
    route, _created = DialledNumber.objects.update_or_create(
        number=national, defaults={"municipality": municipality, "label": label[:100], "is_active": True})
    return route


def call_centre_setup(*, municipality, number: str, operators=(), referrals: list[tuple] | None = None) -> None:
    """Inside the city's schema: its number, settings, first referrals, and its operators' presence."""
    with transaction.atomic():
        dialled_number_route(number=number, municipality=municipality, label=municipality.name)
        if not CallCentreSettings.objects.exists():
            CallCentreSettings.objects.create()
        if not Referral.objects.exists():
            entries = referrals if referrals is not None else [NATIONAL_HOTLINE]
            if municipality.contact_phone:
                entries = [*entries, (f"{municipality.name} 市民総合窓口課", municipality.contact_phone,
                                      "交付窓口の混雑、本人確認書類、郵送・代理での受け取り")]
            for order, (name, phone, topics) in enumerate(entries):
                Referral.objects.create(name=name, phone=phone, topics=topics, sort_order=order)
        for user in operators:
            presence_of(user)


def dialled_number_deactivate(*, number: str, municipality) -> bool:
    """Stop routing a number to a city (kept for the call history); False if it was not routed there."""
    national = e164_to_national(number)
    return bool(DialledNumber.objects.filter(number=national, municipality=municipality, is_active=True)
                .update(is_active=False))
