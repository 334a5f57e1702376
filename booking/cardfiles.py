"""The card data file (DATA-2): its layout, its encodings, and reading one line into typed values.

Pure functions, no database: `booking.selectors.card_import` resolves wards and existing cards.
The layout is documented in docs/cards.md. Decoding is strict in both encodings: a byte that is
neither UTF-8 nor CP932 refuses the file with its line, never a silent replacement. Names are
kept exactly as decoded (外字 and private-use code points included); only the kana reading is
NFKC-normalised (half-width カナ to full-width), because NFKC would rewrite some kanji.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from booking.notice_numbers import normalise_notice_number


@dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy translation
    required: bool
    headers: tuple[str, ...]  # header texts understood without a mapping (lower-cased where Latin)


FIELDS: tuple[Field, ...] = (
    Field("notice_number", _("notice number"), True, ("notice_number", "交付通知書番号", "通知書番号",
                                                       "交付通知書製造管理番号")),
    Field("dispatch_number", _("dispatch number"), False, ("dispatch_number", "発送番号")),
    Field("card_serial", _("card serial"), True, ("card_serial", "serial", "カード製造番号", "シリアル番号",
                                                   "カードシリアル番号")),
    Field("name_kanji", _("name"), True, ("name_kanji", "name", "氏名")),
    Field("name_kana", _("name (kana)"), False, ("name_kana", "kana", "氏名カナ", "フリガナ", "ふりがな")),
    Field("birth_date", _("date of birth"), True, ("birth_date", "生年月日")),
    Field("ward", _("ward"), True, ("ward", "区", "区名", "区コード")),
    Field("card_expires_on", _("card valid until"), False, ("card_expires_on", "カード有効期限")),
    Field("certificate_expires_on", _("certificate valid until"), False,
          ("certificate_expires_on", "電子証明書有効期限", "証明書有効期限")),
    Field("received_on", _("received on"), False, ("received_on", "受領日", "入荷日")),
    Field("batch", _("batch"), False, ("batch", "バッチ", "バッチ番号", "ロット")),
    Field("box", _("box"), False, ("box", "箱", "箱番号", "保管箱")),
    Field("shelf", _("shelf"), False, ("shelf", "棚", "棚番号")),
    Field("position", _("position in the box"), False, ("position", "箱内位置", "箱内番号", "位置")),
    Field("mailed_on", _("notice mailed on"), False, ("mailed_on", "通知書発送日", "発送日")),
    Field("pickup_deadline", _("pickup deadline"), False, ("pickup_deadline", "交付期限")),
)
FIELD_BY_KEY = {field.key: field for field in FIELDS}
# Headers that name the individual number (個人番号): such a file never enters (SEC-10).
FORBIDDEN_HEADERS = {"個人番号", "マイナンバー", "individual_number", "my_number", "mynumber", "kojin_bango"}
INDIVIDUAL_NUMBER = re.compile(r"^\d{4}[ \-]?\d{4}[ \-]?\d{4}$")
ENCODINGS = ("utf-8", "cp932")
MAX_COLUMNS = 200
BOX_CODE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,15}$")
SERIAL = re.compile(r"^[A-Z0-9]{1,32}$")
_KANA = re.compile(r"^[\u3040-\u309F\u30A0-\u30FFA-Za-z\s\u3000・ー'\-.]+$")
_CONTROL = {"Cc", "Cf", "Cs"}  # control, format (e.g. bidi overrides), lone surrogates
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー－_]")
ERAS = {"M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018,
        "明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_ERA_DATE = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$")


class CardFileError(Exception):
    """The file as a whole cannot be read (encoding, layout, forbidden column)."""

    def __init__(self, message, *, line: int | None = None):
        self.message, self.line = message, line
        super().__init__(str(message))


@dataclass(frozen=True)
class CellError:
    line: int
    column: int | None  # 1 = first column; None: the line as a whole
    header: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "header": self.header, "field": self.field,
                "message": str(self.message)}


@dataclass(frozen=True)
class Layout:
    """Where each field is: column index (0-based) by field key, and the header texts for messages."""

    positions: dict[str, int]
    headers: list[str]
    has_header: bool

    def header_of(self, index: int | None) -> str:
        if index is None:
            return ""
        if index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return column_letter(index + 1)


def column_letter(number: int) -> str:
    """1 → A, 27 → AA, as a spreadsheet names columns."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def decode(content: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of the file and the encoding used: the chosen one, or UTF-8 (BOM or not), else CP932."""
    candidates = [encoding] if encoding and encoding != "auto" else list(ENCODINGS)
    first_failure = None
    for candidate in candidates:
        if candidate not in ENCODINGS:
            raise CardFileError(_("Unknown encoding “%(encoding)s”: choose UTF-8 or Shift_JIS (CP932).")
                                % {"encoding": candidate})
        try:
            return content.decode("utf-8-sig" if candidate == "utf-8" else candidate, errors="strict"), candidate
        except UnicodeDecodeError as error:
            first_failure = first_failure or error
    line = content[: first_failure.start].count(b"\n") + 1
    if len(candidates) == 1:
        message = _("Line %(line)s is not valid %(encoding)s text. Choose the file's encoding or save it as UTF-8.")
    else:
        message = _("Line %(line)s is neither UTF-8 nor Shift_JIS (CP932) text.")
    raise CardFileError(message % {"line": line, "encoding": candidates[0]}, line=line)


def rows(text: str):
    """(line number, cells) of every non-empty line; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as error:
        raise CardFileError(_("Line %(line)s cannot be read as CSV: %(error)s")
                            % {"line": reader.line_num, "error": error}, line=reader.line_num) from None


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


DEFAULT_HEADERS = {_header_key(header): field.key for field in FIELDS for header in field.headers}


def layout_from(header_cells: list[str] | None, *, has_header: bool, columns: dict | None) -> Layout:
    """Where each field is, from the city's mapping or, without one, from the documented headers."""
    headers = [cell.strip() for cell in header_cells] if header_cells is not None else []
    if has_header and any(_header_key(cell) in FORBIDDEN_HEADERS for cell in headers):
        raise CardFileError(_("The file has a column of individual numbers (個人番号). They must never enter "
                              "this system: remove that column and import again."), line=1)
    positions: dict[str, int] = {}
    if columns:
        for key, where in columns.items():
            if key not in FIELD_BY_KEY:
                continue
            if has_header:
                matches = [index for index, cell in enumerate(headers) if _header_key(cell) == _header_key(str(where))]
                if matches:
                    positions[key] = matches[0]
            elif isinstance(where, int) or str(where).isdigit():
                positions[key] = int(where) - 1
    elif has_header:
        for index, cell in enumerate(headers):
            key = DEFAULT_HEADERS.get(_header_key(cell))
            if key and key not in positions:
                positions[key] = index
    else:
        positions = {field.key: index for index, field in enumerate(FIELDS)}
    missing = [str(field.label) for field in FIELDS if field.required and field.key not in positions]
    if missing:
        raise CardFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}, line=1)
    return Layout(positions=positions, headers=headers, has_header=has_header)


def individual_number_cells(cells: list[str]) -> list[int]:
    """Indexes of cells that look like a 12-digit individual number (個人番号)."""
    return [index for index, cell in enumerate(cells) if len(cell) >= 12 and INDIVIDUAL_NUMBER.match(
        cell.strip() if cell.isascii() else unicodedata.normalize("NFKC", cell).strip())]


def parse_date(value: str) -> dt.date | None:
    """YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, or 和暦 (R8.11.20, 令和8年11月20日, 平成元年…); empty → None."""
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        return dt.date.fromisoformat(text)  # the documented form, read in C
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    era = _ERA_DATE.match(text)
    if era:
        name, year, month, day = era.groups()
        return dt.date(ERAS[name] + (1 if year == "元" else int(year)), int(month), int(day))
    if re.fullmatch(r"\d{8}", text):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    parts = re.split(r"[\-/.]", text)
    if len(parts) == 3 and all(part.isdigit() for part in parts) and len(parts[0]) == 4:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(text)


def _nfkc(value: str) -> str:
    return value if value.isascii() else unicodedata.normalize("NFKC", value)


def normalise_serial(value: str) -> str:
    return _SEPARATORS.sub("", _nfkc(value or "")).upper()


def normalise_box_code(value: str) -> str:
    return re.sub(r"\s", "", _nfkc(value or "")).upper()


def _has_control(text: str) -> bool:
    if text.isascii():
        return _ASCII_CONTROL.search(text) is not None
    return any(unicodedata.category(char) in _CONTROL for char in text)


def _text(value: str, limit: int, errors: list) -> str:
    text = value.strip(" \t\u3000")
    if len(text) > limit:
        errors.append(_("At most %(limit)s characters.") % {"limit": limit})
    elif _has_control(text):
        errors.append(_("Contains a control character."))
    return text


def parse_line(cells: list[str], layout: Layout) -> tuple[dict, dict[str, list]]:
    """Typed values of one line by field, and the problems by field (nothing here needs the database)."""
    raw = {key: (cells[index] if index < len(cells) else "") for key, index in layout.positions.items()}
    values: dict = {}
    problems: dict[str, list] = {}

    def problem(key, message):
        problems.setdefault(key, []).append(message)

    for field in FIELDS:
        if field.key in raw and field.required and not raw[field.key].strip():
            problem(field.key, _("This field is required."))
    values["notice_number"] = normalise_notice_number(raw.get("notice_number", ""))
    serial = normalise_serial(raw.get("card_serial", ""))
    if serial and not SERIAL.match(serial):
        problem("card_serial", _("A card serial has letters and digits only, at most 32."))
    values["card_serial"] = serial
    for key, limit in (("name_kanji", 100), ("dispatch_number", 32), ("batch", 32), ("shelf", 32)):
        field_errors: list = []
        values[key] = _text(raw.get(key, ""), limit, field_errors)
        for message in field_errors:
            problem(key, message)
    kana = unicodedata.normalize("NFKC", raw.get("name_kana", "")).strip()
    if kana and (len(kana) > 100 or not _KANA.match(kana)):
        problem("name_kana", _("Write the reading in kana (or Latin letters), at most 100 characters."))
    values["name_kana"] = kana
    for key in ("birth_date", "card_expires_on", "certificate_expires_on", "received_on", "mailed_on",
                "pickup_deadline"):
        try:
            values[key] = parse_date(raw.get(key, ""))
        except ValueError:
            values[key] = None
            problem(key, _("Not a date: write YYYY-MM-DD, YYYYMMDD or 和暦 such as R8.11.20."))
    if values.get("birth_date") and values["birth_date"] > dt.date.today():
        problem("birth_date", _("The date of birth is in the future."))
    values["ward"] = _nfkc(raw.get("ward", "")).strip()
    box = normalise_box_code(raw.get("box", ""))
    position_text = _nfkc(raw.get("position", "")).strip()
    if box and not BOX_CODE.match(box):
        problem("box", _("A box code has letters, digits and hyphens only, at most 16."))
    position = None
    if position_text:
        if position_text.isdigit() and 1 <= int(position_text) <= 99999:
            position = int(position_text)
        else:
            problem("position", _("A position is a whole number from 1."))
    if box and not position_text:
        problem("position", _("A card with a box needs its position in the box."))
    if position_text and not box:
        problem("box", _("A position needs its box."))
    values["box"], values["position"] = box, position
    return values, problems
