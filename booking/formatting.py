"""Dates and times as citizens read them: with the Japanese era (令和) in Japanese, localised otherwise."""
from __future__ import annotations

import datetime as dt

from django.utils import formats, translation
from django.utils.dates import WEEKDAYS_ABBR

from booking.clock import local

ERAS = [  # (first day, name)
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
]
JA_WEEKDAYS = "月火水木金土日"


def wareki(day: dt.date) -> str:
    """令和8年12月1日 (the first year is written 元年)."""
    for first_day, name in ERAS:
        if day >= first_day:
            year = day.year - first_day.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def date_label(day: dt.date, language: str | None = None) -> str:
    language = language or translation.get_language() or "ja"
    if language == "ja":
        return f"{wareki(day)}（{JA_WEEKDAYS[day.weekday()]}）"
    with translation.override(language):
        return f"{formats.date_format(day, 'DATE_FORMAT')} ({WEEKDAYS_ABBR[day.weekday()]})"


def time_label(moment: dt.datetime) -> str:
    return f"{local(moment):%H:%M}"


def slot_label(starts_at: dt.datetime, ends_at: dt.datetime | None = None, language: str | None = None) -> str:
    moment = local(starts_at)
    text = f"{date_label(moment.date(), language)} {time_label(moment)}"
    return f"{text}–{time_label(ends_at)}" if ends_at else text
