"""Notices in the staff console: search and print (OPS-3), a notice's page, unlock, status (OPS-2)."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking.errors import BookingError
from booking.selectors.notice_search import NoticeFilters, filter_choices, notice_detail, notice_search
from booking.services.notice_desk import clerk_transitions, notice_clerk_transition, notice_unlock
from kernel.network import client_address
from lgwan_access.actors import staff_actor
from lgwan_access.forms.common import add_service_errors
from lgwan_access.forms.notices import NoticeSearchForm, NoticeTransitionForm, search_summary
from lgwan_access.guards import staff_console
from lgwan_access.models import StaffAccessEntry
from lgwan_access.services.access_log import access_record

PAGE_SIZE = 50
PRINT_LIMIT = 1000


@staff_console
def notice_list(request):
    choices = filter_choices()
    form = NoticeSearchForm(request.GET or None, **choices)
    printing = request.GET.get("print") == "1"
    page = None
    if form.is_bound and form.is_valid():
        results = notice_search(form.filters())
    elif not form.is_bound:
        results = notice_search(NoticeFilters())
    else:
        results = None
    if results is not None:
        if printing:
            page = Paginator(results, PRINT_LIMIT).get_page(1)
            access_record(request, StaffAccessEntry.Action.PRINT, "notices", query=request.GET.urlencode()[:500],
                          rows=len(page.object_list))
        else:
            page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("print", None)
    return render(request, "lgwan_access/notices/print.html" if printing else "lgwan_access/notices/list.html", {
        "form": form, "page": page, "query": query.urlencode(), "print_limit": PRINT_LIMIT,
        "printed_at": timezone.now(), "summary": search_summary(form) if form.is_bound and form.is_valid() else [],
    })


def _detail_or_404(notice_id: int):
    detail = notice_detail(notice_id)
    if detail is None:
        raise Http404
    return detail


@staff_console
def notice_page(request, notice_id: int):
    detail = _detail_or_404(notice_id)
    access_record(request, StaffAccessEntry.Action.VIEW_NOTICE, detail.notice.number, notice_id=detail.notice.pk)
    targets = clerk_transitions(detail.notice.status)
    return render(request, "lgwan_access/notices/detail.html", {
        "detail": detail, "notice": detail.notice,
        "transition_form": NoticeTransitionForm(targets=targets) if targets else None,
    })


@staff_console
@require_POST
def notice_unlock_view(request, notice_id: int):
    detail = _detail_or_404(notice_id)
    if notice_unlock(notice_id=detail.notice.pk, actor=staff_actor(request), client=client_address(request)):
        messages.success(request, _("The notice was unlocked: the citizen can log in again."))
    else:
        messages.info(request, _("The notice was not locked."))
    return redirect("lgwan_access:notice", notice_id=detail.notice.pk)


@staff_console
@require_POST
def notice_transition_view(request, notice_id: int):
    detail = _detail_or_404(notice_id)
    targets = clerk_transitions(detail.notice.status)
    form = NoticeTransitionForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            notice_clerk_transition(notice_id=detail.notice.pk, to=form.cleaned_data["to"],
                                    reason=form.cleaned_data["reason"], actor=staff_actor(request))
        except BookingError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("lgwan_access:notice", notice_id=detail.notice.pk)
    access_record(request, StaffAccessEntry.Action.VIEW_NOTICE, detail.notice.number, notice_id=detail.notice.pk)
    return render(request, "lgwan_access/notices/detail.html", {
        "detail": detail, "notice": detail.notice, "transition_form": form if targets else None,
    }, status=400)
