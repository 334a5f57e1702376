"""Printed documents of the card counter: the pull list as a PDF on A4, the progress report as CSV.

PDFs are rendered by weasyprint with the IPA fonts (`fonts-ipafont`, about a second a page set);
characters the font lacks are printed as 〓 with their code point (`booking.glyphs`). CSV goes
out as UTF-8 with a BOM, which Excel opens as Unicode: nothing of a name is lost to Shift_JIS.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking import barcodes
from booking.clock import city_tz, local
from booking.models import Place
from booking.selectors.cards import STAGES, card_progress
from booking.selectors.pull_list import PullListLine, pull_list


@dataclass(frozen=True)
class _PrintedLine:
    line: PullListLine
    svg: str

    def __getattr__(self, name):
        return getattr(self.line, name)


def pull_list_barcodes(*, place: Place, day: dt.date) -> dict[int, str]:
    """The Code128 SVG of every line of the day's pull list, by reservation id (for pages)."""
    return {line.reservation.pk: line.barcode_svg() for line in pull_list(place=place, day=day)}


def pull_list_html(*, place: Place, day: dt.date, language: str = "ja") -> str:
    lines = [_PrintedLine(line, line.barcode_svg()) for line in pull_list(place=place, day=day)]
    with translation.override(language):
        return render_to_string("booking/print/pull_list.html", {
            "place": place, "day": day, "lines": lines, "language": language, "printed_at": local(timezone.now()),
        })


def pull_list_pdf(*, place: Place, day: dt.date, language: str = "ja") -> bytes:
    """The pull list of a day and place as a PDF on A4, in storage order, with a barcode per line."""
    from weasyprint import HTML

    return HTML(string=pull_list_html(place=place, day=day, language=language)).write_pdf()


def appointment_sheet_html(*, place: Place, day: dt.date, language: str = "ja", era: bool = False) -> str:
    """The day's appointments at a place, by time, for the counter (DATA-1); `era` dates as 令和."""
    from django.utils.dates import WEEKDAYS_ABBR

    from booking.formatting import date_label
    from booking.selectors.booking_lists import appointment_sheet

    lines = appointment_sheet(place=place, day=day)
    with translation.override(language), timezone.override(city_tz()):
        day_label = (date_label(day, "ja") if era
                     else f"{day:%Y-%m-%d} ({WEEKDAYS_ABBR[day.weekday()]})")
        return render_to_string("booking/print/appointment_sheet.html", {
            "place": place, "day": day, "day_label": day_label, "lines": lines, "language": language,
            "printed_at": local(timezone.now()),
        })


def appointment_sheet_pdf(*, place: Place, day: dt.date, language: str = "ja", era: bool = False) -> bytes:
    """The appointment sheet of a day and place as a PDF on A4 (weasyprint, IPA fonts)."""
    from weasyprint import HTML

    return HTML(string=appointment_sheet_html(place=place, day=day, language=language, era=era)).write_pdf()


def box_label_svg(box_code: str) -> str:
    return barcodes.box_label_svg(box_code)


def card_progress_csv(*, by: str = "ward", language: str = "ja") -> bytes:
    """The progress report (OPS-3) as CSV: one line per ward or batch, a column per stage, a total line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    with translation.override(language):
        writer.writerow([_("Ward") if by == "ward" else _("Batch")] + [str(label) for _key, label in STAGES]
                        + [_("Total")])
        for row in card_progress(by=by):
            writer.writerow([row.label] + [row.counts[key] for key, _label in STAGES] + [row.total])
    return out.getvalue().encode("utf-8-sig")
