"""Reading a card data file against the city's data (DATA-2): the plan an import would carry out.

`card_import_plan` checks every line and says, line by line, what the import would do: create a
card (and its notice if the city has none yet), update one, leave it unchanged, or skip it (a
card already handed over or closed is never written again, so nothing purged comes back). Every
problem comes with its line and column. The import service carries the plan out; the console
shows it as the preview.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from booking import cardfiles
from booking.cardfiles import CardFileError, CellError
from booking.clock import current_municipality
from booking.models import (
    CLOSED_CARD_STATUSES,
    Card,
    CardImport,
    CardImportMapping,
    Notice,
    NoticeStatus,
    StorageBox,
    Ward,
)
from booking.notice_numbers import notice_number_matches

# Card fields an import writes, by the file's field that fills them.
CARD_FIELDS = {
    "dispatch_number": "dispatch_number", "name_kanji": "name_kanji", "name_kana": "name_kana",
    "birth_date": "birth_date", "card_expires_on": "card_expires_on",
    "certificate_expires_on": "certificate_expires_on", "received_on": "arrived_on", "batch": "batch",
}
NOTICE_FIELDS = {"mailed_on": "mailed_on", "pickup_deadline": "expires_on"}
PROGRESS_EVERY = 2000
MAX_ERRORS_KEPT = 1000


@dataclass
class PlannedLine:
    line: int
    values: dict
    action: str  # create · update · unchanged · skip
    card_id: int | None
    notice_id: int | None
    notice_action: str  # create · update · keep
    ward_id: int | None
    changed: tuple[str, ...] = ()
    notice_changed: tuple[str, ...] = ()
    locate: bool = False  # the card gets the file's box and position


@dataclass
class ImportPlan:
    encoding: str = ""
    total_lines: int = 0
    lines: list[PlannedLine] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    fatal: str = ""  # the file as a whole was refused
    fatal_line: int | None = None

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.count("create"), "updated": self.count("update"),
                "unchanged": self.count("unchanged"), "skipped": self.count("skip"),
                "notices_created": sum(1 for line in self.lines if line.notice_action == "create")}


@dataclass(frozen=True)
class ImportProgress:
    """What the console's progress page shows (it refreshes without JavaScript)."""

    card_import: CardImport
    status: str
    status_label: str
    processed: int
    total: int
    finished: bool
    errors: list[dict]

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0


def card_import_mapping() -> CardImportMapping:
    """The city's column mapping, or (unsaved) the documented layout: a header row, known header texts."""
    return CardImportMapping.objects.filter(pk=1).first() or CardImportMapping(pk=1)


def card_import_progress(card_import_id: int) -> ImportProgress | None:
    record = CardImport.objects.defer("content").filter(pk=card_import_id).first()
    if record is None:
        return None
    return ImportProgress(card_import=record, status=record.status, status_label=record.get_status_display(),
                          processed=record.processed_lines, total=record.total_lines, finished=record.finished,
                          errors=list(record.errors or []))


def card_imports(limit: int = 50) -> list[CardImport]:
    """The latest imports, newest first, without their files."""
    return list(CardImport.objects.defer("content").order_by("-created_at", "-id")[:limit])


class _Context:
    """What the city already has, read once for the whole file."""

    def __init__(self):
        self.wards: dict[str, Ward] = {}
        for ward in Ward.objects.all():
            self.wards[ward.code] = self.wards[ward.code.lower()] = self.wards[ward.name] = ward
        self.cards = {row[0]: row for row in Card.objects.exclude(serial="").values_list(
            "serial", "pk", "notice_id", "notice__number", "status", "box_id",
            *CARD_FIELDS.values()).order_by()}
        self.notices = {row[0]: row for row in Notice.objects.values_list(
            "number", "pk", "ward_id", "birth_day", "mailed_on", "expires_on", "card__pk", "card__serial",
            "status").order_by()}
        self.boxes = dict(StorageBox.objects.values_list("code", "pk"))
        self.occupied = {(box_id, position): pk for pk, box_id, position in Card.objects.filter(
            box__isnull=False).values_list("pk", "box_id", "position")}
        self.pattern = current_municipality().notice_number_pattern


def card_import_plan(*, content: bytes, encoding: str | None = None, mapping: CardImportMapping | None = None,
                     progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Check every line of a card data file; nothing is written. `progress(done, total)` is called as it goes."""
    mapping = mapping or card_import_mapping()
    plan = ImportPlan()
    try:
        text, plan.encoding = cardfiles.decode(content, encoding or mapping.encoding)
        lines = list(cardfiles.rows(text))
        header = None
        if mapping.has_header:
            if not lines:
                raise CardFileError(_("The file is empty."))
            header = lines.pop(0)[1]
        layout = cardfiles.layout_from(header, has_header=mapping.has_header, columns=mapping.columns)
    except CardFileError as error:
        plan.fatal, plan.fatal_line = str(error.message), error.line
        return plan
    plan.total_lines = len(lines)
    if not lines:
        plan.fatal = str(_("The file contains no cards."))
        return plan
    context = _Context()
    seen_serials: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    seen_places: dict[tuple, int] = {}
    for done, (line_number, cells) in enumerate(lines, start=1):
        _plan_line(plan, context, layout, line_number, cells, seen_serials, seen_numbers, seen_places)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, plan.total_lines)
    if progress is not None:
        progress(plan.total_lines, plan.total_lines)
    return plan


def _plan_line(plan, context, layout, line_number, cells, seen_serials, seen_numbers, seen_places) -> None:
    errors: list[CellError] = []

    def error(key: str | None, message) -> None:
        index = layout.positions.get(key) if key else None
        errors.append(CellError(line_number, index + 1 if index is not None else None, layout.header_of(index),
                                key or "", str(message)))

    suspicious = cardfiles.individual_number_cells(cells)
    if suspicious:
        for index in suspicious:
            errors.append(CellError(line_number, index + 1, layout.header_of(index), "",
                                    str(_("This looks like a 12-digit individual number (個人番号); it must never "
                                          "enter this system."))))
        plan.errors.extend(errors)
        return
    values, problems = cardfiles.parse_line(cells, layout)
    for key, messages in problems.items():
        for message in messages:
            error(key, message)
    serial, number = values["card_serial"], values["notice_number"]
    card = context.cards.get(serial) if serial else None
    notice = context.notices.get(number) if number else None
    if serial in seen_serials:
        error("card_serial", _("The same card serial is on line %(line)s.") % {"line": seen_serials[serial]})
    if number in seen_numbers:
        error("notice_number", _("The same notice number is on line %(line)s.") % {"line": seen_numbers[number]})
    if serial:
        seen_serials.setdefault(serial, line_number)
    if number:
        seen_numbers.setdefault(number, line_number)
    if number and notice is None and not notice_number_matches(number, context.pattern):
        error("notice_number", _("The notice number does not have the form this city uses."))
    if card is not None and card[3] != number:
        error("card_serial", _("This card belongs to notice %(number)s.") % {"number": card[3]})
    elif card is None and notice is not None and notice[6] is not None and notice[7] != serial:
        error("notice_number", _("This notice already has the card %(serial)s.") % {"serial": notice[7] or "—"})
    ward = context.wards.get(values["ward"]) or context.wards.get(values["ward"].lower())
    if values["ward"] and ward is None:
        error("ward", _("Unknown ward “%(ward)s”.") % {"ward": values["ward"]})
    if notice is not None and ward is not None and notice[2] != ward.pk:
        error("ward", _("The notice belongs to another ward."))
    birth_date = values.get("birth_date")
    if notice is not None and birth_date and notice[3] is not None and notice[3] != birth_date.day:
        error("birth_date", _("The day of birth differs from the notice's."))
    closed = (card is not None and card[4] in CLOSED_CARD_STATUSES) or (
        notice is not None and notice[8] in (NoticeStatus.HANDED_OVER, NoticeStatus.CANCELLED))
    locate = False
    if values["box"] and not closed and (card is None or card[5] is None):
        place = (values["box"], values["position"])
        box_id = context.boxes.get(values["box"])
        holder = context.occupied.get((box_id, values["position"])) if box_id else None
        if place in seen_places:
            error("position", _("Line %(line)s puts another card at this place.") % {"line": seen_places[place]})
        elif holder is not None and (card is None or holder != card[1]):
            error("position", _("Another card is already at this place in box %(box)s.") % {"box": values["box"]})
        seen_places.setdefault(place, line_number)
        locate = True
    if errors:
        plan.errors.extend(errors)
        return
    plan.lines.append(_planned(line_number, values, card, notice, ward, closed, locate))


def _planned(line_number, values, card, notice, ward, closed, locate) -> PlannedLine:
    if closed:  # handed over, returned, destroyed or cancelled: never written again
        return PlannedLine(line_number, values, "skip", card[1] if card else None, notice[1] if notice else None,
                           "keep", ward.pk)
    notice_changed: tuple[str, ...] = ()
    if notice is None:
        notice_action = "create"
    else:
        current = {"mailed_on": notice[4], "expires_on": notice[5]}
        notice_changed = tuple(target for source, target in NOTICE_FIELDS.items()
                               if values.get(source) is not None and values[source] != current[target])
        notice_action = "update" if notice_changed else "keep"
    if card is None:
        return PlannedLine(line_number, values, "create", None, notice[1] if notice else None, notice_action,
                           ward.pk, locate=locate, notice_changed=notice_changed)
    current = dict(zip(CARD_FIELDS.values(), card[6:], strict=True))
    changed = tuple(target for source, target in CARD_FIELDS.items() if _differs(values.get(source), current[target]))
    action = "update" if changed or locate or notice_changed else "unchanged"
    return PlannedLine(line_number, values, action, card[1], card[2], notice_action, ward.pk, changed=changed,
                       notice_changed=notice_changed, locate=locate)


def _differs(new, old) -> bool:
    if isinstance(new, dt.date) or isinstance(old, dt.date):
        return new is not None and new != old  # an empty date in the file keeps what is known
    return (new or "") != (old or "") and bool(new)
