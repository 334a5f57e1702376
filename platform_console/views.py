"""The platform administrators' console: municipalities, onboarding, suspension."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from platform_console.forms import OnboardingForm
from platform_console.selectors import cities_page
from platform_console.services.onboarding import OnboardingError, onboard_municipality
from platform_console.services.summaries import city_summary_refresh
from tenants.access import (
    access_city_for_platform_admin,
    platform_admin_required,
)
from tenants.checklist import city_checklist
from tenants.models import Municipality
from tenants.selectors import municipality_site_url
from tenants.services.status import municipality_set_status

COLUMNS = [  # (sort key, heading) of the cities page
    ("name", gettext_lazy("Name")), ("status", gettext_lazy("Status")),
    ("bookings", gettext_lazy("Bookings today")), ("calls", gettext_lazy("Calls today")),
    ("answer_rate", gettext_lazy("Answer rate")), ("errors", gettext_lazy("Errors (last hour)")),
    ("incidents", gettext_lazy("Open incidents")), ("lag", gettext_lazy("Replication lag")),
    ("checklist", gettext_lazy("Checklist")),
]


@platform_admin_required
def home(request):
    """Every city at a glance, from the summary rows (never a query into each city's schema)."""
    listing = cities_page(request.user, query=request.GET.get("q", ""), sort=request.GET.get("sort", "name"),
                          status=request.GET.get("status", ""), page=request.GET.get("page", 1))
    base = {"q": listing.query, "status": listing.status}
    columns = []
    for key, label in COLUMNS:
        current = listing.sort.lstrip("-") == key
        descending = listing.sort.startswith("-")
        target = f"-{key}" if current and not descending else key
        columns.append({"label": label, "url": "?" + urlencode({**base, "sort": target}),
                        "sorted": ("descending" if descending else "ascending") if current else ""})
    return render(request, "platform_console/platform/home.html", {
        "listing": listing, "page": listing.page, "columns": columns,
        "page_query": urlencode({**base, "sort": listing.sort}), "statuses": Municipality.Status.choices,
    })


@platform_admin_required
def onboard(request):
    form = OnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = onboard_municipality(**form.service_arguments(), actor=request.user)
        except OnboardingError as error:
            for field, field_errors in error.errors.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            city_summary_refresh(municipality=result.municipality)
            return render(request, "platform_console/platform/onboarded.html", {
                "result": result, "checklist": city_checklist(result.municipality),
                "site_url": municipality_site_url(result.municipality),
                "staff_url": municipality_site_url(result.municipality, "/staff/"),
            })
    return render(request, "platform_console/platform/onboard.html", {"form": form})


@platform_admin_required
@require_POST
def set_status(request, slug):
    city = access_city_for_platform_admin(request.user, slug)
    if city is None:
        raise Http404
    status = request.POST.get("status", "")
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Say why (the reason is shown to citizens while the city is suspended)."))
        return redirect("platform:detail", slug=slug)
    municipality_set_status(municipality=city, status=status, reason=reason, actor=request.user)
    messages.success(request, _("The status was changed."))
    return redirect("platform:detail", slug=slug)
