"""Log in, log out, change password (SYS-5) on every site, each scoped to its own audience."""
from __future__ import annotations

import math
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kernel.errorpages import error_page
from kernel.network import client_address
from tenants.access import access_is_platform_admin, access_membership, access_municipalities, membership_has_role
from tenants.models import OPERATOR_ROLES, STAFF_ROLES, Municipality
from tenants.selectors import platform_url
from tenants.services.identities import user_password_changed, user_sessions_revoke
from tenants.services.login_throttle import LoginThrottled, login_throttle_admit, login_throttle_succeeded


class SiteAuthenticationForm(AuthenticationForm):
    """Only people who belong to this site may log in here."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_access_here": _("This account has no access to this site. Please use the address you were given."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        tenant = getattr(self.request, "tenant", None)
        if tenant is not None and tenant.kind == Municipality.Kind.CITY:
            allowed = access_membership(user, tenant) is not None
        else:
            allowed = access_is_platform_admin(user) or access_municipalities(user).exists()
        if not allowed:
            raise forms.ValidationError(self.error_messages["no_access_here"], code="no_access_here")


class LoginView(auth_views.LoginView):
    """The password login, throttled per account and per address (tenants.services.login_throttle)."""

    form_class = SiteAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        try:
            ticket = login_throttle_admit(request.POST.get("username", ""), client_address(request))
        except LoginThrottled as refused:
            minutes = max(1, math.ceil(refused.retry_after / 60))
            return error_page(request, 429, retry_after=refused.retry_after, message=gettext(
                "Too many login attempts for this account or from this connection. "
                "Please try again in %(minutes)d min.") % {"minutes": minutes})
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            login_throttle_succeeded(ticket)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes their own password; city staff only after the second factor of this session."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def dispatch(self, request, *args, **kwargs):
        tenant = getattr(request, "tenant", None)
        if (request.user.is_authenticated and tenant is not None and tenant.kind == Municipality.Kind.CITY
                and membership_has_role(access_membership(request.user, tenant), STAFF_ROLES)
                and not request.user.is_verified()):
            return redirect(f"{reverse('lgwan_access:second_factor')}?{urlencode({'next': request.path})}")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user)
        return response


@login_required
@require_POST
def logout_everywhere(request):
    """End every session of this user, on every device, this one included."""
    user_sessions_revoke(user=request.user)
    logout(request)
    messages.success(request, _("You were logged out on every device."))
    return redirect("accounts:login")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@login_required
def home(request):
    """Where a user lands after logging in: the console of their role on this site."""
    tenant = getattr(request, "tenant", None)
    if tenant is not None and tenant.kind == Municipality.Kind.CITY:
        membership = access_membership(request.user, tenant)
        if membership is None:
            raise PermissionDenied
        if membership_has_role(membership, STAFF_ROLES):
            return redirect("lgwan_access:home")
        if membership_has_role(membership, OPERATOR_ROLES):
            return redirect(platform_url("/operator/"))
        raise PermissionDenied
    if access_is_platform_admin(request.user):
        return redirect("platform:home")
    if access_municipalities(request.user).exists():
        return redirect("telephony_adapter:home")
    raise PermissionDenied
