"""The citizen booking site of a municipality."""
from __future__ import annotations

from django.shortcuts import render
from django.utils import translation

from booking.models import Place


def home(request):
    language = translation.get_language()
    places = [
        {"name": place.display_name(language), "address": place.address, "phone": place.phone}
        for place in Place.objects.filter(is_active=True)
    ]
    return render(request, "booking/web/home.html", {"places": places})
