"""The city's LGWAN address ranges, for its staff_admin (SEC-8); the platform console edits them too."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kernel.network import client_address
from lgwan_access.forms.networks import LgwanRangesForm
from lgwan_access.guards import staff_admin_console
from tenants.services.networks import lgwan_ranges_set


@staff_admin_console
def networks(request):
    city = request.tenant
    form = LgwanRangesForm(request.POST or None, client_address=client_address(request),
                           initial={"ranges": "\n".join(city.lgwan_networks or [])})
    if request.method == "POST" and form.is_valid():
        lgwan_ranges_set(city, form.cleaned_data["ranges"], actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The LGWAN address ranges were saved."))
        return redirect("lgwan_access:networks")
    return render(request, "lgwan_access/networks/edit.html", {
        "form": form, "address": client_address(request), "ranges": city.lgwan_networks,
    })
