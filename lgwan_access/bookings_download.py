"""The bookings CSV as a download, for the console's lists and the staff API alike (DATA-1).

Streamed (`StreamingHttpResponse` over a server-side cursor), so memory stays the same whatever
the number of rows. The body is written after the view returned: the labels are taken in the
request's language at once, the rows are read in the request's city whatever the connection did
in between, and the export's access log entry is completed with what was written.
"""
from __future__ import annotations

from django.http import StreamingHttpResponse
from django_tenants.utils import tenant_context

from booking.exports import ExportTally, bookings_csv, csv_header
from booking.selectors.booking_lists import BookingFilter, booking_rows, channel_labels, status_labels
from lgwan_access.models import StaffAccessEntry
from lgwan_access.services.exports import export_finish


def bookings_download(*, criteria: BookingFilter, encoding: str, entry: StaffAccessEntry,
                      city) -> StreamingHttpResponse:
    """The bookings `criteria` select, as CSV in `encoding` (utf-8-sig or cp932), recorded on
    `entry` (EXPORT) once written."""
    tally = ExportTally()
    header, statuses, channels = csv_header(), status_labels(), channel_labels()

    def stream():
        with tenant_context(city):
            yield from bookings_csv(booking_rows(criteria), encoding=encoding, tally=tally,
                                    statuses=statuses, channels=channels, header=header)
            export_finish(entry=entry, rows=tally.rows, replaced=tally.replaced,
                          replaced_characters=tally.replaced_summary())

    suffix = "sjis" if encoding == "cp932" else "utf8"
    charset = "Shift_JIS" if encoding == "cp932" else "utf-8"
    response = StreamingHttpResponse(stream(), content_type=f"text/csv; charset={charset}")
    response["Content-Disposition"] = (f'attachment; filename="bookings-{criteria.date_from:%Y%m%d}-'
                                       f'{criteria.date_to:%Y%m%d}-{suffix}.csv"')
    response["Cache-Control"] = "no-store"
    return response
