from django.shortcuts import render

from tenants.selectors import municipality_site_url, public_active_cities


def landing(request):
    """The platform's front page: which cities book here, and where the consoles are."""
    cities = [{"city": city, "url": municipality_site_url(city)}
              for city in public_active_cities().prefetch_related("domains")]
    return render(request, "platform_console/landing.html", {"cities": cities})
