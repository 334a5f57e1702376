"""Bookings at the counter and on the phone (OPS-6): find the notice, find a free slot, book, move, cancel.

Every booking goes through `reservation_book` / `reservation_cancel` with the clerk as actor: the
staff channel at the counter (any active place, at short notice), the phone channel on the phone
(the citizens' booking window, as for the call centre). A refusal shows the service's message and
changes nothing.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking.clock import city_today, city_tz, local
from booking.errors import BookingError
from booking.selectors.availability import place_day
from booking.selectors.eligibility import active_reservation, notice_refusal
from booking.selectors.lookups import active_places, notice_by_number, slot_by_id
from booking.services.citizen_login import notice_login_locked
from booking.services.reservations import reservation_book, reservation_cancel
from kernel.errors import ApplicationError
from lgwan_access.actors import staff_actor
from lgwan_access.forms.counter import CounterBookForm, CounterCancelForm, FreeSlotForm, NoticeFindForm
from lgwan_access.guards import staff_console
from lgwan_access.models import StaffAccessEntry
from lgwan_access.services.access_log import access_record


def _counter_url(number: str = "", **params) -> str:
    query = {key: value for key, value in {"number": number, **params}.items() if value}
    return reverse("lgwan_access:counter") + (f"?{urlencode(query)}" if query else "")


@staff_console
def counter(request):
    """The counter page: the notice, its booking, and the free slots of a place and day."""
    find = NoticeFindForm(request.GET or None)
    places = active_places()
    context = {"find": find, "notice": None, "places": places}
    if find.is_bound and find.is_valid():
        try:
            notice = notice_by_number(find.cleaned_data["number"])
        except ApplicationError as error:
            find.add_error("number", error.message)
        else:
            access_record(request, StaffAccessEntry.Action.VIEW_NOTICE, notice.number, section="counter")
            reservation = active_reservation(notice)
            refusal = notice_refusal(notice, moving=reservation is not None)
            default_place = reservation.slot.place_id if reservation else (notice.default_place_id or "")
            slots_form = FreeSlotForm(
                {"place": request.GET.get("place") or default_place,
                 "day": request.GET.get("day") or (local(reservation.slot.starts_at).date() if reservation
                                                   else city_today())},
                places=places)
            free = []
            if slots_form.is_valid():
                free = [slot for slot in place_day(place=_place(places, slots_form.cleaned_data["place"]),
                                                   day=slots_form.cleaned_data["day"], staff=True)
                        if slot.bookable and slot.free > 0
                        and (reservation is None or slot.slot_id != reservation.slot_id)]
            context.update(
                notice=notice, reservation=reservation, refusal=refusal, locked=notice_login_locked(notice.number),
                slots_form=slots_form, free_slots=free, day=slots_form.cleaned_data.get("day") if
                slots_form.is_valid() else None,
                book_form=CounterBookForm(initial={"number": notice.number, "channel": "staff"}),
                cancel_form=CounterCancelForm(initial={"number": notice.number, "channel": "staff"}),
            )
    with timezone.override(city_tz()):
        return render(request, "lgwan_access/counter/counter.html", context)


def _place(places, place_id: int):
    return next(place for place in places if place.pk == place_id)


def _posted_notice(request, form_class, invalid: str):
    """(form, notice, None) for a valid counter form naming a known notice; else (…, …, the redirect
    back to the counter with the error)."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return form, None, redirect(_counter_url(request.POST.get("number", "")[:64]))
    try:
        return form, notice_by_number(form.cleaned_data["number"]), None
    except ApplicationError as error:
        messages.error(request, error.message)
        return form, None, redirect(_counter_url())


@staff_console
@require_POST
def counter_book(request):
    form, notice, refused = _posted_notice(request, CounterBookForm,
                                           _("Choose a time and how the citizen reached you."))
    if refused:
        return refused
    slot = slot_by_id(form.cleaned_data["slot"])
    back = {"place": request.POST.get("place", ""), "day": request.POST.get("day", "")}
    if slot is None:
        messages.error(request, _("This time no longer exists. Please choose another time."))
        return redirect(_counter_url(notice.number, **back))
    try:
        outcome = reservation_book(notice=notice, slot=slot, actor=staff_actor(request, form.cleaned_data["channel"]))
    except BookingError as error:
        messages.error(request, error.message)
        return redirect(_counter_url(notice.number, **back))
    when = local(slot.starts_at)
    messages.success(request, (_("The booking was moved to %(when)s at %(place)s. Booking code: %(code)s.")
                               if outcome.moved else
                               _("Booked for %(when)s at %(place)s. Booking code: %(code)s."))
                     % {"when": f"{when:%Y-%m-%d %H:%M}", "place": slot.place.name,
                        "code": outcome.reservation.code})
    return redirect(_counter_url(notice.number, **back))


@staff_console
@require_POST
def counter_cancel(request):
    form, notice, refused = _posted_notice(request, CounterCancelForm, _("Choose how the citizen reached you."))
    if refused:
        return refused
    reservation = active_reservation(notice)
    if reservation is None:
        messages.error(request, _("This notice has no booking."))
        return redirect(_counter_url(notice.number))
    try:
        reservation_cancel(reservation=reservation, actor=staff_actor(request, form.cleaned_data["channel"]),
                           reason=form.cleaned_data["reason"] or "cancelled by staff")
    except BookingError as error:
        messages.error(request, error.message)
        return redirect(_counter_url(notice.number))
    messages.success(request, _("The booking was cancelled."))
    return redirect(_counter_url(notice.number))
