"""Dates and times as citizens read them: with the Japanese era (令和) in Japanese, localised otherwise."""
from __future__ import annotations

import datetime as dt
import re

from django.utils import formats, translation
from django.utils.dates import MONTHS, WEEKDAYS_ABBR

from booking.clock import local

ERAS = [  # (first day, name)
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
]
JA_WEEKDAYS = "月火水木金土日"
# Languages that write month and weekday names in lower case inside a date ("1 de dezembro de 2026
# (ter.)"); Django's catalogues capitalise them for Brazilian Portuguese.
LOWER_CASE_NAMES = {"pt-br": "."}  # language → mark after an abbreviated weekday


def wareki(day: dt.date) -> str:
    """令和8年12月1日 (the first year is written 元年)."""
    for first_day, name in ERAS:
        if day >= first_day:
            year = day.year - first_day.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def _era_year(day: dt.date) -> str:
    for first_day, name in ERAS:
        if day >= first_day:
            year = day.year - first_day.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    return f"{day.year}年"


def _lower_names(text: str, language: str) -> str:
    """Month names in lower case where the language writes them so (Portuguese)."""
    if language not in LOWER_CASE_NAMES:
        return text
    for number in range(1, 13):
        name = str(MONTHS[number])
        text = text.replace(name, name.lower())
    return text


def _weekday(day: dt.date, language: str) -> str:
    name = str(WEEKDAYS_ABBR[day.weekday()])
    if language in LOWER_CASE_NAMES:
        return name.lower() + LOWER_CASE_NAMES[language]
    return name


def date_label(day: dt.date, language: str | None = None) -> str:
    language = language or translation.get_language() or "ja"
    if language == "ja":
        return f"{wareki(day)}（{JA_WEEKDAYS[day.weekday()]}）"
    with translation.override(language):
        return f"{_lower_names(formats.date_format(day, 'DATE_FORMAT'), language)} ({_weekday(day, language)})"


def date_label_parts(day: dt.date, language: str | None = None) -> tuple[str, str, str]:
    """The date label split around its day of the month: ("令和8年12月", "1", "日（火）").

    A calendar shows only the day number; the rest is read out with it, so that a cell's
    accessible name contains its visible text (WCAG 2.5.3). The day is the last number standing
    alone in the label in all six languages (the era year or the year come before it).
    """
    label = date_label(day, language)
    matches = list(re.finditer(rf"(?<!\d){day.day}(?!\d)", label))
    if not matches:
        return label + " ", str(day.day), ""
    found = matches[-1]
    return label[:found.start()], str(day.day), label[found.end():]


def month_label(day: dt.date, language: str | None = None) -> str:
    """令和8年12月 · December 2026 · dezembro de 2026."""
    language = language or translation.get_language() or "ja"
    if language == "ja":
        return f"{_era_year(day)}{day.month}月"
    with translation.override(language):
        return _lower_names(formats.date_format(day, "YEAR_MONTH_FORMAT"), language)


def time_label(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """HH:MM in the city's time zone (`tz`: that zone, worked out once by a caller that labels many)."""
    return f"{(moment.astimezone(tz) if tz is not None else local(moment)):%H:%M}"


def slot_label(starts_at: dt.datetime, ends_at: dt.datetime | None = None, language: str | None = None) -> str:
    moment = local(starts_at)
    text = f"{date_label(moment.date(), language)} {time_label(moment)}"
    return f"{text}–{time_label(ends_at)}" if ends_at else text
