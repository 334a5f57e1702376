"""Reading the cities for the platform console: one page of municipalities joined to their summaries."""
from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q

from platform_console.models import CitySummary
from tenants.access import access_cities_for_platform_admin
from tenants.models import Domain, Municipality, PlatformAuditEntry

PAGE_SIZE = 50
# what the cities page may be sorted by (the query string names the key, "-" in front for descending)
SORTS = {
    "name": "name", "identifier": "schema_name", "status": "status",
    "bookings": "summary__bookings_today", "calls": "summary__calls_today", "answer_rate": "summary__answer_rate",
    "errors": "summary__errors_last_hour", "incidents": "summary__open_incidents",
    "lag": "summary__replication_lag_seconds", "checklist": "summary__checklist_done",
}


@dataclass
class CitiesPage:
    page: Page
    query: str
    sort: str
    status: str


def cities_page(user, *, query: str = "", sort: str = "name", status: str = "", page: int | str = 1) -> CitiesPage:
    """One page of cities (a count, the page joined to its summaries, their primary domains: three queries
    whatever the number of cities)."""
    cities = access_cities_for_platform_admin(user).select_related("summary")
    query = (query or "").strip()
    if query:
        in_domain = Domain.objects.filter(tenant=OuterRef("pk"), domain__icontains=query)
        cities = cities.filter(Q(name__icontains=query) | Q(schema_name__icontains=query) | Exists(in_domain))
    if status in Municipality.Status.values:
        cities = cities.filter(status=status)
    else:
        status = ""
    key = (sort or "name").lstrip("-")
    if key not in SORTS:
        sort, key = "name", "name"
    field = F(SORTS[key])
    ordering = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    cities = cities.order_by(ordering, "schema_name").prefetch_related(
        Prefetch("domains", queryset=Domain.objects.filter(is_primary=True), to_attr="primary_domains"))
    return CitiesPage(page=Paginator(cities, PAGE_SIZE).get_page(page), query=query, sort=sort, status=status)


def city_summary(municipality: Municipality) -> CitySummary | None:
    return CitySummary.objects.filter(municipality=municipality).first()


def city_audit_trail(user, municipality: Municipality, limit: int = 50):
    """The latest changes of a city (who, what, why), for a platform administrator."""
    if not access_cities_for_platform_admin(user).filter(pk=municipality.pk).exists():
        return PlatformAuditEntry.objects.none()
    return PlatformAuditEntry.objects.filter(municipality=municipality).select_related("subject_user")[:limit]
