"""The platform administrators' console: municipalities, onboarding, suspension."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.access import platform_admin_required
from tenants.forms import OnboardingForm
from tenants.models import Municipality
from tenants.selectors import municipality_site_url
from tenants.services.onboarding import OnboardingError, onboard_municipality
from tenants.services.status import municipality_set_status


@platform_admin_required
def home(request):
    cities = (
        Municipality.objects.cities().prefetch_related("domains")
        .annotate(member_count=Count("memberships")).order_by("name")
    )
    return render(request, "tenants/platform/home.html", {"cities": cities})


@platform_admin_required
def onboard(request):
    form = OnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = onboard_municipality(**form.service_arguments())
        except OnboardingError as error:
            for field, field_errors in error.errors.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return render(request, "tenants/platform/onboarded.html", {
                "result": result,
                "site_url": municipality_site_url(result.municipality),
                "staff_url": municipality_site_url(result.municipality, "/staff/"),
            })
    return render(request, "tenants/platform/onboard.html", {"form": form})


@platform_admin_required
def detail(request, slug):
    city = get_object_or_404(Municipality.objects.cities().prefetch_related("domains"), schema_name=slug)
    memberships = city.memberships.select_related("user").order_by("role", "user__username")
    return render(request, "tenants/platform/detail.html", {
        "city": city, "memberships": memberships, "site_url": municipality_site_url(city),
    })


@platform_admin_required
@require_POST
def set_status(request, slug):
    city = get_object_or_404(Municipality.objects.cities(), schema_name=slug)
    status = request.POST.get("status", "")
    municipality_set_status(municipality=city, status=status, reason=request.POST.get("reason", ""),
                            actor=request.user)
    messages.success(request, _("The status was changed."))
    return redirect("platform:detail", slug=slug)
