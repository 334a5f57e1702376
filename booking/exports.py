"""Bookings as CSV (DATA-1), streamed chunk by chunk: UTF-8 with a BOM, or CP932 for Excel on Windows.

UTF-8 holds every character. CP932 (Shift_JIS as Windows writes it) does not: characters outside
it (𠮷 U+20BB7, most private-use 外字, hangul, emoji) are written as 〓 (ゲタ記号, itself a CP932
character) and counted in `ExportTally`, never dropped. Characters
that CP932 holds under another code point (〜 → ～, − → －, — → ―) are mapped, not counted.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

UTF8_BOM = codecs.BOM_UTF8
ENCODINGS = ("utf-8", "cp932")
REPLACEMENT = "〓"
ROWS_PER_CHUNK = 500
_ERRORS = "madoguchi-cp932-geta"

# The same character under the code point Windows' CP932 uses (Python's cp932 codec maps these).
CP932_EQUIVALENTS = str.maketrans({
    "\u301c": "\uff5e",  # 〜 WAVE DASH → ～
    "\u2212": "\uff0d",  # − MINUS SIGN → －
    "\u2014": "\u2015",  # — EM DASH → ―
    "\u2016": "\u2225",  # ‖ → ∥
    "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2",
})

_NEEDS_MAPPING = re.compile("[\u301c\u2212\u2014\u2016\u00a2\u00a3\u00ac]")


@dataclass
class ExportTally:
    """What one export wrote: rows, and characters CP932 could not hold (replaced by 〓)."""

    rows: int = 0
    replaced: int = 0
    characters: Counter = field(default_factory=Counter)

    def replaced_summary(self, limit: int = 20) -> list[str]:
        """The replaced characters as "𠮷 U+20BB7 ×3", most frequent first."""
        return [f"{char} U+{ord(char):04X} ×{count}" for char, count in self.characters.most_common(limit)]


_current = threading.local()


def _geta(error: UnicodeEncodeError):
    bad = error.object[error.start:error.end]
    tally = getattr(_current, "tally", None)
    if tally is not None:
        tally.replaced += len(bad)
        tally.characters.update(bad)
    return REPLACEMENT * len(bad), error.end


codecs.register_error(_ERRORS, _geta)


def encode_cp932(text: str, tally: ExportTally) -> bytes:
    """`text` in CP932; what it cannot hold becomes 〓 and is counted in `tally`."""
    _current.tally = tally
    if _NEEDS_MAPPING.search(text):
        text = text.translate(CP932_EQUIVALENTS)
    try:
        return text.encode("cp932", _ERRORS)
    finally:
        _current.tally = None


def csv_header() -> list[str]:
    return [_("Date"), _("Start"), _("End"), _("Place"), _("Ward"), _("Booking code"), _("Notice number"),
            _("Full name"), _("Name (kana)"), _("Status"), _("Channel"), _("Booked at")]


def csv_cells(row: tuple, *, statuses: dict[str, str], channels: dict[str, str]) -> list[str]:
    """One row of `booking.selectors.booking_lists.ROW_FIELDS` (times already in the city's zone) as cells."""
    day, start, end, place, ward, code, number, kanji, kana, status, channel, created = row
    return [day, start, end, place, ward or "", code, number, kanji or "", kana or "", statuses.get(status, status),
            channels.get(channel, channel), created]


def bookings_csv(rows: Iterable[tuple], *, encoding: str, tally: ExportTally, statuses: dict[str, str],
                 channels: dict[str, str], header: list[str] | None = None) -> Iterator[bytes]:
    """The CSV as byte chunks of ROWS_PER_CHUNK lines; `tally` counts rows and replaced characters."""
    if encoding not in ENCODINGS:
        raise ValueError(encoding)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8") if encoding == "utf-8" else encode_cp932(text, tally)

    writer.writerow(header or csv_header())
    first = flush()
    yield (UTF8_BOM + first) if encoding == "utf-8" else first
    pending = 0
    for row in rows:
        writer.writerow(csv_cells(row, statuses=statuses, channels=channels))
        tally.rows += 1
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield flush()
            pending = 0
    if pending:
        yield flush()
