"""The citizen's session: which notice is logged in, until when, and what is kept when it ends.

A login lasts BOOKING_CITIZEN_SESSION_SECONDS after the citizen's last request (idle timeout,
WEB-11). So that the limit can be seen and extended (WCAG 2.2.1):

* without JavaScript, every page of a logged-in citizen says at what time the session ends and has
  an "extend" button, a plain POST form to `/session/extend/` that comes back to the same page;
* with JavaScript (`config/static/js/citizen-session.js`), a dialog opens WARNING_SECONDS before the
  end and extends in the background, so nothing typed on the page is lost.

The session itself outlives the login by RESUME_SECONDS. When a login ends, the page the citizen
was on and what they typed on a form (the e-mail address of the confirmation) are kept in it, and
given back once they log in again with the same notice; another notice starts afresh.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import partial, wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from booking.clock import local
from booking.models import Notice
from booking.selectors.lookups import citizen_notice
from booking.web.notice_facts import notice_facts_forget, notice_facts_remember

NOTICE_KEY = "citizen_notice_id"
UNTIL_KEY = "citizen_until"  # end of the login, seconds since the epoch
ENDED_NOTICE_KEY = "citizen_ended_notice_id"  # the notice whose login ended, to resume for it only
RESUME_KEY = "citizen_resume"  # {"path": …, "fields": {…}} kept when the login ended
KEPT_FIELDS_KEY = "citizen_kept_fields"  # {"path": …, "fields": {…}} for the form at `path`, once

WARNING_SECONDS = 120
RENEW_AFTER_SECONDS = 60
RESUME_SECONDS = 60 * 60
KEPT_FIELD_MAX_LENGTH = 254


@dataclass(frozen=True)
class CitizenSession:
    """When the login of this request ends; shown on every citizen page."""

    until: float
    warning_seconds: int = WARNING_SECONDS

    @property
    def seconds_left(self) -> int:
        return max(int(self.until - time.time()), 0)

    @property
    def ends_at(self) -> dt.datetime:
        return local(dt.datetime.fromtimestamp(self.until, tz=dt.UTC))

    @property
    def ends_label(self) -> str:
        return f"{self.ends_at:%H:%M}"


def _extend(request) -> CitizenSession:
    until = time.time() + settings.BOOKING_CITIZEN_SESSION_SECONDS
    request.session[UNTIL_KEY] = until
    request.session.set_expiry(settings.BOOKING_CITIZEN_SESSION_SECONDS + RESUME_SECONDS)
    return CitizenSession(until=until)


def citizen_session_extend(request) -> CitizenSession:
    """Extend the login by its full length now (the citizen asked to)."""
    return _extend(request)


def _renewed(request) -> CitizenSession:
    """The idle timeout starts again with every request, but the session is written only when its
    end was last moved more than RENEW_AFTER_SECONDS ago: pages that change nothing do not write."""
    until = request.session.get(UNTIL_KEY) or 0
    if not _renewal_due(until):
        return CitizenSession(until=until)
    return _extend(request)


def _renewal_due(until: float) -> bool:
    return until - time.time() <= settings.BOOKING_CITIZEN_SESSION_SECONDS - RENEW_AFTER_SECONDS


def steady_login(data) -> CitizenSession | None:
    """The running login in these session data when a request would leave the session as it is
    (no renewal due yet); None otherwise."""
    until = data.get(UNTIL_KEY) or 0
    if not data.get(NOTICE_KEY) or until <= time.time() or _renewal_due(until):
        return None
    return CitizenSession(until=until)


def citizen_log_in(request, notice: Notice) -> str | None:
    """Log `notice` in; the path to go back to if its previous login ended with something kept."""
    resume = request.session.get(RESUME_KEY) if request.session.get(ENDED_NOTICE_KEY) == notice.pk else None
    if request.session.session_key:  # a session from before the login gets a new id (no fixation);
        request.session.cycle_key()  # a visitor without one gets a fresh id when the session is saved
    for key in (ENDED_NOTICE_KEY, RESUME_KEY, KEPT_FIELDS_KEY):
        request.session.pop(key, None)
    request.session[NOTICE_KEY] = notice.pk
    _extend(request)
    notice_facts_remember(notice)  # the calendar, next, may come from the shared cache
    if not resume:
        return None
    if resume.get("fields"):
        request.session[KEPT_FIELDS_KEY] = resume
    return resume["path"]


def citizen_log_out(request) -> None:
    request.session.flush()


def citizen_session(request) -> CitizenSession | None:
    """The running login of this request, without extending it; None if there is none."""
    until = request.session.get(UNTIL_KEY)
    if not request.session.get(NOTICE_KEY) or not until or until <= time.time():
        return None
    return CitizenSession(until=until)


def keep_fields_for(request, path: str, fields: dict[str, str]) -> None:
    """What the citizen typed, for the form at `path` they are sent to next (taken there once);
    empty fields are not kept, nor is anything when all are."""
    kept = {name: value[:KEPT_FIELD_MAX_LENGTH] for name, value in fields.items() if value}
    if kept:
        request.session[KEPT_FIELDS_KEY] = {"path": path, "fields": kept}


def take_kept_fields(request) -> dict:
    """What the citizen had typed on the form at this path when the last login ended (once)."""
    kept = request.session.get(KEPT_FIELDS_KEY)
    if not kept or kept.get("path") != request.path:
        return {}
    del request.session[KEPT_FIELDS_KEY]
    return kept.get("fields") or {}


def _end_login(request) -> None:
    """The login ran out: remember whose it was, so that logging in again resumes for that notice only."""
    notice_id = request.session.pop(NOTICE_KEY, None)
    request.session.pop(UNTIL_KEY, None)
    if notice_id:
        request.session[ENDED_NOTICE_KEY] = notice_id


def _resume_path(request) -> str:
    if request.method == "GET":
        return request.get_full_path()
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) \
            and target.startswith("/booking/"):
        return target
    return request.path


def _ended(request, keep_fields: tuple[str, ...]):
    """No running login: back to the login, keeping where the citizen was if their login just ended."""
    if request.session.get(ENDED_NOTICE_KEY):
        fields = {}
        if request.method == "POST":
            fields = {name: request.POST.get(name, "")[:KEPT_FIELD_MAX_LENGTH] for name in keep_fields
                      if request.POST.get(name)}
        path = _resume_path(request)
        if path.startswith("/") and not path.startswith("//"):
            request.session[RESUME_KEY] = {"path": path, "fields": fields}
        messages.info(request, _("Your session has ended. Log in again with the same notice to carry on "
                                 "where you were: what you chose and typed is kept."))
    else:
        messages.info(request, _("Your session has ended. Please log in again with your notice."))
    return redirect("citizen:home")


def citizen_logged_in(request) -> bool:
    return citizen_session(request) is not None


def citizen_required(view=None, *, keep_fields: tuple[str, ...] = ()):
    """The logged-in notice as `request.notice` and the extended login as `request.citizen_session`.

    A login that ran out goes back to the login page with a word; on a POST, the fields named in
    `keep_fields` are kept for the same form after logging in again.
    """
    if view is None:
        return partial(citizen_required, keep_fields=keep_fields)

    @wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        if request.session.get(NOTICE_KEY) and citizen_session(request) is None:
            _end_login(request)
        notice_id = request.session.get(NOTICE_KEY)
        notice = citizen_notice(notice_id) if notice_id else None
        if notice is None:
            return _ended(request, keep_fields)
        request.notice = notice
        request.citizen_session = _renewed(request)  # idle timeout: every request extends the login
        response = view(request, *args, **kwargs)
        if request.method != "GET":  # a form may have changed the notice: shared pages ask afresh
            notice_facts_forget(notice.pk)
        return response

    return wrapper
