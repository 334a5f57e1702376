"""The record of who looked at which notice and who exported what (SEC-9): staff_admin only."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from lgwan_access.forms.audit import AccessFilterForm
from lgwan_access.guards import staff_admin_console
from lgwan_access.selectors.access_log import access_entries

PAGE_SIZE = 100


@staff_admin_console
def access_entries_page(request):
    form = AccessFilterForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        entries = access_entries(user=data.get("user") or "", action=data.get("action") or "",
                                 date_from=data.get("date_from"), date_until=data.get("date_until"))
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "lgwan_access/audit/list.html", {"form": form, "page": page, "query": query.urlencode()})
