"""The waiting room in front of the citizen pages (PLT-4): a decorator on every citizen view and the
page where citizens wait. It refreshes itself (no JavaScript) and lets them in when their turn comes.

The citizen's place in line is a signed cookie (no session is written for the waiting crowd); a
citizen already logged in (in the booking flow) always passes.
"""
from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from booking.selectors.waiting_room import place_in_line
from booking.services.waiting_room import (
    TicketRef,
    room_settings,
    waiting_room_glance,
    waiting_room_leave,
    waiting_room_pass,
)
from booking.web.session import citizen_session
from kernel.process_cache import MISSING, ProcessCache

COOKIE = "madoguchi_waiting"
COOKIE_AGE = 24 * 3600
VERIFIED_SECONDS = 60  # a cookie whose signature was checked is known for this long at most

_verified = ProcessCache()  # (salt, signed cookie) → its value: checked once, not on every request


def _verified_cookie(request) -> str | None:
    """The ticket cookie's value if its signature holds for this city and it is younger than
    COOKIE_AGE; a cookie checked lately in this process is known without the HMAC again, for no
    longer than it stays young."""
    signed = request.COOKIES.get(COOKIE)
    if signed is None:
        return None
    key = (_salt(request), signed)
    value = _verified.get(key)
    if value is MISSING:
        value = request.get_signed_cookie(COOKIE, default=None, salt=key[0], max_age=COOKIE_AGE)
        if value is not None:
            timestamp = signing.b62_decode(signed.rsplit(":", 2)[-2])  # value:timestamp:signature
            _verified.put(key, value, min(VERIFIED_SECONDS, timestamp + COOKIE_AGE - time.time()))
    return value


def _read_ticket(request) -> TicketRef | None:
    value = _verified_cookie(request)
    if not value or ":" not in value:
        return None
    ticket_id, key, *seen = value.split(":", 2)
    if not ticket_id.isdigit():
        return None
    try:
        return TicketRef(int(ticket_id), key, seen=float(seen[0]) if seen else 0.0)
    except ValueError:
        return None


def _salt(request) -> str:
    return f"waiting-room:{getattr(request.tenant, 'schema_name', '')}"


def _keep_ticket(request, response, ticket: TicketRef | None) -> None:
    if ticket is not None:
        response.set_signed_cookie(COOKIE, f"{ticket.id}:{ticket.key}:{int(ticket.seen)}", salt=_salt(request),
                                   max_age=COOKIE_AGE,
                                   httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def admission_control(view):
    """Let the request through if the room admits the citizen; otherwise send them to wait."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        ticket = _read_ticket(request)
        admission = waiting_room_pass(ticket=ticket, in_flow=citizen_session(request) is not None,
                                      entering=request.method not in ("GET", "HEAD"))
        if admission.admitted:
            response = view(request, *args, **kwargs)
        else:
            target = request.get_full_path() if request.method == "GET" else reverse("citizen:home")
            response = HttpResponseRedirect(f"{reverse('citizen:waiting_room')}?next={signing.dumps(target)}",
                                            status=303)
            response["Cache-Control"] = "no-store"
        if admission.ticket != ticket:
            _keep_ticket(request, response, admission.ticket)
        return response
    return wrapper


def passes_as_it_is(request, *, in_flow: bool) -> bool:
    """Whether a GET passes the room with its ticket (or none) unchanged, decided without the
    database: what `admission_control` would do, writing nothing. `in_flow`: a citizen logged in."""
    return waiting_room_glance(ticket=_read_ticket(request), in_flow=in_flow, entering=False)


def leave_line(request) -> None:
    """The citizen finished (booked, logged out): their place in the room is free for the next."""
    waiting_room_leave(ticket=_read_ticket(request))


def _next_path(request) -> str:
    try:
        target = signing.loads(request.GET.get("next", ""), max_age=COOKIE_AGE)
    except signing.BadSignature:
        return reverse("citizen:home")
    if not isinstance(target, str) or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return reverse("citizen:home")
    return target


@never_cache
def waiting_room(request):
    """Where a citizen waits: place in line, estimated wait; the page asks again by itself."""
    ticket = _read_ticket(request)
    admission = waiting_room_pass(ticket=ticket, in_flow=citizen_session(request) is not None)
    if admission.admitted:
        response = HttpResponseRedirect(_next_path(request), status=303)
    else:
        _mode, capacity = room_settings()
        place = place_in_line(admission.ticket.id, capacity=capacity)
        refresh = place.refresh_seconds()
        response = render(request, "booking/web/waiting_room.html", {"place": place, "refresh": refresh})
        response["Refresh"] = str(refresh)
    _keep_ticket(request, response, admission.ticket)
    return response
