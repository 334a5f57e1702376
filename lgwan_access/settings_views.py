"""The city's settings (OPS-5, OPS-8, WEB-9): staff_admin only, all fields checked at once, audited."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from booking.selectors.lookups import active_places
from booking.services.city_settings import SettingsError, city_settings_update
from lgwan_access.forms.common import add_service_errors
from lgwan_access.forms.settings import CitySettingsForm
from lgwan_access.guards import staff_admin_console


@staff_admin_console
def city_settings(request):
    municipality = request.tenant
    form = CitySettingsForm(request.POST or None, municipality=municipality, places=active_places())
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = city_settings_update(municipality=municipality, values=form.city_values(),
                                               places=form.place_settings(), user=request.user)
            except SettingsError as error:
                add_service_errors(form, error)
            else:
                if changed:
                    messages.success(request, _("The settings were saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("lgwan_access:settings")
        return render(request, "lgwan_access/settings/form.html", {"form": form}, status=400)
    return render(request, "lgwan_access/settings/form.html", {"form": form})
