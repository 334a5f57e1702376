"""The logged-in citizen: see the booking, choose a place and a time, confirm, change, cancel.

Each view reads what it needs once (`citizen_booking`), calls one service and shapes the page.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from booking.availability_cache import content_fragment
from booking.clock import local
from booking.errors import (
    AlreadyBookedError,
    BookingError,
    ChangeClosedError,
    ReservationNotActiveError,
    SlotFullError,
)
from booking.formatting import date_label
from booking.ics import booking_calendar_file
from booking.selectors.eligibility import CitizenBooking, citizen_booking
from booking.selectors.lookups import slot_by_id
from booking.services.audit import Actor
from booking.services.reservations import reservation_book, reservation_cancel
from booking.web.forms import ConfirmForm, DayBookingForm
from booking.web.months import calendar_day, day_times, day_times_for_view, shown_month_for_view
from booking.web.session import (
    citizen_required,
    citizen_session,
    citizen_session_extend,
    keep_fields_for,
    take_kept_fields,
)
from booking.web.tokens import token_issue, token_spend
from booking.web.waiting import leave_line

if TYPE_CHECKING:
    from booking.models import Place


def _place_or_404(booking: CitizenBooking, code: str) -> Place:
    """The place with `code` among those the notice may use."""
    place = booking.place(code)
    if place is None:
        raise Http404
    return place


def _actor(request) -> Actor:
    return Actor.citizen(notice=request.notice)


@citizen_required
def status(request):
    """The citizen's page: the booking if there is one, otherwise where to book."""
    language = translation.get_language()
    booking = citizen_booking(request.notice)
    reservation = booking.reservation
    place = reservation.slot.place if reservation else None
    return render(request, "booking/web/status.html", {
        "reservation": reservation,
        "place_name": place.localized_name(language) if place else "",
        "address": place.localized_address() if place else "",
        "guidance": place.guidance_in(language) if place else None,
        "bookable": booking.bookable,
        "start_url": _start_url(booking) if reservation is None else "",
    })


def _start_url(booking: CitizenBooking) -> str:
    if booking.start_place is not None:
        return reverse("citizen:month", args=[booking.start_place.code])
    return reverse("citizen:places")


@citizen_required
def places(request):
    language = translation.get_language()
    booking = citizen_booking(request.notice)
    if booking.start_place is not None:
        return redirect("citizen:month", booking.start_place.code)
    choices = [{"place": place, "name": place.localized_name(language), "address": place.localized_address(),
                "guidance": place.guidance_in(language)}
               for place in booking.places]
    return render(request, "booking/web/places.html", {"choices": choices})


@citizen_required
def month(request, place_code):
    booking = citizen_booking(request.notice)
    place = _place_or_404(booking, place_code)
    shown = shown_month_for_view(request, place, request.GET.get("month"))  # as the shared-page layer read it
    language = translation.get_language()
    # the table shows each day's state (from the seats and the time) and nothing else of the moment:
    # it is rendered once for each distinct set of states, so a booking that fills no day re-renders nothing
    calendar_html = content_fragment(
        "month", (place.pk, place.code, shown.month.isoformat(), language, shown.states),
        lambda: render_to_string("booking/web/_month_table.html",
                                 {"weeks": shown.availability.weeks(), "place": place}))
    return render(request, "booking/web/month.html", {
        "place": place,
        "place_name": place.localized_name(language),
        "month": shown.month,
        "calendar_table": mark_safe(calendar_html),  # noqa: S308 - rendered by our own template
        "previous_month": shown.previous,
        "next_month": shown.next,
        "has_booking": booking.has_booking,
        "several_places": len(booking.places) > 1,
    })


@citizen_required(keep_fields=("email", "slot"))
def day(request, place_code, date):
    """The times of a day, and the form that books one of them (or moves the booking there)."""
    booking = citizen_booking(request.notice)
    place = _place_or_404(booking, place_code)
    chosen = calendar_day(date)
    if chosen is None:
        raise Http404
    times = day_times_for_view(request, place, chosen)
    reservation = booking.reservation
    language = translation.get_language()
    form_options = {"bookable_slot_ids": times.bookable, "email_required": request.tenant.email_required}
    if request.method == "POST":
        form = DayBookingForm(request.POST, **form_options)
        if form.is_valid():
            if not token_spend(request, form.cleaned_data["token"]):
                messages.info(request, _("This form was already sent. Here is your booking as it stands."))
                return redirect("citizen:booking")
            slot = slot_by_id(form.cleaned_data["slot"])
            if slot is None or slot.place_id != place.pk:
                form.add_error("slot", _("This time can no longer be chosen."))
            else:
                response = _book(request, slot, form, language, taken_shows_form=True)
                if response is not None:
                    return response
                # the times as they are now (the one just taken among them), not as the snapshot had them
                times = day_times(place, chosen, fresh=True)
    if request.method == "POST":
        if times.next_days and "slot" in form.errors:  # the day's last time went: on to the next day with one
            return _on_to_the_next_day(request, place, chosen, times.next_days[0], form)
        form.data = form.data.copy()
        form.data["token"] = token_issue(request)
    else:
        kept = take_kept_fields(request)  # typed before the last login ran out
        form = DayBookingForm(initial={
            "token": token_issue(request), "slot": kept.get("slot") or None,
            "email": kept.get("email") or (reservation.email if reservation else "")}, **form_options)
    return render(request, "booking/web/day.html", {
        "place": place,
        "place_name": place.localized_name(language),
        "address": place.localized_address(),
        "guidance": place.guidance_in(language),
        "date": chosen,
        "slots": times.slots,
        "any_bookable": bool(times.bookable),
        "next_days": times.next_days,
        "reservation": reservation,
        "form": form,
        "chosen_slot": str(form["slot"].value() or ""),
    })


def _on_to_the_next_day(request, place: Place, full_day: dt.date, next_day: dt.date, form: DayBookingForm):
    """The time the citizen chose went while they chose it, and the day has none left: to `next_day`,
    the next that has one, with a word and the e-mail address they typed (a browser follows at once,
    where the day page would only offer the way on)."""
    url = reverse("citizen:day", args=[place.code, next_day.isoformat()])
    keep_fields_for(request, url, {"email": (form.data.get("email") or "").strip()})
    messages.error(request, _("Sorry, the time you chose was taken while you were choosing, and no time is "
                              "left on %(day)s. Here are the times of the next day that has one.")
                   % {"day": date_label(full_day)})
    return redirect(url)


@citizen_required(keep_fields=("email",))
def confirm(request, slot_id):
    booking = citizen_booking(request.notice)
    slot = slot_by_id(slot_id)
    if slot is None:
        raise Http404
    place = _place_or_404(booking, slot.place.code)
    reservation = booking.reservation
    email_required = request.tenant.email_required
    language = translation.get_language()
    if request.method == "POST":
        form = ConfirmForm(request.POST, email_required=email_required)
        if form.is_valid():
            if not token_spend(request, form.cleaned_data["token"]):
                messages.info(request, _("This form was already sent. Here is your booking as it stands."))
                return redirect("citizen:booking")
            response = _book(request, slot, form, language)
            if response is not None:
                return response
        form.data = form.data.copy()
        form.data["token"] = token_issue(request)
    else:
        kept = take_kept_fields(request)  # typed before the last login ran out
        email = kept.get("email") or (reservation.email if reservation else "")
        form = ConfirmForm(initial={"token": token_issue(request), "email": email}, email_required=email_required)
    return render(request, "booking/web/confirm.html", {
        "slot": slot, "place_name": place.localized_name(language), "address": place.localized_address(),
        "guidance": place.guidance_in(language), "form": form, "reservation": reservation,
        "day_url": reverse("citizen:day", args=[place.code, local(slot.starts_at).date().isoformat()]),
    })


def _book(request, slot, form, language, *, taken_shows_form: bool = False):
    """Book or move through the one booking service; a redirect on success or a clear way forward,
    None to show the form again with its errors (also when the time was taken meanwhile, where the
    form is the day's times: the citizen chooses again from the same answer, no second request)."""
    day_url = reverse("citizen:day", args=[slot.place.code, local(slot.starts_at).date().isoformat()])
    try:
        outcome = reservation_book(notice=request.notice, slot=slot, actor=_actor(request),
                                   email=form.cleaned_data["email"], language=language)
    except SlotFullError:
        taken = _("Sorry, this time was taken while you were choosing. Please choose another time.")
        if taken_shows_form:
            form.add_error("slot", taken)
            return None
        messages.error(request, taken)
        return redirect(day_url)
    except (AlreadyBookedError, ReservationNotActiveError):
        messages.info(request, _("Your notice already has a booking. Here it is."))
        return redirect("citizen:booking")
    except BookingError as error:
        if error.field and error.field in form.fields:
            form.add_error(error.field, error.message)
            return None
        messages.error(request, error.message)
        return redirect(day_url if not isinstance(error, ChangeClosedError) else reverse("citizen:booking"))
    messages.success(request, _("Your booking was changed.") if outcome.moved else _("Your booking is confirmed."))
    leave_line(request)  # done: the next citizen in line may come in
    return redirect("citizen:booking")


@citizen_required
def cancel(request):
    reservation = citizen_booking(request.notice).reservation
    if reservation is None:
        messages.info(request, _("There is no booking to cancel."))
        return redirect("citizen:booking")
    language = translation.get_language()
    if request.method == "POST":
        try:
            reservation_cancel(reservation=reservation, actor=_actor(request))
        except ChangeClosedError as error:
            messages.error(request, error.message)
        except ReservationNotActiveError:
            pass
        else:
            messages.success(request, _("Your booking was cancelled."))
        return redirect("citizen:booking")
    return render(request, "booking/web/cancel.html", {
        "reservation": reservation, "place_name": reservation.slot.place.localized_name(language),
    })


@citizen_required
def calendar_file(request):
    reservation = citizen_booking(request.notice).reservation
    if reservation is None:
        raise Http404
    response = HttpResponse(booking_calendar_file(reservation, translation.get_language()),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{reservation.code}.ics"'
    return response


def _session_text(session) -> str:
    return _("For your security, your session ends at %(time)s if you do nothing.") % {"time": session.ends_label}


@require_POST
@citizen_required
def extend_session(request):
    """Extend the login by its full length and go back to the page, or answer the dialog's script."""
    session = citizen_session_extend(request)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"seconds_left": session.seconds_left, "text": _session_text(session)})
    target = request.POST.get("next", "")
    if not (target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})):
        target = reverse("citizen:booking")
    return redirect(target)


@require_GET
@never_cache
def session_status(request):
    """How long the login has left, without extending it (the dialog's script asks before warning)."""
    session = citizen_session(request)
    if session is None:
        return JsonResponse({"seconds_left": 0})
    return JsonResponse({"seconds_left": session.seconds_left, "text": _session_text(session)})
