"""Calendars (OPS-1, OPS-4): weekly windows and day exceptions per place; every change is previewed, then confirmed."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking.errors import BookingError, CalendarConflictError
from booking.selectors.calendars import bookings_in_slots, calendar_places, place_calendar
from booking.services.calendar_changes import calendar_change_apply, calendar_change_preview
from lgwan_access.actors import staff_actor
from lgwan_access.forms.calendars import FORMS, ExceptionForm, RuleForm
from lgwan_access.forms.common import add_service_errors
from lgwan_access.guards import staff_console

SLOT_LENGTHS = [60, 30, 20, 15, 10]


@staff_console
def calendars_page(request):
    return render(request, "lgwan_access/calendars/places.html", {
        "places": calendar_places(), "municipality": request.tenant,
    })


def _calendar_or_404(place_id: int):
    calendar = place_calendar(place_id)
    if calendar is None:
        raise Http404
    return calendar


def _calendar_page(request, calendar, *, rule_form=None, exception_form=None, status=200):
    return render(request, "lgwan_access/calendars/place.html", {
        "calendar": calendar, "place": calendar.place, "municipality": request.tenant,
        "rule_form": rule_form or RuleForm(initial={"opens_at": "08:30", "closes_at": "17:30", "slot_minutes": 30,
                                                     "capacity": 4}),
        "exception_form": exception_form or ExceptionForm(),
        "slot_lengths": SLOT_LENGTHS,
    }, status=status)


@staff_console
def calendar_place(request, place_id: int):
    return _calendar_page(request, _calendar_or_404(place_id))


def _refusal(request, calendar, form, conflicts, status):
    return render(request, "lgwan_access/calendars/preview.html", {
        "place": calendar.place, "form": form, "preview": None, "refused": True,
        "bookings": bookings_in_slots([c.slot_id for c in conflicts]), "conflicts": conflicts,
    }, status=status)


@staff_console
@require_POST
def calendar_change(request, place_id: int):
    """Step 1 (`step=preview`): what the change would do. Step 2 (`step=confirm`): do it."""
    calendar = _calendar_or_404(place_id)
    form_class = FORMS.get(request.POST.get("action", ""))
    if form_class is None:
        return _calendar_page(request, calendar, status=400)
    form = form_class(request.POST)
    page_forms = {"rule_form": form} if form_class is RuleForm else (
        {"exception_form": form} if form_class is ExceptionForm else {})
    if not form.is_valid():
        return _calendar_page(request, calendar, status=400, **page_forms)
    change = form.change(calendar.place.pk)
    try:
        if request.POST.get("step") == "confirm":
            result = calendar_change_apply(change, actor=staff_actor(request))
        else:
            preview = calendar_change_preview(change)
            if preview.refused:
                return _refusal(request, calendar, form, preview.conflicts, status=409)
            return render(request, "lgwan_access/calendars/preview.html", {
                "place": calendar.place, "form": form, "preview": preview, "refused": False,
            })
    except CalendarConflictError as error:
        return _refusal(request, calendar, form, error.conflicts, status=409)
    except BookingError as error:
        add_service_errors(form, error)
        if not page_forms:
            messages.error(request, " ".join(error.messages()))
        return _calendar_page(request, calendar, status=400, **page_forms)
    messages.success(request, _("The calendar was changed: %(added)s slots added, %(removed)s removed, "
                                "%(changed)s changed.") % {"added": result.added, "removed": result.removed,
                                                           "changed": result.changed})
    return redirect("lgwan_access:calendar", place_id=calendar.place.pk)
