"""The start page, a logged-in citizen's month calendar and the times of a day, answered from the
shared cache before the session, CSRF, language and template machinery run (PLT-5: a read costs
almost nothing).

Neither page shows anything of the visitor. The start page is the same for every visitor
without a session. A month page shows only two facts of the citizen's notice: whether it has a
booking, and whether it may choose among several places. Everything else on these pages belongs
to the city, its places and the seats. So one rendering serves every visitor who asks for the
same page in the same way, and the key names everything the page is made of:

* the city: its schema and every field of its row (name, branding, languages, phone numbers);
* the host, the scheme, the path with its query, and the language the page is shown in;
* the start page: every field of each place it lists;
* a month page: the two facts of the notice, the place (every field of its row), the month shown
  with the first and last the calendar pages through, and the state of each of its days, read
  as the view reads them (`booking.web.months.shown_month`, from the place's snapshot in the
  shared cache, which every change of a seat renews on commit). A booking that changes no day's
  state leaves the page as it was, as it leaves the month's table (`content_fragment`).
* a day page: the same facts and place, the day, whether it has times, whether one of them can
  be booked and, when none can, the next days that have one (`booking.web.months.day_times`, as
  the view reads them). The list of times itself, with the free seats of each, changes with
  every booking: it is not part of the page kept but filled in for each request from the same
  reading (`slot_list`, the function the page's template tag calls).

A few things differ for each request and are filled in: the CSRF token (masked afresh from the
visitor's own cookie, or from a new one for a first visit, which gets its cookie as Django gives
it), on a citizen's page when the login ends (the seconds left and the time shown), and on a
day page its list of times and the booking form's one-time token (`booking.web.tokens`, issued
for the logged-in notice).

A request is answered here only when Django would answer it the same way and write nothing:
* a GET, in a city that is not suspended, with no message waiting (its cookie, where Django
  looks first), a well-formed CSRF cookie or none, and a waiting room that lets the visitor
  through with the ticket as it is;
* the start page: no session cookie and no query;
* a month page: a session found in the shared cache, bound to this city, whose login runs and
  needs no renewal yet; the notice allowed the place. The notice's facts (status, ward, default
  place) come from the shared cache for a few seconds after a page read them
  (`booking.web.notice_facts`), so that a page from the cache costs no query while the
  place's seats are as they were.
* a day page: as a month page, without a query, for a day the calendar shows; and only for a
  notice without a booking (its page shows the booking and its e-mail address) whose session
  keeps nothing typed before a login ran out (the form shows it).
Anything else goes to Django, as does any failure of the cache or the database.

A page is stored only from the 200 Django gave to such a request, and only if the key is the
same before and after Django made it, so nothing changed while it was rendered; a day page only
if Django's list of times is the one this layer would fill in.
MADOGUCHI_SHARED_PAGES=0 switches the whole layer off.
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from functools import cached_property
from importlib import import_module

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _get_new_csrf_string,
    _mask_cipher_secret,
)
from django.utils import translation

from booking.availability_cache import place_version
from booking.selectors.eligibility import citizen_booking
from booking.selectors.lookups import active_places_for_pages, citizen_notice
from booking.templatetags.booking_format import slot_list
from booking.web.months import DayTimes, calendar_day, day_times_handed_on, shown_month_handed_on
from booking.web.notice_facts import notice_facts_remember, notice_from_facts
from booking.web.session import KEPT_FIELDS_KEY, NOTICE_KEY, CitizenSession, steady_login
from booking.web.tokens import token_issue_for
from booking.web.waiting import passes_as_it_is
from kernel.process_cache import MISSING, ProcessCache
from tenants.languages import site_language
from tenants.middleware import SESSION_MUNICIPALITY_KEY
from tenants.models import Municipality

logger = logging.getLogger(__name__)

START_PATH = "/"  # citizen:home
MONTH_PATH = re.compile(r"/booking/places/(?P<code>[-a-zA-Z0-9_]+)/")  # citizen:month
MONTH_QUERY = re.compile(r"(month=20\d\d-(0[1-9]|1[0-2]))?")  # a page per real month, not per string
DAY_PATH = re.compile(r"/booking/places/(?P<code>[-a-zA-Z0-9_]+)/(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})/")  # citizen:day
SLOT_FIELD, SLOT_LIST_ID = "slot", "id_slot"  # the day form's field of times, as Django names it
START_SECONDS = 60
PAGE_SECONDS = 5 * 60  # a month or a day page
ALIAS_SECONDS = 90  # the minute is in an alias: it is of no use much longer
LOCAL_COPIES = 200  # pages and aliases a process keeps a copy of (some 15 kB a page)

_kept_here = ProcessCache(max_entries=LOCAL_COPIES)
_CSRF_CHARS = frozenset(CSRF_ALLOWED_CHARS)
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
_SECONDS_LEFT = re.compile(rb'data-seconds-left="\d+"')
_SLOT_LIST = re.compile(rb'<ul class="slot-list" id="' + SLOT_LIST_ID.encode() + rb'">.*?</ul>', re.DOTALL)
_FORM_TOKEN = re.compile(rb'name="token" value="([^"]+)"')


class _Probe:
    """What a request is, for this layer: the key of its page (everything the page shows), how long
    the page may be kept, and what is filled in per request.

    A month page's key needs the states of the month's days, which cost reading the place's
    snapshot. Its `alias` names the same page as long as neither the place's availability
    version nor the minute changes (the states are a function of those); an alias that is known
    points at the key, so a calendar nobody books costs two lookups and nothing else."""

    def __init__(self, *, common: tuple, parts: Callable[[], tuple], alias: tuple | None, seconds: int,
                 csrf_secret: str, login: CitizenSession | None, day: _DayFill | None = None):
        self._common, self._parts, self._alias = common, parts, alias
        self.seconds = seconds
        self.csrf_secret = csrf_secret  # the visitor's own; "" on a first visit (one is made as Django makes it)
        self.login = login  # a citizen's page: when the citizen's login ends
        self.day = day  # a day page: what is filled in for this request

    @cached_property
    def key(self) -> str:
        return _digest("page", self._common + self._parts())

    @cached_property
    def alias(self) -> str | None:
        return _digest("page-alias", self._common + self._alias) if self._alias is not None else None

    def same_page(self, other: _Probe) -> bool:
        """Whether `other` (this request read again) names the same page: by the alias where there
        is one (what the key adds follows from the version and the minute), else by the key."""
        if self._alias is not None or other._alias is not None:
            return self.alias == other.alias
        return self.key == other.key


class _DayFill:
    """A day page's parts of this request: its list of times, from the reading its key was made
    of, and the booking form's one-time token for the logged-in notice."""

    def __init__(self, times: DayTimes, notice_id: int, language: str):
        self.times, self.notice_id, self.language = times, notice_id, language

    @cached_property
    def slot_list(self) -> bytes | None:
        """The list as the page's template shows it (no time chosen yet) in the page's language;
        None for a day without times."""
        if not self.times.slots:
            return None
        with translation.override(self.language):
            return slot_list(self.times.slots, SLOT_FIELD, SLOT_LIST_ID).encode()

    def token(self) -> bytes:
        return token_issue_for(self.notice_id).encode()


def _digest(kind: str, parts: tuple) -> str:
    return f"{kind}:{parts[0]}:{hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()}"


def _fields(row) -> tuple:
    return tuple(getattr(row, field.attname) for field in row._meta.concrete_fields)


def _session_data(session_key: str) -> dict | None:
    """The session's data as the shared cache holds them; None when only the database has them."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if not store.session_key:  # not a well-formed key
        return None
    return caches[settings.SESSION_CACHE_ALIAS].get(store.cache_key)


def _start_page(request) -> tuple | None:
    """(parts, alias, login) of the start page, for a visitor without a session (no "continue"
    link); None if Django must make it."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or not passes_as_it_is(request, in_flow=False):
        return None
    places = tuple(_fields(place) for place in active_places_for_pages())
    return (lambda: ("start", places)), None, None


def _citizen(request, tenant) -> tuple | None:
    """(session data, login, booking) of a logged-in citizen whose request Django would answer
    without writing: the session from the shared cache, bound to this city, its login running and
    no renewal due, the waiting room passed as it is, the notice still there (its facts from the
    shared cache, or read and remembered); None if Django must answer."""
    data = _session_data(request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""))
    if not data or data.get(SESSION_MUNICIPALITY_KEY) != tenant.schema_name:
        return None
    login = steady_login(data)
    if login is None or not passes_as_it_is(request, in_flow=True):
        return None
    notice = notice_from_facts(data[NOTICE_KEY])
    if notice is None:
        notice = citizen_notice(data[NOTICE_KEY])
        if notice is None:
            return None
        notice_facts_remember(notice)
    return data, login, citizen_booking(notice)


def _month_page(request, tenant, code: str) -> tuple | None:
    """(parts, alias, login) of a month page: what it is made of, the alias that names it for the
    place's version and the minute, and when the citizen's login ends; None if Django must make it."""
    citizen = _citizen(request, tenant)
    if citizen is None:
        return None
    _data, login, booking = citizen
    place = booking.place(code)
    if place is None:
        return None
    facts = ("month", booking.has_booking, len(booking.places) > 1, _fields(place))

    def parts() -> tuple:
        # the month the view would show and its days' states, read as the view reads them (from the
        # place's snapshot in the shared cache): the page changes with a state, not with every booking
        shown = shown_month_handed_on(request, place, request.GET.get("month"))
        return (*facts, shown.month, shown.first, shown.last, shown.states)

    version = place_version(place.pk)
    alias = (*facts, version, int(time.time()) // 60) if version >= 0 else None
    return parts, alias, login


def _day_page(request, tenant, code: str, date: str, language: str) -> tuple | None:
    """(parts, fill, login) of a day page: what it is made of apart from its list of times, what is
    filled in, and when the citizen's login ends; None if Django must make it."""
    citizen = _citizen(request, tenant)
    if citizen is None:
        return None
    data, login, booking = citizen
    if booking.has_booking or data.get(KEPT_FIELDS_KEY):
        return None  # the page shows the booking, or the form what the citizen typed before
    place, day = booking.place(code), calendar_day(date)
    if place is None or day is None:
        return None
    times = day_times_handed_on(request, place, day)
    parts = ("day", len(booking.places) > 1, _fields(place), day.isoformat(), bool(times.slots),
             bool(times.bookable), tuple(times.next_days))
    return (lambda: parts), _DayFill(times, data[NOTICE_KEY], language), login


def _probe(request) -> _Probe | None:
    """The key of this request's page if this layer may answer it; None for Django to answer."""
    if request.method != "GET" or not settings.MADOGUCHI_SHARED_PAGES or settings.CSRF_USE_SESSIONS:
        return None
    query = request.META.get("QUERY_STRING", "")
    month = MONTH_PATH.fullmatch(request.path_info)
    day = DAY_PATH.fullmatch(request.path_info) if not query else None
    if not ((request.path_info == START_PATH and not query) or (month and MONTH_QUERY.fullmatch(query)) or day):
        return None
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.kind != Municipality.Kind.CITY or tenant.is_suspended:
        return None
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if secret and (len(secret) != CSRF_SECRET_LENGTH or not _CSRF_CHARS.issuperset(secret)):
        return None  # Django replaces a malformed cookie
    if CookieStorage.cookie_name in request.COOKIES:
        return None
    # as LocaleMiddleware and the city's languages choose it (a page per language, not per header)
    language = site_language(translation.get_language_from_request(request), tenant.languages())
    fill = None
    if day:
        made = _day_page(request, tenant, day["code"], day["date"], language)
        if made is None:
            return None
        parts, fill, login = made
        alias = None
    else:
        made = _month_page(request, tenant, month["code"]) if month else _start_page(request)
        if made is None:
            return None
        parts, alias, login = made
    common = (tenant.schema_name, _fields(tenant), request.scheme, request.get_host(), request.get_full_path(),
              language)
    return _Probe(common=common, parts=parts, alias=alias, seconds=PAGE_SECONDS if month or day else START_SECONDS,
                  csrf_secret=secret, login=login, day=fill)


def _kept(key: str, seconds: float):
    """What the shared cache keeps under `key`, through a copy in this process: a key or an alias
    names one content for as long as it is kept, so the copy is never another page."""
    value = _kept_here.get(key)
    if value is MISSING:
        value = cache.get(key)
        if value is not None:
            _kept_here.put(key, value, seconds)
    return value


def _keep(key: str, value, seconds: float) -> None:
    cache.set(key, value, seconds)
    _kept_here.put(key, value, seconds)


def _lookup(probe: _Probe) -> dict | None:
    """The shared page for this request, by its alias while that is known, else by its key."""
    if probe.alias is not None:
        key = _kept(probe.alias, ALIAS_SECONDS)
        entry = _kept(key, probe.seconds) if key is not None else None
        if entry is not None:
            return entry
    entry = _kept(probe.key, probe.seconds)
    if entry is not None and probe.alias is not None:
        _keep(probe.alias, probe.key, ALIAS_SECONDS)
    return entry


def _store(probe: _Probe, entry: dict) -> None:
    _keep(probe.key, entry, probe.seconds)
    if probe.alias is not None:
        _keep(probe.alias, probe.key, ALIAS_SECONDS)


def _entry_from(response, probe: _Probe) -> dict | None:
    """The page of this response with its per-request parts marked; None if it cannot be shared."""
    if (response.status_code != 200 or response.streaming
            or not set(response.cookies) <= {settings.CSRF_COOKIE_NAME}):
        return None
    renews_csrf = settings.CSRF_COOKIE_NAME in response.cookies
    if probe.csrf_secret and renews_csrf and response.cookies[settings.CSRF_COOKIE_NAME].value != probe.csrf_secret:
        return None
    body = response.content
    tokens = set(_CSRF_INPUT.findall(body))
    if len(tokens) != 1 or not renews_csrf:
        return None  # not the page as this layer knows it: let Django make it every time
    marks = {"csrf": f"[[csrf:{secrets.token_hex(12)}]]".encode()}
    body = body.replace(tokens.pop(), marks["csrf"])
    if probe.day is not None:  # first: a time in the list may read as the time the login ends
        body = _day_marked(body, probe.day, marks)
        if body is None:
            return None
    seconds_left = len(_SECONDS_LEFT.findall(body))
    if probe.login is None:
        if seconds_left:
            return None
    else:
        ends = probe.login.ends_label.encode()
        if seconds_left != 1 or body.count(ends) != 1:
            return None
        marks.update(seconds=f"[[seconds:{secrets.token_hex(12)}]]".encode(),
                     ends=f"[[ends:{secrets.token_hex(12)}]]".encode())
        body = _SECONDS_LEFT.sub(b'data-seconds-left="' + marks["seconds"] + b'"', body.replace(ends, marks["ends"]))
    headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
    return {"body": body, "headers": headers, "marks": marks}


def _day_marked(body: bytes, fill: _DayFill, marks: dict) -> bytes | None:
    """A day page with its list of times and its form's token marked; None unless the page holds
    exactly the list this layer fills in (the same reading, as the same function shows it) and a
    token exactly where times can be booked."""
    lists, tokens = _SLOT_LIST.findall(body), _FORM_TOKEN.findall(body)
    if lists != ([fill.slot_list] if fill.slot_list is not None else []):
        return None
    if len(tokens) != (1 if fill.times.bookable else 0):
        return None
    if lists:
        marks["slots"] = f"[[slots:{secrets.token_hex(12)}]]".encode()
        body = body.replace(lists[0], marks["slots"])
    if tokens:
        marks["token"] = f"[[token:{secrets.token_hex(12)}]]".encode()
        body = body.replace(b'name="token" value="' + tokens[0] + b'"', b'name="token" value="' + marks["token"] + b'"')
    return body


def _response_from(entry: dict, probe: _Probe) -> HttpResponse:
    marks = entry["marks"]
    secret = probe.csrf_secret or _get_new_csrf_string()  # a first visit: a new secret, as Django makes one
    body = entry["body"].replace(marks["csrf"], _mask_cipher_secret(secret).encode())
    if probe.login is not None:
        body = (body.replace(marks["seconds"], str(probe.login.seconds_left).encode())
                .replace(marks["ends"], probe.login.ends_label.encode()))
    if "slots" in marks:
        body = body.replace(marks["slots"], probe.day.slot_list)
    if "token" in marks:
        body = body.replace(marks["token"], probe.day.token())
    response = HttpResponse(body)
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(body))
    # as CsrfViewMiddleware sets (or renews) the cookie of a page that shows a token
    response.set_cookie(settings.CSRF_COOKIE_NAME, secret, max_age=settings.CSRF_COOKIE_AGE,
                        domain=settings.CSRF_COOKIE_DOMAIN, path=settings.CSRF_COOKIE_PATH,
                        secure=settings.CSRF_COOKIE_SECURE, httponly=settings.CSRF_COOKIE_HTTPONLY,
                        samesite=settings.CSRF_COOKIE_SAMESITE)
    return response


def _safely(step, *args):
    """A step of this layer; None (Django answers) if the cache or the database fails it."""
    try:
        return step(*args)
    except Exception:  # noqa: BLE001 - this layer only saves work: Django answers, and shows any failure
        logger.warning("shared page skipped", exc_info=True)
        return None


class SharedPageMiddleware:
    """Answers the start page and month pages from the shared cache when it may, and keeps
    Django's pages to share."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = _safely(_probe, request)
        if probe is not None:
            entry = _safely(_lookup, probe)
            if entry is not None:
                return _response_from(entry, probe)
        response = self.get_response(request)
        if probe is not None:
            entry = _entry_from(response, probe)
            again = _safely(_probe, request) if entry is not None else None
            if again is not None and _safely(probe.same_page, again):
                _safely(_store, probe, entry)
        return response
