"""The city's own view of its call centre, in the staff console (CC-5, CC-6).

The city reads the complaints the operators recorded (they were also mailed at once) and tracks
their handling; its staff administrators maintain the referral directory the operators pick from.
These pages sit in the staff console (`/staff/calls/`) behind the staff console's guard (LGWAN
ranges, staff role in this city, second factor) — the one import of the staff surface this
package makes, allowed by name in the import-linter contracts.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lgwan_access.guards import staff_admin_console, staff_console
from telephony_adapter import forms
from telephony_adapter.models import Complaint
from telephony_adapter.selectors import complaints as complaint_selectors
from telephony_adapter.selectors import console as console_selectors
from telephony_adapter.services import console
from telephony_adapter.services.console import ConsoleError


@staff_console
def complaints(request):
    status = request.GET.get("status", "")
    if status not in Complaint.Status.values:
        status = ""
    return render(request, "telephony_adapter/staff/complaints.html", {
        "complaints": complaint_selectors.city_complaints(status=status or None, limit=500),
        "status": status,
        "statuses": Complaint.Status.choices,
        "open_count": complaint_selectors.open_complaint_count(),
        "status_form": forms.ComplaintStatusForm(),
    })


@staff_console
@require_POST
def complaint_status(request, pk: int):
    complaint = complaint_selectors.complaint_by_id(pk)
    if complaint is None:
        raise Http404
    form = forms.ComplaintStatusForm(request.POST)
    if form.is_valid():
        try:
            console.complaint_update(complaint=complaint, status=form.cleaned_data["status"],
                                     resolution=form.cleaned_data["resolution"])
        except ConsoleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The handling status was saved."))
    else:
        messages.error(request, _("Choose a handling status."))
    return redirect("telephony_staff:complaints")


@staff_console
def referrals(request):
    return render(request, "telephony_adapter/staff/referrals.html", {
        "referrals": console_selectors.referral_directory(),
        "form": forms.ReferralForm(),
        "may_edit": request.membership.role == "staff_admin",
    })


@staff_admin_console
@require_POST
def referral_add(request):
    form = forms.ReferralForm(request.POST)
    if form.is_valid():
        try:
            console.referral_save(referral=None, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"],
                                  topics=form.cleaned_data["topics"], hours=form.cleaned_data["hours"],
                                  sort_order=form.cleaned_data["sort_order"] or 0)
        except ConsoleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The referral was added."))
            return redirect("telephony_staff:referrals")
    return render(request, "telephony_adapter/staff/referrals.html", {
        "referrals": console_selectors.referral_directory(), "form": form, "may_edit": True,
    }, status=400)


@staff_admin_console
def referral_edit(request, pk: int):
    entry = next((r for r in console_selectors.referral_directory() if r.pk == pk), None)
    if entry is None:
        raise Http404
    initial = {"name": entry.name, "phone": entry.phone, "hours": entry.hours, "topics": entry.topics,
               "sort_order": entry.sort_order}
    form = forms.ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("retire"):
        console.referral_retire(referral=entry)
        messages.success(request, _("The referral was removed from the directory."))
        return redirect("telephony_staff:referrals")
    if request.method == "POST" and form.is_valid():
        try:
            console.referral_save(referral=entry, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"],
                                  topics=form.cleaned_data["topics"], hours=form.cleaned_data["hours"],
                                  sort_order=form.cleaned_data["sort_order"] or 0)
        except ConsoleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The referral was saved."))
            return redirect("telephony_staff:referrals")
    return render(request, "telephony_adapter/staff/referral_edit.html", {"form": form, "referral": entry},
                  status=400 if request.method == "POST" else 200)
