"""The municipal staff console (reached over LGWAN)."""
from __future__ import annotations

from django.shortcuts import render

from booking.models import Place, Ward
from tenants.access import staff_required
from tenants.languages import language_name


@staff_required
def home(request):
    municipality = request.tenant
    return render(request, "lgwan_access/home.html", {
        "places": Place.objects.prefetch_related("default_for_wards"),
        "wards": Ward.objects.all(),
        "languages": [language_name(code) for code in municipality.languages()],
        "role": request.membership.get_role_display(),
    })
