"""The citizen's session: which notice is logged in, for how long."""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from booking.models import Notice
from booking.selectors.lookups import notice_by_id

NOTICE_KEY = "citizen_notice_id"


def citizen_log_in(request, notice: Notice) -> None:
    request.session.cycle_key()  # no session fixation
    request.session[NOTICE_KEY] = notice.pk
    request.session.set_expiry(settings.BOOKING_CITIZEN_SESSION_SECONDS)


def citizen_log_out(request) -> None:
    request.session.flush()


def citizen_required(view):
    """The logged-in notice as `request.notice`; an expired session goes back to the login with a word."""

    @wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        notice_id = request.session.get(NOTICE_KEY)
        notice = notice_by_id(notice_id) if notice_id else None
        if notice is None:
            messages.info(request, _("Your session has ended. Please log in again with your notice."))
            return redirect("citizen:home")
        request.notice = notice
        request.session.set_expiry(settings.BOOKING_CITIZEN_SESSION_SECONDS)  # idle timeout
        return view(request, *args, **kwargs)

    return wrapper
