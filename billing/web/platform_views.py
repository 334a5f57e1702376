"""Billing pages of the platform console (platform administrators only, on the platform's domain)."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import selectors
from billing.errors import BillingError
from billing.models import CompletionReport, Statement
from billing.services.plans import parse_tiers, plan_save, tiers_text
from billing.services.reports import report_draft, report_issue
from billing.services.statements import credit_note_issue, statement_draft, statement_issue
from billing.web.downloads import document_download
from billing.web.forms import CreditNoteForm, MonthForm, PlanForm, ReportIssueForm
from tenants.access import (
    access_cities_for_platform_admin,
    access_city_for_platform_admin,
    access_city_for_platform_admin_or_404,
    platform_admin_required,
)

PAGE_SIZE = 100


def _month(request) -> dt.date:
    form = MonthForm(request.GET or request.POST or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["month"]
    return selectors.previous_month()


def _city(request, slug):
    return access_city_for_platform_admin_or_404(request.user, slug)


def _refused(request, error: BillingError) -> None:
    for message in error.messages():
        messages.error(request, message)


def _form_refused(request, form) -> None:
    """Every error of a form posted from a page that shows them as messages."""
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, message)


@platform_admin_required
def overview(request):
    """Every city's usage, invoice and report of a month, a page of cities at a time: four queries
    whatever the number of cities."""
    month = _month(request)
    page = Paginator(access_cities_for_platform_admin(request.user).order_by("name"), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    shown = list(page.object_list)  # only this page's cities are read, however many there are
    usage = selectors.usage_by_city(month, shown)
    invoices = {s.municipality_id: s for s in selectors.statements_for_platform(month=month)
                .filter(kind=Statement.Kind.INVOICE, municipality__in=shown)}
    reports = {r.municipality_id: r for r in selectors.reports_for_platform(month=month)
               .filter(municipality__in=shown)}
    rows = [{"city": city, "usage": usage.get(city.pk, {}), "invoice": invoices.get(city.pk),
             "report": reports.get(city.pk)} for city in shown]
    return render(request, "billing/platform/overview.html", {"month": month, "rows": rows, "page": page,
                                                              "month_form": MonthForm(initial={"month": month})})


@platform_admin_required
def city(request, slug):
    municipality = _city(request, slug)
    month = _month(request)
    plans = selectors.plans_of(municipality)
    latest = plans.first()
    initial = {"effective_from": month, "date_style": "era", "credit_cancelled_in_month": True}
    if latest:
        initial.update({field: getattr(latest, field) for field in (
            "base_fee_yen", "per_booking_yen", "per_call_minute_yen", "per_ivr_session_yen",
            "credit_cancelled_in_month", "date_style")})
        initial["booking_tiers"] = tiers_text(latest.booking_tiers)
    return render(request, "billing/platform/city.html", {
        "city": municipality, "month": month, "plans": plans, "plan_form": PlanForm(initial=initial),
        "usage": selectors.usage_totals(municipality, month),
        "statements": selectors.statements_for_platform(municipality=municipality),
        "reports": selectors.reports_for_platform().filter(municipality=municipality),
        "month_form": MonthForm(initial={"month": month}),
    })


@platform_admin_required
@require_POST
def plan(request, slug):
    municipality = _city(request, slug)
    form = PlanForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return redirect("billing:city", slug=slug)
    data = dict(form.cleaned_data)
    try:
        data["booking_tiers"] = parse_tiers(data["booking_tiers"])
        plan_save(municipality=municipality, actor=request.user, **data)
    except BillingError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The plan was saved."))
    return redirect("billing:city", slug=slug)


@platform_admin_required
@require_POST
def draft(request, slug):
    municipality = _city(request, slug)
    month = _month(request)
    try:
        statement = statement_draft(municipality=municipality, month=month)
    except BillingError as error:
        _refused(request, error)
        return redirect("billing:city", slug=slug)
    messages.success(request, _("The statement was drafted from the month's usage."))
    return redirect("billing:statement", pk=statement.pk)


def _document(request, documents, pk):
    """A statement or report of a city this platform administrator may run; 404 otherwise."""
    found = documents.filter(pk=pk).first()
    if found is None or access_city_for_platform_admin(request.user, found.municipality.schema_name) is None:
        raise Http404
    return found


def _statement(request, pk) -> Statement:
    return _document(request, selectors.statements_for_platform(), pk)


@platform_admin_required
def statement(request, pk):
    found = _statement(request, pk)
    return render(request, "billing/platform/statement.html", {
        "statement": found, "lines": found.lines.all(), "credit_notes": found.credit_notes.all(),
        "credit_form": CreditNoteForm(), "creditable": selectors.creditable_yen(found),
    })


@platform_admin_required
@require_POST
def issue(request, pk):
    found = _statement(request, pk)
    try:
        issued = statement_issue(statement=found, actor=request.user)
    except BillingError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Statement %(number)s was issued.") % {"number": issued.number})
    return redirect("billing:statement", pk=pk)


@platform_admin_required
@require_POST
def credit_note(request, pk):
    found = _statement(request, pk)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return redirect("billing:statement", pk=pk)
    try:
        note = credit_note_issue(statement=found, actor=request.user, reason=form.cleaned_data["reason"],
                                 amount_yen=form.cleaned_data["amount_yen"])
    except BillingError as error:
        _refused(request, error)
        return redirect("billing:statement", pk=pk)
    messages.success(request, _("Credit note %(number)s was issued.") % {"number": note.number})
    return redirect("billing:statement", pk=note.pk)


@platform_admin_required
def statement_download(request, pk, kind):
    return document_download(_statement(request, pk), kind)


def _report(request, pk) -> CompletionReport:
    return _document(request, selectors.reports_for_platform(), pk)


@platform_admin_required
@require_POST
def report_generate(request, slug):
    municipality = _city(request, slug)
    report = report_draft(municipality=municipality, month=_month(request))
    messages.success(request, _("The completion report was drafted."))
    return redirect("billing:report", pk=report.pk)


@platform_admin_required
def report(request, pk):
    found = _report(request, pk)
    return render(request, "billing/platform/report.html", {
        "report": found, "figures": found.figures, "issue_form": ReportIssueForm(initial={"remarks": found.remarks}),
    })


@platform_admin_required
@require_POST
def report_publish(request, pk):
    found = _report(request, pk)
    form = ReportIssueForm(request.POST)
    if form.is_valid():
        try:
            report_issue(report=found, actor=request.user, remarks=form.cleaned_data["remarks"])
        except BillingError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The completion report was issued; the city's staff admins can see it."))
    return redirect("billing:report", pk=pk)


@platform_admin_required
def report_download(request, pk, kind):
    return document_download(_report(request, pk), kind)
