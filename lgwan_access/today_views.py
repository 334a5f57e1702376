"""Today (the console's landing page): every place's day and week at a glance."""
from __future__ import annotations

from django.shortcuts import render

from booking.selectors.dashboard import CHANNELS, today_overview
from lgwan_access.charts import CHANNEL_COLOURS, hour_chart
from lgwan_access.guards import staff_console


@staff_console
def home(request):
    overview = today_overview()
    places = [{"figures": figures, "chart": hour_chart(figures.hours, CHANNELS)} for figures in overview.places]
    return render(request, "lgwan_access/today/home.html", {
        "overview": overview, "places": places, "channels": CHANNELS,
        "legend": [(channel, CHANNEL_COLOURS[channel]) for channel in CHANNELS],
        "role": request.membership.get_role_display(),
    })
