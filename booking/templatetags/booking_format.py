from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext, pgettext_lazy

from booking import formatting

register = template.Library()

# What a calendar cell shows and says for each state of a day: a mark and a word, both visible;
# a past day shows its number only and says "past" to screen readers.
DAY_STATES = {
    "available": ("○", pgettext_lazy("calendar day", "free")),
    "few": ("△", pgettext_lazy("calendar day", "few left")),
    "full": ("×", pgettext_lazy("calendar day", "full")),
    "closed": ("－", pgettext_lazy("calendar day", "closed")),
    "too_late": ("－", pgettext_lazy("calendar day", "booking closed")),
    "too_early": ("－", pgettext_lazy("calendar day", "not open yet")),
    "past": ("", pgettext_lazy("calendar day", "past")),
}


@register.filter
def local_date(value, language=None):
    """A date (or the date of a moment, in the city's time zone) with the era in Japanese."""
    if hasattr(value, "hour"):
        value = formatting.local(value).date()
    return formatting.date_label(value, language)


@register.filter
def month_label(value, language=None):
    return formatting.month_label(value, language)


@register.filter
def local_time(value):
    return formatting.time_label(value)


@register.simple_tag
def slot_time(slot, language=None):
    return formatting.slot_label(slot.starts_at, slot.ends_at, language)


@register.filter
def day_state_word(state):
    return DAY_STATES[state][1]


@register.simple_tag
def calendar_day(day):
    """A calendar cell's content: the day number shows, the rest of the date and the state are read out.

    "令和8年12月" + "1" + "日（火）" + "空き": the accessible name contains all the visible text in
    order (WCAG 2.5.3) and states are words, not marks (the marks are hidden from screen readers).
    """
    before, number, after = formatting.date_label_parts(day.date)
    mark, word = DAY_STATES[day.state]
    date = format_html('<span class="day-number"><span class="visually-hidden">{}</span>{}'
                       '<span class="visually-hidden">{} </span></span>', before, number, after)
    if not mark:
        return format_html('{}<span class="visually-hidden">{}</span>', date, word)
    return format_html('{}<span class="day-mark" aria-hidden="true">{}</span><span class="day-text">{}</span>',
                       date, mark, word)


@register.simple_tag
def slot_choices(slots, field, chosen_slot=""):
    """The times of a day as the day page lists them: a radio button for each time that can be
    booked, the state in words for the others. Built here rather than in a template loop: a day of
    eighteen times is some three hundred template nodes, the largest part of the page's cost."""
    items = []
    for slot in slots:
        times = format_html('<span class="slot-time">{}–{}</span>',
                            formatting.time_label(slot.starts_at), formatting.time_label(slot.ends_at))
        if slot.can_book:
            free = ngettext("%(free)s seat free", "%(free)s seats free", slot.free) % {"free": slot.free}
            checked = " checked" if chosen_slot == str(slot.slot_id) else ""
            body = format_html(
                '<label class="slot-button slot-option" for="slot-{id}">'
                '<input type="radio" name="{name}" id="slot-{id}" value="{id}" required{checked}>'
                '{times}<span class="slot-free">{free}</span></label>',
                id=slot.slot_id, name=field.html_name, checked=checked, times=times, free=free)
        else:
            body = format_html('<span class="slot-button slot-button--disabled">{times}'
                               '<span class="slot-free">{word}</span></span>',
                               times=times, word=DAY_STATES[slot.state][1])
        items.append(format_html('<li class="slot slot--{}">{}</li>', slot.state, body))
    return format_html('<ul class="slot-list" id="{}">{}</ul>', field.auto_id, mark_safe("".join(items)))  # noqa: S308
