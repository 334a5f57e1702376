"""Billing in the staff console: the city's own issued statements and completion reports (staff_admin)."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from billing import selectors
from billing.web.downloads import document_download
from lgwan_access.guards import staff_admin_console


@staff_admin_console
def statements(request):
    municipality = request.tenant
    return render(request, "billing/staff/statements.html", {
        "statements": selectors.issued_statements_of(municipality),
        "reports": selectors.issued_reports_of(municipality),
    })


@staff_admin_console
def statement_download(request, pk, kind):
    found = selectors.issued_statement_of(request.tenant, pk)
    if found is None:  # another city's, or a draft: as if it did not exist
        raise Http404
    return document_download(found, kind)


@staff_admin_console
def report_download(request, pk, kind):
    found = selectors.issued_report_of(request.tenant, pk)
    if found is None:
        raise Http404
    return document_download(found, kind)
