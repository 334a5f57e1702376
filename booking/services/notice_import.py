"""Adding notices in bulk from a CSV file (OPS-7): the whole file lands, or nothing and every bad line.

Layout: a header line, then one notice per line. UTF-8 (with or without BOM) or Shift_JIS (CP932).

    notice_number,birth_day,ward,mailed_on,expires_on,place,birth_month
    AB1-234567,7,chuo,2026-11-20,2027-02-20,,

`ward` and `place` take a code or the Japanese name; `place` defaults to the ward's office.
Japanese headers are understood too (交付通知書番号, 生日, 区, 発送日, 交付期限, 交付場所, 生月).
A file carrying the 12-digit individual number (個人番号) is refused outright (SEC-10).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking.errors import NoticeImportError
from booking.models import Notice, Place, Ward
from booking.notice_numbers import normalise_notice_number
from booking.services.audit import Actor, audit_record_many
from booking.services.notices import default_place_for, notice_field_errors

MAX_ROWS = 50_000
HEADER_ALIASES = {
    "notice_number": "notice_number", "number": "notice_number", "交付通知書番号": "notice_number",
    "通知書番号": "notice_number", "交付通知書製造管理番号": "notice_number",
    "birth_day": "birth_day", "生日": "birth_day", "誕生日": "birth_day", "生年月日の日": "birth_day",
    "birth_month": "birth_month", "生月": "birth_month",
    "ward": "ward", "区": "ward",
    "mailed_on": "mailed_on", "発送日": "mailed_on",
    "expires_on": "expires_on", "交付期限": "expires_on",
    "place": "place", "交付場所": "place",
}
FORBIDDEN_HEADERS = {"個人番号", "individual_number", "my_number", "マイナンバー", "kojin_bango"}
REQUIRED = ("notice_number", "birth_day", "ward")
INDIVIDUAL_NUMBER = re.compile(r"^\d{4}[ -]?\d{4}[ -]?\d{4}$")


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return gettext("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class ImportResult:
    created: int  # with `dry_run`: how many would be created
    preview: tuple = ()  # the first PREVIEW_ROWS notices of the file, unsaved


PREVIEW_ROWS = 20


def decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NoticeImportError(_("The file is neither UTF-8 nor Shift_JIS text."))


def _date(value: str) -> dt.date | None:
    value = value.strip().replace("/", "-")
    return dt.date.fromisoformat(value) if value else None


def notices_import_csv(*, content: bytes, actor: Actor, dry_run: bool = False) -> ImportResult:
    """Check every line, then add every notice in one transaction, audited; or raise and add nothing.

    `dry_run` checks the whole file the same way and writes nothing (the staff console's preview).
    """
    reader = csv.reader(io.StringIO(decode(content)))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise NoticeImportError(_("The file is empty.")) from None
    if any(cell in FORBIDDEN_HEADERS for cell in header):
        raise NoticeImportError(_("The file contains individual numbers (個人番号). They must never enter this "
                                  "system: remove that column and import again."))
    columns = [HEADER_ALIASES.get(cell.lower(), HEADER_ALIASES.get(cell)) for cell in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise NoticeImportError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})

    wards = {w.code: w for w in Ward.objects.all()} | {w.name: w for w in Ward.objects.all()}
    places = {p.code: p for p in Place.objects.filter(is_active=True)} | {
        p.name: p for p in Place.objects.filter(is_active=True)}
    ward_offices = {ward.pk: default_place_for(ward) for ward in Ward.objects.all()}
    existing = set(Notice.objects.values_list("number", flat=True))
    seen: dict[str, int] = {}
    errors: list[LineError] = []
    notices: list[Notice] = []
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(notices) + len(errors) >= MAX_ROWS:
            raise NoticeImportError(_("Import at most %(max)s notices per file.") % {"max": MAX_ROWS})
        record = {name: (row[index].strip() if index < len(row) else "")
                  for index, name in enumerate(columns) if name}
        if any(INDIVIDUAL_NUMBER.match(cell.strip()) for cell in row):
            errors.append(LineError(line_number, str(_("This line holds a 12-digit individual number (個人番号); "
                                                         "it must never enter this system."))))
            continue
        notice, problems = _parse(record, wards, places, ward_offices, existing, seen, line_number)
        errors.extend(LineError(line_number, str(problem)) for problem in problems)
        if notice is not None and not problems:
            notices.append(notice)
    if errors:
        raise NoticeImportError(errors={"lines": [str(error) for error in errors]})
    if not notices:
        raise NoticeImportError(_("The file contains no notices."))
    if dry_run:
        return ImportResult(created=len(notices), preview=tuple(notices[:PREVIEW_ROWS]))
    with transaction.atomic():
        created = Notice.objects.bulk_create(notices, batch_size=1000)
        audit_record_many(actor=actor, action="notice.import", notices=created,
                          changes_of=lambda notice: {"status": notice.status})
    return ImportResult(created=len(created), preview=tuple(created[:PREVIEW_ROWS]))


def _parse(record, wards, places, ward_offices, existing, seen, line_number):
    problems = []
    number = normalise_notice_number(record.get("notice_number", ""))
    try:
        birth_day = int(record.get("birth_day", ""))
    except ValueError:
        birth_day = None
    birth_month = record.get("birth_month") or None
    try:
        birth_month = int(birth_month) if birth_month else None
    except ValueError:
        problems.append(_("The month of birth must be between 1 and 12."))
        birth_month = None
    for messages in notice_field_errors(number, birth_day, birth_month).values():
        problems.extend(messages)
    if number in existing:
        problems.append(_("A notice with this number already exists."))
    elif number and number in seen:
        problems.append(_("The same notice number is on line %(line)s.") % {"line": seen[number]})
    seen.setdefault(number, line_number)
    ward = wards.get(record.get("ward", ""))
    if ward is None:
        problems.append(_("Unknown ward “%(ward)s”.") % {"ward": record.get("ward", "")})
    place = None
    if record.get("place"):
        place = places.get(record["place"])
        if place is None:
            problems.append(_("Unknown place “%(place)s”.") % {"place": record["place"]})
    try:
        mailed_on, expires_on = _date(record.get("mailed_on", "")), _date(record.get("expires_on", ""))
    except ValueError:
        problems.append(_("Dates must be written as YYYY-MM-DD."))
        mailed_on = expires_on = None
    if problems:
        return None, problems
    return Notice(number=number, birth_day=birth_day, birth_month=birth_month, ward=ward,
                  default_place=place or ward_offices.get(ward.pk), mailed_on=mailed_on, expires_on=expires_on), []
