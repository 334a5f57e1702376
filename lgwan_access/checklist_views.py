"""The city's go-live checklist in the staff console (the same the platform console shows)."""
from __future__ import annotations

from django.shortcuts import render

from lgwan_access.guards import staff_admin_console
from tenants.checklist import city_checklist


@staff_admin_console
def checklist(request):
    """Computed from real state: a staff_admin with a second factor, calendars, notices, a routed number, a booking."""
    items = city_checklist(request.tenant)
    return render(request, "lgwan_access/checklist.html", {
        "checklist": items, "done": sum(item.done for item in items), "total": len(items),
    })
