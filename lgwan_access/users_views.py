"""The city's staff users, for its staff_admin (SYS-5): create, role, remove, reset the second factor."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lgwan_access.forms.users import StaffRoleForm, StaffUserCreateForm
from lgwan_access.guards import staff_admin_console
from lgwan_access.services.second_factor import (
    SecondFactorSharedError,
    second_factor_enrolled_ids,
    second_factor_reset,
)
from tenants.access import access_city_staff_for_staff_admin, access_city_staff_membership_for_staff_admin
from tenants.services.staff_users import staff_role_set, staff_user_create, staff_user_remove

NEW_PASSWORD_SESSION_KEY = "staff_users_new_password"


@staff_admin_console
def users(request):
    form = StaffUserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = staff_user_create(municipality=request.tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            request.session[NEW_PASSWORD_SESSION_KEY] = {"username": user.username, "password": password}
            return redirect("lgwan_access:users")
    memberships = list(access_city_staff_for_staff_admin(request.user, request.tenant))
    enrolled = second_factor_enrolled_ids([m.user_id for m in memberships])
    rows = [{"membership": m, "user": m.user, "enrolled": m.user_id in enrolled,
             "role_form": StaffRoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")} for m in memberships]
    return render(request, "lgwan_access/users/list.html", {
        "form": form, "rows": rows, "new_password": request.session.pop(NEW_PASSWORD_SESSION_KEY, None),
    })


def _membership(request, membership_id):
    membership = access_city_staff_membership_for_staff_admin(request.user, request.tenant, membership_id)
    if membership is None:
        raise Http404
    return membership


@staff_admin_console
@require_POST
def user_role(request, membership_id):
    membership = _membership(request, membership_id)
    form = StaffRoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a staff role."))
        return redirect("lgwan_access:users")
    try:
        staff_role_set(membership=membership, role=form.cleaned_data["role"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role of %(user)s was changed.") % {"user": membership.user.username})
    return redirect("lgwan_access:users")


@staff_admin_console
@require_POST
def user_remove(request, membership_id):
    membership = _membership(request, membership_id)
    try:
        staff_user_remove(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(user)s no longer has access to this city.") % {"user": membership.user.username})
    return redirect("lgwan_access:users")


@staff_admin_console
@require_POST
def user_second_factor_reset(request, membership_id):
    membership = _membership(request, membership_id)
    try:
        second_factor_reset(user=membership.user, actor=request.user, municipality=request.tenant,
                            reason="reset by the city's staff administrator")
    except SecondFactorSharedError as error:
        messages.error(request, error.message)
        return redirect("lgwan_access:users")
    messages.success(request, _("The second factor of %(user)s was reset: they set it up again at their next "
                                "login.") % {"user": membership.user.username})
    return redirect("lgwan_access:users")
