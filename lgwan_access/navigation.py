"""The staff console's menu: one entry per section, in the order a clerk's day goes.

Each entry is (URL name, label, staff_admin only). A section adds its own line here.
"""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("lgwan_access:home", _("Today"), False),
    ("lgwan_access:calendars", _("Calendars"), False),
    ("lgwan_access:notices", _("Notices"), False),
    ("lgwan_access:counter", _("Counter"), False),
    ("lgwan_access:bulk_notices", _("Add notices"), False),
    ("lgwan_access:cards_check_in", _("Check-in"), False),
    ("lgwan_access:pull_list", _("Pull list"), False),
    ("lgwan_access:handover", _("Handover"), False),
    ("lgwan_access:cards_progress", _("Cards/progress"), False),
    ("lgwan_access:cards_imports", _("Card import"), False),
    ("lgwan_access:lists", _("Lists and exports"), False),
    # the call centre's pages for the city (telephony_adapter.staff_urls)
    ("telephony_staff:complaints", _("Complaints"), False),
    ("telephony_staff:referrals", _("Referral directory"), False),
    ("lgwan_access:settings", _("Settings"), True),
    ("billing_staff:statements", _("Statements and reports"), True),
    ("lgwan_access:checklist", _("Go-live checklist"), True),
    ("lgwan_access:networks", _("LGWAN address ranges"), True),
    ("lgwan_access:users", _("Users"), True),
    ("lgwan_access:audit", _("Audit"), True),
    ("lgwan_access:api_tokens", _("API tokens"), False),
]


def console_sections(request) -> list[dict]:
    is_admin = getattr(getattr(request, "membership", None), "role", None) == "staff_admin"
    current = request.resolver_match.view_name if getattr(request, "resolver_match", None) else ""
    entries = []
    for name, label, admin_only in SECTIONS:
        if admin_only and not is_admin:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        entries.append({"url": url, "label": label, "current": current == name})
    return entries
