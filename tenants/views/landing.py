from django.shortcuts import render

from tenants.selectors import active_cities, municipality_site_url


def landing(request):
    """The platform's front page: which cities book here, and where the consoles are."""
    cities = [{"city": city, "url": municipality_site_url(city)}
              for city in active_cities().prefetch_related("domains")]
    return render(request, "tenants/landing.html", {"cities": cities})
