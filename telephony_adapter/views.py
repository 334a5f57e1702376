"""The operator console. Operators answer for several cities; this page lists theirs."""
from __future__ import annotations

from django.shortcuts import render

from tenants.access import access_municipalities, operator_console_required
from tenants.languages import language_name
from tenants.selectors import municipality_site_url


@operator_console_required
def home(request):
    cities = [
        {
            "city": city,
            "site_url": municipality_site_url(city),
            "languages": [language_name(code) for code in city.languages()],
        }
        for city in access_municipalities(request.user).prefetch_related("domains")
    ]
    skills = [language_name(code) for code in request.user.language_skills]
    return render(request, "telephony_adapter/home.html", {"cities": cities, "skills": skills})
