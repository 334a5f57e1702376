"""The operator console (CC-3…CC-6, CC-12, CC-14) on the platform's domain.

Operators work for several cities: every page names the city in its URL, only their cities are
reachable (`access_municipalities`), and city data is read inside that city's schema. Views are
thin: selectors read, services write, bookings go through `reservation_book`/`reservation_cancel`.
"""
from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context

from booking.clock import city_today, local
from booking.errors import BookingError, UnknownNoticeError
from booking.selectors.availability import place_day
from booking.selectors.eligibility import active_reservation, allowed_places, notice_bookable
from booking.selectors.lookups import notice_by_number, slot_by_id, wards
from booking.selectors.phone import next_free_slots
from booking.services.citizen_login import notice_login_locked, notice_login_unlock
from booking.services.reservations import reservation_book, reservation_cancel
from kernel.errors import ApplicationError
from telephony_adapter import forms
from telephony_adapter.routing.models import PresenceStatus
from telephony_adapter.selectors import complaints as complaint_selectors
from telephony_adapter.selectors import console as console_selectors
from telephony_adapter.selectors.hours import call_centre_settings, upcoming_days
from telephony_adapter.selectors.reports import monthly_report, monthly_report_csv, monthly_report_pdf
from telephony_adapter.selectors.routing import dialled_numbers_of
from telephony_adapter.selectors.statistics import ServiceLevel, merge_buckets, service_level, service_levels_by
from telephony_adapter.services import console, distribution
from telephony_adapter.staffing import agents_needed, erlang_a
from tenants.access import access_municipalities, access_supervised_municipalities, operator_console_required
from tenants.languages import language_name


def _cities(user):
    return list(access_municipalities(user))


def _city(request, slug: str):
    city = access_municipalities(request.user).filter(schema_name=slug).first()
    if city is None:
        raise Http404
    return city


def _supervised_city(request, slug: str):
    city = access_supervised_municipalities(request.user).filter(schema_name=slug).first()
    if city is None:
        raise PermissionDenied
    return city


def _base_context(request, current=None) -> dict:
    cities = _cities(request.user)
    return {"cities": cities, "current_city": current, "presence": console_selectors.operator_presence(request.user),
            "presence_choices": PresenceStatus.choices, "supervisor": access_supervised_municipalities(
                request.user).exists()}


@operator_console_required
def home(request):
    context = _base_context(request)
    pop = console_selectors.operator_screen_pop(request.user)
    context.update(pop=pop, pop_language=language_name(pop.language) if pop else "",
                   queues=console_selectors.queue_lines(context["cities"]), outcome_form=forms.OutcomeForm(),
                   skills=[language_name(code) for code in request.user.language_skills])
    return render(request, "telephony_adapter/home.html", context)


@operator_console_required
@require_POST
def presence(request):
    status = request.POST.get("status", "")
    if status == PresenceStatus.AVAILABLE:
        route = distribution.operator_ready(user=request.user)
        if route is not None:
            with tenant_context(route.municipality):
                console.call_resume(route=route)
    elif status in (PresenceStatus.BUSY, PresenceStatus.WRAP_UP, PresenceStatus.OFFLINE):
        distribution.operator_set_status(user=request.user, status=status)
    return redirect("telephony_adapter:home")


@operator_console_required
@require_POST
def answer(request):
    console.console_answer(user=request.user)
    return redirect("telephony_adapter:home")


@operator_console_required
@require_POST
def finish(request):
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome for this call."))
        return redirect("telephony_adapter:home")
    city, _call = console_selectors.operator_call_record(request.user)
    if city is None:
        raise ApplicationError(_("There is no call on your line."))
    with tenant_context(city):
        console.console_finish(user=request.user, outcome=form.cleaned_data["outcome"],
                               note=form.cleaned_data["note"])
    messages.success(request, _("The call was closed. Choose “Available” for the next call."))
    return redirect("telephony_adapter:home")


def _call_here(request, city):
    """The call on the operator's line if it is for this city (its record), else None."""
    call_city, call = console_selectors.operator_call_record(request.user)
    return call if call_city is not None and call_city.pk == city.pk else None


@operator_console_required
def city_desk(request, slug: str):
    """The city's desk: find the notice, see availability, book, move, cancel, unlock, escalate."""
    city = _city(request, slug)
    context = _base_context(request, city)
    with tenant_context(city):
        call = _call_here(request, city)
        lookup = forms.NoticeLookupForm(request.GET or None)
        notice = reservation = None
        if lookup.is_bound and lookup.is_valid():
            try:
                notice = notice_by_number(lookup.cleaned_data["number"])
            except UnknownNoticeError as error:
                lookup.add_error("number", error.message)
            except ApplicationError as error:
                lookup.add_error("number", error.message)
        day = _day_param(request)
        if notice is not None:
            reservation = active_reservation(notice)
            if call is not None:
                console.call_link_notice(call=call, notice=notice)
            places = allowed_places(notice)
            context.update(
                notice=notice, reservation=reservation, locked=notice_login_locked(notice.number),
                bookable=notice_bookable(notice), day=day,
                free_slots=next_free_slots(notice, count=8,
                                           exclude_slot_id=reservation.slot_id if reservation else None),
                day_slots=[(place, place_day(place=place, day=day)) for place in places] if day else [],
            )
        booked_code = request.GET.get("booked", "")
        if reservation is not None and booked_code and booked_code == reservation.code:
            context["script"] = _booking_script(reservation, call.language if call else translation.get_language())
        context.update(
            lookup=lookup, call=call, wards=wards(), referrals=console_selectors.referral_directory(),
            escalation_form=forms.EscalationForm(wards=wards()), complaint_form=forms.ComplaintForm(),
            callbacks=console_selectors.open_callbacks(), numbers=dialled_numbers_of(city),
            today=city_today(),
        )
        return render(request, "telephony_adapter/city.html", context)


def _day_param(request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


def _booking_script(reservation, language: str) -> dict:
    """What the operator reads out after a booking (CC-4): time, place, what to bring, the city's words."""
    place = reservation.slot.place
    guidance = place.guidance_in(language)
    return {"language": language, "place": place.localized_name(language), "address": place.address,
            "starts_at": local(reservation.slot.starts_at), "ends_at": local(reservation.slot.ends_at),
            "bring": guidance.bring_items, "hours": guidance.hours, "access": guidance.access,
            "code": reservation.code, "extra": call_centre_settings().script_in(language)}


def _desk(slug: str, number: str = "", **params) -> str:
    url = reverse("telephony_adapter:city", args=[slug])
    query = "&".join(f"{key}={value}" for key, value in {"number": number, **params}.items() if value)
    return f"{url}?{query}" if query else url


@operator_console_required
@require_POST
def book(request, slug: str):
    city = _city(request, slug)
    number = request.POST.get("number", "")
    with tenant_context(city):
        notice = notice_by_number(number)
        slot = slot_by_id(int(request.POST.get("slot", "0") or 0)) if request.POST.get("slot", "").isdigit() else None
        if slot is None:
            raise Http404
        call = _call_here(request, city)
        language = call.language if call else "ja"
        try:
            outcome = reservation_book(notice=notice, slot=slot, actor=console.operator_actor(request.user),
                                       language=language)
        except BookingError as error:
            messages.error(request, error.message)
            return redirect(_desk(slug, notice.number))
        if call is not None:
            console.call_outcome_note(call=call, outcome="changed" if outcome.moved else "booked")
        messages.success(request, _("The booking was moved.") if outcome.moved else _("The booking was made."))
        return redirect(_desk(slug, notice.number, booked=outcome.reservation.code))


@operator_console_required
@require_POST
def cancel(request, slug: str):
    city = _city(request, slug)
    with tenant_context(city):
        notice = notice_by_number(request.POST.get("number", ""))
        reservation = active_reservation(notice)
        if reservation is None:
            messages.error(request, _("This notice has no booking."))
            return redirect(_desk(slug, notice.number))
        try:
            reservation_cancel(reservation=reservation, actor=console.operator_actor(request.user),
                               reason=request.POST.get("reason", "")[:200] or "cancelled at the caller's request")
        except BookingError as error:
            messages.error(request, error.message)
            return redirect(_desk(slug, notice.number))
        call = _call_here(request, city)
        if call is not None:
            console.call_outcome_note(call=call, outcome="cancelled")
        messages.success(request, _("The booking was cancelled."))
        return redirect(_desk(slug, notice.number))


@operator_console_required
@require_POST
def unlock(request, slug: str):
    city = _city(request, slug)
    number = request.POST.get("number", "")
    if not request.POST.get("identity_checked"):
        messages.error(request, _("Check the caller's identity (notice number and date of birth) before unlocking."))
        return redirect(_desk(slug, number))
    with tenant_context(city):
        unlocked = notice_login_unlock(number=number, actor=console.operator_actor(request.user))
        call = _call_here(request, city)
        if unlocked and call is not None:
            console.call_outcome_note(call=call, outcome="unlocked")
    messages.success(request, _("The notice was unlocked.") if unlocked else _("The notice was not locked."))
    return redirect(_desk(slug, number))


@operator_console_required
@require_POST
def escalate(request, slug: str):
    city = _city(request, slug)
    with tenant_context(city):
        call = _call_here(request, city)
        if call is None:
            raise ApplicationError(_("There is no call on your line for this city."))
        ward_list = wards()
        form = forms.EscalationForm(request.POST, wards=ward_list)
        if not form.is_valid():
            messages.error(request, _("Choose the ward and write why the call is escalated."))
            return redirect(_desk(slug, request.POST.get("number", "")))
        ward = next(ward for ward in ward_list if ward.code == form.cleaned_data["ward"])
        escalation = console.escalation_record(user=request.user, call=call, ward=ward,
                                               reason=form.cleaned_data["reason"])
    if escalation.transferred_to:
        messages.success(request, _("The call is being transferred to %(number)s.") % {
            "number": escalation.transferred_to})
    else:
        messages.success(request, _("The escalation was recorded; the ward office has no number to transfer to."))
    return redirect(_desk(slug, request.POST.get("number", "")))


@operator_console_required
@require_POST
def refer(request, slug: str):
    city = _city(request, slug)
    with tenant_context(city):
        call = _call_here(request, city)
        referral = next((entry for entry in console_selectors.referral_directory()
                         if str(entry.pk) == request.POST.get("referral")), None)
        if call is None or referral is None:
            raise ApplicationError(_("Choose a referral during a call for this city."))
        console.referral_give(user=request.user, call=call, referral=referral)
    messages.success(request, _("Referral recorded: %(name)s, %(phone)s.") % {"name": referral.name,
                                                                               "phone": referral.phone})
    return redirect(_desk(slug, request.POST.get("number", "")))


@operator_console_required
def complaints(request, slug: str):
    city = _city(request, slug)
    context = _base_context(request, city)
    with tenant_context(city):
        form = forms.ComplaintForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            console.complaint_record(user=request.user, call=_call_here(request, city),
                                     category=form.cleaned_data["category"],
                                     description=form.cleaned_data["description"])
            messages.success(request, _("The complaint was recorded and reported to the city."))
            return redirect("telephony_adapter:complaints", slug=slug)
        context.update(form=form, complaints=complaint_selectors.city_complaints(),
                       status_form=forms.ComplaintStatusForm())
        return render(request, "telephony_adapter/complaints.html", context)


@operator_console_required
@require_POST
def complaint_status(request, slug: str, pk: int):
    city = _city(request, slug)
    with tenant_context(city):
        complaint = complaint_selectors.complaint_by_id(pk)
        form = forms.ComplaintStatusForm(request.POST)
        if complaint is None:
            raise Http404
        if form.is_valid():
            console.complaint_update(complaint=complaint, status=form.cleaned_data["status"],
                                     resolution=form.cleaned_data["resolution"])
            messages.success(request, _("The handling status was saved."))
    return redirect("telephony_adapter:complaints", slug=slug)


@operator_console_required
def callbacks(request, slug: str):
    city = _city(request, slug)
    context = _base_context(request, city)
    with tenant_context(city):
        if request.method == "POST":
            entry = next((cb for cb in console_selectors.open_callbacks(500)
                          if str(cb.pk) == request.POST.get("callback")), None)
            if entry is not None:
                console.callback_close(user=request.user, callback=entry, status=request.POST.get("status", ""),
                                       note=request.POST.get("note", ""))
                messages.success(request, _("The call-back was closed."))
            return redirect("telephony_adapter:callbacks", slug=slug)
        context["callbacks"] = console_selectors.open_callbacks(500)
        return render(request, "telephony_adapter/callbacks.html", context)


@operator_console_required
def referrals(request, slug: str):
    city = _supervised_city(request, slug)
    context = _base_context(request, city)
    with tenant_context(city):
        form = forms.ReferralForm(request.POST or None)
        if request.method == "POST" and request.POST.get("retire"):
            entry = next((r for r in console_selectors.referral_directory() if str(r.pk) == request.POST["retire"]),
                         None)
            if entry is not None:
                console.referral_retire(referral=entry)
            return redirect("telephony_adapter:referrals", slug=slug)
        if request.method == "POST" and form.is_valid():
            console.referral_save(referral=None, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"],
                                  topics=form.cleaned_data["topics"], hours=form.cleaned_data["hours"],
                                  sort_order=form.cleaned_data["sort_order"] or 0)
            messages.success(request, _("The referral was added."))
            return redirect("telephony_adapter:referrals", slug=slug)
        context.update(form=form, referrals=console_selectors.referral_directory())
        return render(request, "telephony_adapter/referrals.html", context)


@operator_console_required
def city_settings(request, slug: str):
    city = _supervised_city(request, slug)
    context = _base_context(request, city)
    with tenant_context(city):
        policy = call_centre_settings()
        form = forms.SettingsForm(request.POST if request.POST.get("form") == "settings" else None, instance=policy)
        day_form = forms.DayForm(request.POST if request.POST.get("form") == "day" else None)
        if request.method == "POST":
            if request.POST.get("form") == "settings" and form.is_valid():
                console.settings_save(values={f: form.cleaned_data[f] for f in form.Meta.fields})
                messages.success(request, _("The settings were saved."))
                return redirect("telephony_adapter:settings", slug=slug)
            if request.POST.get("form") == "day" and day_form.is_valid():
                data = day_form.cleaned_data
                console.day_set(date=data["date"], is_open=data["is_open"], opens_at=data["opens_at"],
                                closes_at=data["closes_at"], note=data["note"])
                messages.success(request, _("The day was saved."))
                return redirect("telephony_adapter:settings", slug=slug)
            if request.POST.get("form") == "remove_day":
                with contextlib.suppress(ValueError):
                    console.day_remove(date=dt.date.fromisoformat(request.POST.get("date", "")))
                return redirect("telephony_adapter:settings", slug=slug)
        context.update(form=form, day_form=day_form, days=upcoming_days())
        return render(request, "telephony_adapter/settings.html", context)


@operator_console_required
def report(request, slug: str, year: int, month: int, fmt: str):
    city = _supervised_city(request, slug)
    if not 1 <= month <= 12 or fmt not in ("csv", "pdf"):
        raise Http404
    with tenant_context(city):
        data = monthly_report(year, month)
        names = dict(console.channel_choices())
        if fmt == "csv":
            response = HttpResponse(monthly_report_csv(data, names), content_type="text/csv; charset=utf-8")
        else:
            pdf = monthly_report_pdf(data, {"city": city, "channel_names": names, "generated_at": timezone.now(),
                                            "outcome_names": dict(console.outcome_choices())})
            response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="call-centre-{slug}-{year}-{month:02d}.{fmt}"'
        return response


def _levels(cities, start, end) -> tuple[list[tuple], ServiceLevel]:
    rows, total = [], ServiceLevel()
    for city in cities:
        with tenant_context(city):
            level = service_level(start=start, end=end)
        rows.append((city, level))
        total = total + level
    return rows, total


@operator_console_required
def statistics(request):
    """Answer rate, abandonment, speed of answer, handle time per hour, day or month; per city and overall."""
    cities = list(access_supervised_municipalities(request.user)) or _cities(request.user)
    period = request.GET.get("period", "day") if request.GET.get("period") in ("hour", "day", "month") else "day"
    now = timezone.now()
    span = {"hour": dt.timedelta(days=1), "day": dt.timedelta(days=31), "month": dt.timedelta(days=366)}[period]
    start, end = now - span, now + dt.timedelta(minutes=1)
    series_by_city = []
    for city in cities:
        with tenant_context(city):
            series_by_city.append((city, service_levels_by(period, start=start, end=end)))
    context = _base_context(request)
    context.update(period=period, series_by_city=series_by_city,
                   overall=merge_buckets([series for _city, series in series_by_city]),
                   totals=_levels(cities, start, end))
    return render(request, "telephony_adapter/statistics.html", context)


def _wallboard_data(user) -> dict:
    cities = list(access_supervised_municipalities(user))
    if not cities:
        raise PermissionDenied
    now = timezone.now()
    rows, total = _levels(cities, now - dt.timedelta(hours=1), now + dt.timedelta(seconds=1))
    today_rows, today_total = [], ServiceLevel()
    for city in cities:
        with tenant_context(city):
            start = dt.datetime.combine(city_today(), dt.time.min, tzinfo=local(now).tzinfo)
            level = service_level(start=start, end=now + dt.timedelta(seconds=1))
            target = float(call_centre_settings().answer_rate_target)
        today_rows.append((city, level, target))
        today_total = today_total + level
    return {"cities": cities, "queues": console_selectors.queue_lines(cities, now),
            "operators": console_selectors.operators_by_status(cities), "hour": rows, "hour_total": total,
            "today": today_rows, "today_total": today_total, "now": now}


@operator_console_required
def wallboard(request):
    context = _base_context(request)
    context.update(_wallboard_data(request.user))
    context["status_names"] = dict(PresenceStatus.choices)
    return render(request, "telephony_adapter/wallboard.html", context)


def _rate(value) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


@operator_console_required
def wallboard_json(request):
    data = _wallboard_data(request.user)
    return JsonResponse({
        "now": data["now"].isoformat(),
        "operators": data["operators"],
        "queues": {line.city.schema_name: {"waiting": line.waiting, "longest_wait_seconds": line.longest_wait_seconds}
                   for line in data["queues"]},
        "hour": {"answer_rate": _rate(data["hour_total"].answer_rate), "offered": data["hour_total"].offered},
        "today": {city.schema_name: {"answer_rate": _rate(level.answer_rate), "offered": level.offered,
                                     "answered": level.answered, "abandoned": level.abandoned,
                                     "below_target": level.answer_rate is not None and level.answer_rate < target}
                  for city, level, target in data["today"]},
    }, json_dumps_params={"ensure_ascii": False})


@operator_console_required
def staffing(request):
    form = forms.StaffingForm(request.GET or None)
    result = erlang = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = agents_needed(calls_per_hour=data["calls_per_hour"], handle_seconds=data["handle_seconds"],
                               target=data["target"], within_seconds=data["within_seconds"])
        if data.get("patience_seconds"):
            erlang = erlang_a(result.agents, data["calls_per_hour"], data["handle_seconds"],
                              data["patience_seconds"], data["within_seconds"])
    context = _base_context(request)
    context.update(form=form, result=result, erlang_a=erlang)
    return render(request, "telephony_adapter/staffing.html", context)


