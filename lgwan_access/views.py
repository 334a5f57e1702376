"""The municipal staff console (reached over LGWAN)."""
from __future__ import annotations

from django.shortcuts import render

from booking.selectors.lookups import places_with_wards, wards
from lgwan_access.guards import staff_admin_console, staff_console
from tenants.checklist import city_checklist
from tenants.languages import language_name


@staff_console
def home(request):
    municipality = request.tenant
    return render(request, "lgwan_access/home.html", {
        "places": places_with_wards(),
        "wards": wards(),
        "languages": [language_name(code) for code in municipality.languages()],
        "role": request.membership.get_role_display(),
    })


@staff_admin_console
def checklist(request):
    """The city's go-live checklist, the same the platform console shows (computed from real state)."""
    items = city_checklist(request.tenant)
    return render(request, "lgwan_access/checklist.html", {
        "checklist": items, "done": sum(item.done for item in items), "total": len(items),
    })
