"""Running one city from the platform console: its page, and one form per part of it.

Every change is a POST to its own URL with a reason; the service checks it and audits it. A refused
change shows the city's page again with the errors beside their fields, and changes nothing.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import tenant_context

from kernel.middleware import SecurityHeadersMiddleware
from operations.selectors import policies_for_console
from platform_console import forms
from platform_console.selectors import city_audit_trail, city_summary
from platform_console.services import cities as service
from platform_console.services.summaries import city_summary_refresh
from telephony_adapter.selectors.hours import call_centre_settings
from telephony_adapter.selectors.routing import dialled_numbers_of
from tenants.access import (
    access_cities_for_platform_admin,
    access_city_for_platform_admin_or_404,
    access_city_memberships_for_platform_admin,
    platform_admin_required,
)
from tenants.branding import branding_css
from tenants.checklist import city_checklist
from tenants.models import COLOUR_VALIDATOR
from tenants.selectors import municipality_site_url


def _city(request, slug):
    return access_city_for_platform_admin_or_404(request.user, slug)


def _initial_forms(request, city) -> dict:
    with tenant_context(city):
        hours = call_centre_settings()
    policy = policies_for_console(request.user).filter(scope=city.schema_name).first()
    contacts = "\n".join(", ".join([c.name, c.email, c.phone, c.language]) for c in policy.contacts.all()) \
        if policy else ""
    return {
        "settings_form": forms.CitySettingsForm(city=city),
        "branding_form": forms.BrandingForm(initial={"primary_colour": city.primary_colour,
                                                     "accent_colour": city.accent_colour}),
        "domain_form": forms.DomainForm(),
        "lgwan_form": forms.LgwanForm(initial={"ranges": "\n".join(city.lgwan_networks or [])}),
        "toll_free_form": forms.TollFreeForm(),
        "hours_form": forms.CallHoursForm(initial={
            "opens_at": hours.opens_at, "closes_at": hours.closes_at, "open_weekdays": hours.open_weekdays,
            "closed_on_holidays": hours.closed_on_holidays, "closed_year_end": hours.closed_year_end}),
        "escalation_form": forms.EscalationForm(initial={"contacts": contacts,
                                                         "repeat_minutes": policy.repeat_minutes if policy else 5}),
        "operator_form": forms.OperatorGrantForm(cities=access_cities_for_platform_admin(request.user)
                                                 .order_by("name"), initial={"cities": [city.schema_name]}),
        "staff_admin_form": forms.StaffAdminForm(),
    }


def _page(request, city, bound: dict | None = None, status: int = 200):
    context = _initial_forms(request, city)
    context.update(bound or {})
    memberships = access_city_memberships_for_platform_admin(request.user, city)
    context.update({
        "city": city, "memberships": memberships, "site_url": municipality_site_url(city),
        "summary": city_summary(city), "checklist": city_checklist(city),
        "domains": city.domains.order_by("-is_primary", "domain"),
        "numbers": dialled_numbers_of(city), "audit": city_audit_trail(request.user, city),
        "has_staff_admin": any(m.role == "staff_admin" and m.user.is_active for m in memberships),
    })
    return render(request, "platform_console/platform/detail.html", context, status=status)


def _refused(request, city, key: str, form, error: service.CityChangeError):
    for field, field_errors in error.errors.items():
        target = field if field in form.fields else None
        for message in field_errors:
            form.add_error(target, message)
    if not error.errors:
        form.add_error(None, error.message)
    return _page(request, city, {key: form}, status=400)


def _done(request, city, anchor: str, text: str | None = None):
    messages.success(request, text or _("Saved. The change is recorded in the audit trail."))
    return redirect(f"/platform/cities/{city.schema_name}/#{anchor}")


def _handle(request, slug, key, form_class, anchor, apply, **form_kwargs):
    """Bind the form, call `apply(city, form)` (a service call), then go back to the city's page
    (`apply` may return the message to show; anything else shows the usual one)."""
    city = _city(request, slug)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if not form.is_valid():
        return _page(request, city, {key: form}, status=400)
    try:
        outcome = apply(city, form)
    except service.CityChangeError as error:
        return _refused(request, city, key, form, error)
    return _done(request, city, anchor, outcome if isinstance(outcome, str) else None)


@platform_admin_required
def detail(request, slug):
    return _page(request, _city(request, slug))


@platform_admin_required
@require_POST
def update_settings(request, slug):
    city = _city(request, slug)
    return _handle(request, slug, "settings_form", forms.CitySettingsForm, "settings", lambda c, f: (
        service.city_settings_update(municipality=c, values=f.service_values(), actor=request.user,
                                     reason=f.cleaned_data["reason"])), city=city)


@platform_admin_required
@require_POST
def update_branding(request, slug):
    return _handle(request, slug, "branding_form", forms.BrandingForm, "branding", lambda c, f: (
        service.city_branding_update(
            municipality=c, primary_colour=f.cleaned_data["primary_colour"],
            accent_colour=f.cleaned_data["accent_colour"], logo=f.cleaned_data.get("logo"),
            remove_logo=f.cleaned_data["remove_logo"], actor=request.user, reason=f.cleaned_data["reason"])))


def _preview_colours(request, city) -> tuple[str, str]:
    colours = []
    for key, fallback in (("primary_colour", city.primary_colour), ("accent_colour", city.accent_colour)):
        value = request.GET.get(key, fallback)
        try:
            COLOUR_VALIDATOR(value)
        except Exception:  # noqa: BLE001 - a bad colour previews as the saved one
            value = fallback
        colours.append(value)
    return colours[0], colours[1]


@platform_admin_required
@require_GET
@xframe_options_sameorigin
def preview(request, slug):
    """The citizen landing page as it would look with these colours (nothing is saved)."""
    city = _city(request, slug)
    primary, accent = _preview_colours(request, city)
    response = render(request, "platform_console/platform/preview.html", {
        "city": city, "municipality": city, "site_name": city.display_name(), "site_name_text": None,
        "primary": primary, "accent": accent, "language_choices": [],
    })
    # the city's page shows it in a frame: the same policy as every page, framed by this site only
    response.headers["Content-Security-Policy"] = SecurityHeadersMiddleware.POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'")
    return response


@platform_admin_required
@require_GET
def preview_css(request, slug):
    city = _city(request, slug)
    primary, accent = _preview_colours(request, city)
    return HttpResponse(branding_css(primary, accent), content_type="text/css; charset=utf-8")


@platform_admin_required
@require_POST
def add_domain(request, slug):
    return _handle(request, slug, "domain_form", forms.DomainForm, "domains", lambda c, f: (
        service.city_domain_add(municipality=c, domain=f.cleaned_data["domain"], primary=f.cleaned_data["primary"],
                                actor=request.user, reason=f.cleaned_data["reason"])))


@platform_admin_required
@require_POST
def change_domain(request, slug, domain_id: int):
    action = request.POST.get("action")
    function = {"remove": service.city_domain_remove, "primary": service.city_domain_make_primary}.get(action)
    if function is None:
        raise Http404
    return _handle(request, slug, "domain_change_form", forms.ReasonForm, "domains", lambda c, f: function(
        municipality=c, domain_id=domain_id, actor=request.user, reason=f.cleaned_data["reason"]))


@platform_admin_required
@require_POST
def update_lgwan(request, slug):
    return _handle(request, slug, "lgwan_form", forms.LgwanForm, "lgwan", lambda c, f: (
        service.city_lgwan_ranges_set(municipality=c, ranges=f.cleaned_data["ranges"], actor=request.user,
                                      reason=f.cleaned_data["reason"])))


@platform_admin_required
@require_POST
def add_toll_free(request, slug):
    def apply(city, form):
        number = service.city_toll_free_add(municipality=city, number=form.cleaned_data["number"],
                                            actor=request.user, reason=form.cleaned_data["reason"])
        return _("%(number)s now rings at this city's call centre.") % {"number": number}

    return _handle(request, slug, "toll_free_form", forms.TollFreeForm, "telephony", apply)


@platform_admin_required
@require_POST
def remove_toll_free(request, slug, number: str):
    return _handle(request, slug, "toll_free_change_form", forms.ReasonForm, "telephony", lambda c, f: (
        service.city_toll_free_remove(municipality=c, number=number, actor=request.user,
                                      reason=f.cleaned_data["reason"])))


@platform_admin_required
@require_POST
def update_call_hours(request, slug):
    def apply(city, form):
        values = {key: form.cleaned_data[key] for key in
                  ("opens_at", "closes_at", "open_weekdays", "closed_on_holidays", "closed_year_end")}
        service.city_call_hours_set(municipality=city, values=values, actor=request.user,
                                    reason=form.cleaned_data["reason"])

    return _handle(request, slug, "hours_form", forms.CallHoursForm, "telephony", apply)


@platform_admin_required
@require_POST
def update_escalation(request, slug):
    return _handle(request, slug, "escalation_form", forms.EscalationForm, "escalation", lambda c, f: (
        service.city_escalation_contacts_set(
            municipality=c, contacts=f.cleaned_data["contacts"], repeat_minutes=f.cleaned_data["repeat_minutes"],
            actor=request.user, reason=f.cleaned_data["reason"])))


@platform_admin_required
@require_POST
def grant_operator(request, slug):
    def apply(city, form):
        user = service.operator_cities_grant(
            username=form.cleaned_data["username"], cities=list(form.cleaned_data["cities"]),
            language_skills=form.cleaned_data["language_skills"], supervisor=form.cleaned_data["supervisor"],
            actor=request.user, reason=form.cleaned_data["reason"])
        return _("%(user)s now answers calls for %(count)s cities.") % {
            "user": user.username, "count": len(form.cleaned_data["cities"])}

    return _handle(request, slug, "operator_form", forms.OperatorGrantForm, "members", apply,
                   cities=access_cities_for_platform_admin(request.user))


@platform_admin_required
@require_POST
def restore_staff_admin(request, slug):
    city = _city(request, slug)
    form = forms.StaffAdminForm(request.POST)
    if not form.is_valid():
        return _page(request, city, {"staff_admin_form": form}, status=400)
    try:
        restored = service.city_staff_admin_restore(
            municipality=city, username=form.cleaned_data["username"], email=form.cleaned_data["email"],
            actor=request.user, reason=form.cleaned_data["reason"])
    except service.CityChangeError as error:
        return _refused(request, city, "staff_admin_form", form, error)
    return render(request, "platform_console/platform/staff_admin_restored.html", {
        "city": city, "restored": restored, "staff_url": municipality_site_url(city, "/staff/")})


@platform_admin_required
@require_POST
def refresh_summary(request, slug):
    city = _city(request, slug)
    city_summary_refresh(municipality=city)
    return _done(request, city, "summary", _("The figures were refreshed."))
