"""The permission matrix (SEC-8, SYS-5): every staff page and staff API endpoint, every kind of visitor.

Every URL pattern of the tenant URLconf whose address lies under `/staff/` or `/api/staff/` is
requested with GET and with an empty POST as: anonymous, another city's staff, an operator of
the city, a platform administrator, the city's staff before the second factor, staff, and a
staff_admin; from inside the city's LGWAN ranges (loopback in the tests) and from outside.

* Outside the ranges everybody gets 403 (401 from the API), whatever the page.
* Inside, a page guarded by `staff_console` admits staff and staff_admin; `staff_admin_console`
  only staff_admin; the second-factor pages (`staff_second_factor_step`) also staff who have
  not passed the second factor yet. API endpoints (no guard attribute) count as staff pages
  unless `GUARDS` says otherwise.
* A refused request changes nothing: the row counts of the booking, call-centre, staff-surface
  and identity tables are the same before and after (the staff access log, which records the
  refusal as a security event, and the sessions are left out).

A pattern with URL kwargs needs sample values in `SAMPLE_KWARGS` (looked up by kwarg name); a
pattern whose kwargs have no sample is skipped with a message, so a new page shows up as skipped
until it is given one. Sample objects that do not exist are fine: guards run before lookups.
"""
from __future__ import annotations

import contextlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tenants.utils import tenant_context

from tenants.models import Role
from tests.lgwan_access.auth import verified_login
from tests.tenants.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "alpha.localhost"
INSIDE = "127.0.0.1"
OUTSIDE = "192.0.2.7"
PREFIXES = ("/staff/", "/api/staff/")

# kwarg name → a sample value (other helpers add theirs; objects need not exist)
SAMPLE_KWARGS: dict[str, object] = {
    "pk": 1,
    "id": 1,
    "user_id": 1,
    "membership_id": 1,
    "notice_id": 1,
    "reservation_id": 1,
    "booking_id": 1,
    "place_id": 1,
    "slot_id": 1,
    "token_id": 1,
    "number": "ABC123456",
    "code": "kita",
    "place": "kita",
    "place_code": "kita",
    "ward": "kita",
    "date": "2026-12-01",
    "day": "2026-12-01",
    "format": "json",
    "kind": "pdf",
    "serial": "SER000001",
    "action": "scan",
}

# URL name (with namespaces) → "staff" | "staff_admin" | "second_factor" | "network", for views
# without a `staff_guard` attribute (e.g. API views, whose permission classes decide). "network":
# the API's schema and documentation page, which describe no city's data and answer anybody inside
# the city's LGWAN ranges (and nobody outside them).
GUARDS: dict[str, str] = {"staff_api:schema": "network", "staff_api:docs": "network"}

# apps whose tables must not change on a refused request (public and the city's schema)
_COUNTED_APPS = ("booking", "telephony_adapter", "lgwan_access", "tenants", "lgwan_network", "otp_totp",
                 "otp_static")
_NOT_COUNTED = {"lgwan_access.staffaccessentry"}


def _walk(resolver: URLResolver, namespaces: tuple[str, ...] = (), kwarg_names: tuple[str, ...] = ()):
    for entry in resolver.url_patterns:
        names = kwarg_names + _kwarg_names(entry)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, namespaces + ((entry.namespace,) if entry.namespace else ()), names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield ":".join(namespaces + (entry.name,)), entry.callback, names


def _kwarg_names(entry) -> tuple[str, ...]:
    pattern = entry.pattern
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _staff_patterns():
    """(URL name, callback, kwarg names) of every pattern under /staff/ or /api/staff/ of a city."""
    import lgwan_access.urls  # noqa: F401 - the console's URLconf must import
    with contextlib.suppress(ImportError):  # the staff API, once it exists (mounted in config.urls_tenant)
        import lgwan_access.api.urls  # noqa: F401
    found, seen = [], set()
    for name, callback, names in _walk(get_resolver("config.urls_tenant")):
        kwargs = {key: SAMPLE_KWARGS.get(key, 1) for key in names}
        try:
            path = reverse(name, urlconf="config.urls_tenant", kwargs=kwargs or None)
        except Exception:  # noqa: BLE001 - unreversible with sample values: judged by its name below
            path = None
        if name.startswith(("lgwan_access:", "staff_api")) or (path and path.startswith(PREFIXES)):
            key = (name, names)
            if key not in seen:
                seen.add(key)
                found.append((name, callback, names))
    return found


PATTERNS = _staff_patterns()


def _guard_of(name: str, callback) -> str:
    guard = getattr(callback, "staff_guard", None) or GUARDS.get(name)
    if guard is None and getattr(callback, "cls", None) is not None:
        return "staff"  # a DRF view: the staff API's permission classes
    return guard


def _table_counts(city) -> dict[str, int]:
    counts = {}
    models = [model for model in apps.get_models() if model._meta.app_label in _COUNTED_APPS
              and model._meta.label_lower not in _NOT_COUNTED and model._meta.managed]
    with tenant_context(city):
        with connection.cursor() as cursor:
            tables = sorted({model._meta.db_table for model in models})
            parts = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
            cursor.execute(f"SELECT {parts}")
            counts = dict(zip(tables, cursor.fetchone(), strict=True))
    return counts


def _outcome(response) -> str:
    if response.status_code in (401, 403):
        return "refused"
    if response.status_code == 405:
        return "method"
    if response.status_code in (301, 302, 303):
        location = response.get("Location", "")
        if "/accounts/login/" in location:
            return "login"
        if "/staff/second-factor/" in location:
            return "second_factor"
    assert response.status_code < 500, f"server error {response.status_code}"
    return "ok"


REFUSED = {"refused", "login", "second_factor", "method"}


def _personas(city_a, city_b):
    def client(user=None, verified=True):
        c = Client(HTTP_HOST=HOST)
        if user is not None:
            if verified:
                verified_login(c, user)
            else:
                c.force_login(user)
        return c

    return {
        "anonymous": client(),
        "other_city_staff": client(MembershipFactory(municipality=city_b, role=Role.STAFF_ADMIN).user),
        "operator": client(MembershipFactory(municipality=city_a, role=Role.OPERATOR_SUPERVISOR).user),
        "platform_admin": client(UserFactory(is_platform_admin=True)),
        "staff_before_second_factor": client(MembershipFactory(municipality=city_a, role=Role.STAFF).user,
                                             verified=False),
        "staff": client(MembershipFactory(municipality=city_a, role=Role.STAFF).user),
        "staff_admin": client(MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user),
    }


def _allowed(persona: str, guard: str) -> bool:
    if guard == "network":
        return True
    if persona == "staff_admin":
        return True
    if persona == "staff":
        return guard in ("staff", "second_factor")
    if persona == "staff_before_second_factor":
        return guard == "second_factor"
    return False


def test_the_matrix_covers_the_console():
    names = {name for name, _, _ in PATTERNS}
    assert "lgwan_access:home" in names and "lgwan_access:second_factor" in names


@pytest.mark.parametrize("name, callback, kwarg_names", PATTERNS, ids=[name for name, _, _ in PATTERNS])
def test_permission_matrix(name, callback, kwarg_names, city_a, city_b):
    missing = [key for key in kwarg_names if key not in SAMPLE_KWARGS]
    if missing:
        pytest.skip(f"{name}: no sample value for {', '.join(missing)} in SAMPLE_KWARGS")
    path = reverse(name, urlconf="config.urls_tenant",
                   kwargs={key: SAMPLE_KWARGS[key] for key in kwarg_names} or None)
    guard = _guard_of(name, callback)
    assert guard in ("staff", "staff_admin", "second_factor", "network"), (
        f"{name} ({path}) is not wrapped in staff_console, staff_admin_console or staff_second_factor_step")
    personas = _personas(city_a, city_b)
    problems = []
    before = _table_counts(city_a)
    for address in (OUTSIDE, INSIDE):
        for persona, client in personas.items():
            for method in ("get", "post"):
                response = getattr(client, method)(path, REMOTE_ADDR=address)
                outcome = _outcome(response)
                label = f"{method.upper()} {path} as {persona} from {address}: {response.status_code} {outcome}"
                if address == OUTSIDE or not _allowed(persona, guard):
                    if address == OUTSIDE and outcome != "refused":
                        problems.append(f"{label} (expected 403 outside the LGWAN ranges)")
                    elif outcome not in REFUSED:
                        problems.append(f"{label} (expected a refusal)")
                    after = _table_counts(city_a)
                    changed = {table: (before[table], n) for table, n in after.items() if before[table] != n}
                    if changed:
                        problems.append(f"{label} changed {changed}")
                        before = after
                else:
                    if outcome in ("refused", "login") or (outcome == "second_factor" and guard != "second_factor"):
                        problems.append(f"{label} (expected to be let in)")
                    before = _table_counts(city_a)  # an admitted request may change things
    assert not problems, "\n".join(problems)
