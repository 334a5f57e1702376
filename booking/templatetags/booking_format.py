from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext, pgettext_lazy

from booking import formatting
from booking.clock import city_tz

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
    return slot_list(slots, field.html_name, field.auto_id, chosen_slot)


def slot_list(slots, name: str, list_id: str, chosen_slot="") -> str:
    """The list `{% slot_choices %}` shows, for the field `name` (the shared day page fills it in
    with the same call). The markup is joined as plain strings; what is not ours (the words, the
    field's names) is escaped."""
    name, chosen, items = escape(name), str(chosen_slot or ""), []
    tz, free_words, state_words = city_tz(), {}, {}  # worked out once per list, not once per time
    for slot in slots:
        times = (f'<span class="slot-time">{formatting.time_label(slot.starts_at, tz)}–'
                 f'{formatting.time_label(slot.ends_at, tz)}</span>')
        slot_id, state = int(slot.slot_id), slot.state
        if slot.can_book:
            free = slot.free
            if free not in free_words:
                free_words[free] = escape(ngettext("%(free)s seat free", "%(free)s seats free", free) % {"free": free})
            checked = " checked" if chosen == str(slot_id) else ""
            body = (f'<label class="slot-button slot-option" for="slot-{slot_id}">'
                    f'<input type="radio" name="{name}" id="slot-{slot_id}" value="{slot_id}" required{checked}>'
                    f'{times}<span class="slot-free">{free_words[free]}</span></label>')
        else:
            if state not in state_words:
                state_words[state] = escape(DAY_STATES[state][1])
            body = (f'<span class="slot-button slot-button--disabled">{times}'
                    f'<span class="slot-free">{state_words[state]}</span></span>')
        items.append(f'<li class="slot slot--{escape(state)}">{body}</li>')
    return mark_safe(f'<ul class="slot-list" id="{escape(list_id)}">{"".join(items)}</ul>')  # noqa: S308
