"""Who may open the staff console and the staff API, from where (SEC-8, SYS-5).

Every console view is wrapped in `staff_console` or `staff_admin_console`; every API view uses
the permission classes built on `staff_request_membership` and `network_allowed`. One place
decides, so the permission matrix test covers every page by covering these:

1. the request comes from one of the city's LGWAN address ranges (`network_allowed`);
2. the user holds a staff role in the city of the request (memberships in the public schema);
3. the session is not idle for longer than `STAFF_IDLE_TIMEOUT_SECONDS`;
4. the user passed the second factor in this session (`second_factor_passed`): a staff user
   without a confirmed TOTP device is sent to enrol, one with a device to verify.

A refusal changes nothing (no view runs) and is recorded as a security event: logged on
`madoguchi.security` and kept in the city's staff access log, which the staff_admin reads.
"""
from __future__ import annotations

import logging
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.network import address_in, client_address
from lgwan_access.models import StaffAccessEntry
from lgwan_access.services.security_events import security_event_record
from tenants.access import access_membership, membership_has_role, request_municipality
from tenants.models import STAFF_ROLES, Municipality, Role

security_log = logging.getLogger("madoguchi.security")

LAST_SEEN_SESSION_KEY = "staff_last_seen"


def network_allowed(request) -> bool:
    """Whether the client address lies in the LGWAN ranges of the request's city.

    The address is `kernel.network.client_address` (the proxy header counts only from a trusted
    proxy). A city without ranges, a request outside a city, or a malformed stored range refuse.
    """
    municipality = getattr(request, "tenant", None)
    if municipality is None or municipality.kind != Municipality.Kind.CITY:
        return False
    ranges = list(municipality.lgwan_networks or [])
    if not ranges:
        return False
    try:
        return address_in(client_address(request), ranges)
    except ValueError:  # a stored range that is not one (written around the service): refuse
        security_log.error("malformed LGWAN range stored for %s: %r", municipality.schema_name, ranges)
        return False


def second_factor_passed(request) -> bool:
    """Whether this session passed the second factor (django-otp's verification of the session)."""
    user = getattr(request, "user", None)
    is_verified = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and is_verified is not None and is_verified())


def staff_request_membership(request, roles=STAFF_ROLES):
    """The acting user's membership when they hold one of `roles` in the request's city, else None."""
    membership = access_membership(request.user, request_municipality(request))
    return membership if membership_has_role(membership, roles) else None


def staff_session_idle(request) -> bool:
    """Whether the staff session was idle longer than `STAFF_IDLE_TIMEOUT_SECONDS` (0: never idles)."""
    limit = settings.STAFF_IDLE_TIMEOUT_SECONDS
    last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
    return bool(limit and last_seen is not None and time.time() - float(last_seen) > limit)


def staff_session_touch(request) -> None:
    request.session[LAST_SEEN_SESSION_KEY] = time.time()


def _refused_network(request):
    security_event_record(request, StaffAccessEntry.Action.REFUSED_NETWORK)
    raise PermissionDenied


def _admitted_membership(request, roles):
    """The membership of an admitted user, a response that sends them elsewhere, or PermissionDenied."""
    if not network_allowed(request):
        _refused_network(request)
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    membership = staff_request_membership(request, roles)
    if membership is None:
        if staff_request_membership(request) is None:  # a staff user opening an admin page is no event
            security_event_record(request, StaffAccessEntry.Action.REFUSED_ROLE)
        raise PermissionDenied
    if staff_session_idle(request):
        logout(request)
        messages.info(request, _("You were logged out after a time without activity. Please log in again."))
        return None, redirect_to_login(request.get_full_path())
    return membership, None


def second_factor_url(request, next_url: str | None = None) -> str:
    return reverse("lgwan_access:second_factor") + "?" + urlencode({"next": next_url or request.get_full_path()})


def _console_guard(roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership, elsewhere = _admitted_membership(request, roles)
            if elsewhere is not None:
                return elsewhere
            if not second_factor_passed(request):
                return redirect(second_factor_url(request))
            staff_session_touch(request)
            request.membership = membership
            return view(request, *args, **kwargs)

        wrapper.staff_guard = "staff_admin" if tuple(roles) == (Role.STAFF_ADMIN,) else "staff"
        return wrapper

    return decorator


def staff_second_factor_step(view):
    """The enrolment and verification pages: like the console, but before the second factor."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership, elsewhere = _admitted_membership(request, STAFF_ROLES)
        if elsewhere is not None:
            return elsewhere
        staff_session_touch(request)
        request.membership = membership
        return view(request, *args, **kwargs)

    wrapper.staff_guard = "second_factor"
    return wrapper


staff_console = _console_guard(STAFF_ROLES)
staff_admin_console = _console_guard((Role.STAFF_ADMIN,))
