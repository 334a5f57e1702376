"""Lists (DATA-1): bookings as CSV by day range, time, place, status and channel; the appointment sheet PDF.

The CSV is streamed (`lgwan_access/bookings_download.py`, shared with the staff API): memory stays the same
whatever the number of rows. UTF-8 with a BOM by default, CP932 on request; characters CP932
cannot hold are written as 〓 and counted — on the page before the download (the check), and in
the export's access log entry after it. Every export is recorded (EXPORT), every sheet (PRINT).
"""
from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.clock import city_today, city_tz
from booking.documents import appointment_sheet_pdf
from booking.exports import ExportTally, bookings_csv, csv_cells, csv_header
from booking.selectors.booking_lists import (
    BookingFilter,
    booking_count,
    booking_rows,
    booking_rows_first,
    channel_labels,
    status_labels,
)
from booking.selectors.lookups import places_with_wards
from lgwan_access.bookings_download import bookings_download
from lgwan_access.forms.lists import BookingListForm, SheetForm
from lgwan_access.guards import staff_console
from lgwan_access.lists_selectors import recent_exports
from lgwan_access.models import StaffAccessEntry
from lgwan_access.services.access_log import access_record

PREVIEW_ROWS = 50
CHECK_ROWS_AT_MOST = 20_000  # above this, CP932 replacements are counted during the download only


def _list_form(request, data, places):
    return BookingListForm(data, places=places, statuses=status_labels(), channels=channel_labels())


def _criteria(data) -> BookingFilter:
    return BookingFilter(date_from=data["date_from"], date_to=data["date_to"], time_from=data.get("time_from"),
                         time_to=data.get("time_to"), place_id=data.get("place"),
                         statuses=tuple(data.get("status") or ()), channels=tuple(data.get("channel") or ()))


def _cp932_check(criteria: BookingFilter, statuses, channels) -> ExportTally:
    """The CP932 file written to nowhere: how many characters would be replaced, and which."""
    tally = ExportTally()
    for _chunk in bookings_csv(booking_rows(criteria), encoding="cp932", tally=tally, statuses=statuses,
                               channels=channels):
        pass
    return tally


@staff_console
def lists(request):
    """The lists page: the filters, the number of bookings, the first rows, the CP932 check, the sheet."""
    today = city_today().isoformat()
    places = places_with_wards()
    form = _list_form(request, request.GET if "date_from" in request.GET else None, places)
    if not form.is_bound:
        form.initial = {"date_from": today, "date_to": today, "encoding": "utf-8"}
    context = {"form": form, "sheet_form": SheetForm(initial={"day": today}, places=places),
               "recent": recent_exports(request.user)}
    if form.is_bound and form.is_valid():
        criteria = _criteria(form.cleaned_data)
        statuses, channels = status_labels(), channel_labels()
        count = booking_count(criteria)
        context.update(count=count, header=csv_header(),
                       rows=[csv_cells(row, statuses=statuses, channels=channels)
                             for row in booking_rows_first(criteria, PREVIEW_ROWS)])
        if count <= CHECK_ROWS_AT_MOST:
            context["check"] = _cp932_check(criteria, statuses, channels)
    with timezone.override(city_tz()):
        return render(request, "lgwan_access/lists/lists.html", context)


@staff_console
def lists_export(request):
    """The CSV download, streamed; recorded as EXPORT with the filters, then with what was written."""
    places = places_with_wards()
    form = _list_form(request, request.GET, places)
    if not form.is_valid():
        with timezone.override(city_tz()):
            return render(request, "lgwan_access/lists/lists.html", {
                "form": form, "sheet_form": SheetForm(places=places),
                "recent": recent_exports(request.user)}, status=400)
    data = form.cleaned_data
    criteria = _criteria(data)
    encoding = data["encoding"]
    entry = access_record(request, StaffAccessEntry.Action.EXPORT, _("Bookings %(start)s–%(end)s") % {
        "start": criteria.date_from.isoformat(), "end": criteria.date_to.isoformat()},
        encoding=encoding, filters=request.GET.urlencode())
    return bookings_download(criteria=criteria, encoding=encoding, entry=entry, city=request.tenant)


@staff_console
def lists_sheet(request):
    """The appointment sheet of a day and place as a PDF (A4), recorded as PRINT."""
    places = places_with_wards()
    form = SheetForm(request.GET or None, places=places)
    if not form.is_valid():
        with timezone.override(city_tz()):
            return render(request, "lgwan_access/lists/lists.html", {
                "form": _list_form(request, None, places), "sheet_form": form, "recent": recent_exports(request.user)},
                status=400)
    place = next(place for place in places if place.pk == form.cleaned_data["place"])
    day = form.cleaned_data["day"]
    access_record(request, StaffAccessEntry.Action.PRINT, _("Appointment sheet %(place)s %(day)s") % {
        "place": place.name, "day": day.isoformat()}, place=place.code, day=day.isoformat())
    pdf = appointment_sheet_pdf(place=place, day=day, language=request.LANGUAGE_CODE or "ja",
                                era=form.cleaned_data["era"])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="appointments-{place.code}-{day:%Y%m%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
