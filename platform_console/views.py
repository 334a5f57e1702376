"""The platform administrators' console: municipalities, onboarding, suspension."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_console.forms import OnboardingForm
from platform_console.services.onboarding import OnboardingError, onboard_municipality
from tenants.access import (
    access_cities_for_platform_admin,
    access_city_for_platform_admin,
    access_city_memberships_for_platform_admin,
    platform_admin_required,
)
from tenants.checklist import city_checklist
from tenants.selectors import municipality_site_url
from tenants.services.status import municipality_set_status


@platform_admin_required
def home(request):
    cities = (
        access_cities_for_platform_admin(request.user).prefetch_related("domains")
        .annotate(member_count=Count("memberships")).order_by("name")
    )
    return render(request, "platform_console/platform/home.html", {"cities": cities})


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
            return render(request, "platform_console/platform/onboarded.html", {
                "result": result, "checklist": city_checklist(result.municipality),
                "site_url": municipality_site_url(result.municipality),
                "staff_url": municipality_site_url(result.municipality, "/staff/"),
            })
    return render(request, "platform_console/platform/onboard.html", {"form": form})


@platform_admin_required
def detail(request, slug):
    city = access_city_for_platform_admin(request.user, slug)
    if city is None:
        raise Http404
    memberships = access_city_memberships_for_platform_admin(request.user, city)
    return render(request, "platform_console/platform/detail.html", {
        "city": city, "memberships": memberships, "site_url": municipality_site_url(city),
    })


@platform_admin_required
@require_POST
def set_status(request, slug):
    city = access_city_for_platform_admin(request.user, slug)
    if city is None:
        raise Http404
    status = request.POST.get("status", "")
    municipality_set_status(municipality=city, status=status, reason=request.POST.get("reason", ""),
                            actor=request.user)
    messages.success(request, _("The status was changed."))
    return redirect("platform:detail", slug=slug)
