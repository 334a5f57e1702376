"""Who may do what through the staff API: the console's rules (guards), one place."""
from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from lgwan_access import guards
from tenants.models import STAFF_ROLES, Role

security_log = logging.getLogger("madoguchi.security")


class OutsideNetwork(exceptions.PermissionDenied):
    default_detail = _("The staff API answers only from this city's LGWAN.")
    default_code = "outside_network"


class NotStaffHere(exceptions.PermissionDenied):
    default_detail = _("You are not staff of this city.")
    default_code = "not_staff"


class StaffAdminOnly(exceptions.PermissionDenied):
    default_detail = _("Only a staff administrator of this city may do this.")
    default_code = "staff_admin_only"


def check_network(request) -> None:
    """Refuse a request from outside the city's LGWAN ranges, before anything else is read."""
    if not guards.network_allowed(request._request):
        security_log.warning("staff API refused outside LGWAN ranges: %s", request.path)
        raise OutsideNetwork()


class StaffApiPermission(permissions.BasePermission):
    """A staff role in the request's city; views with `staff_admin_only` (or actions named in
    `staff_admin_actions`) need staff_admin."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        # a token's authentication read the membership a moment ago (in this request); a session's did not
        membership = getattr(request.auth, "membership", None) or guards.staff_request_membership(request, STAFF_ROLES)
        if membership is None:
            security_log.warning("staff API refused for user %s: %s", request.user.pk, request.path)
            raise NotStaffHere()
        request.membership = membership
        admin_only = getattr(view, "staff_admin_only", False) or \
            getattr(view, "action", None) in getattr(view, "staff_admin_actions", ())
        if admin_only and membership.role != Role.STAFF_ADMIN:
            raise StaffAdminOnly()
        return True
