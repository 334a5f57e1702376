from django import template

from booking import formatting

register = template.Library()


@register.filter
def local_date(value, language=None):
    """A date (or the date of a moment, in the city's time zone) with the era in Japanese."""
    if hasattr(value, "hour"):
        value = formatting.local(value).date()
    return formatting.date_label(value, language)


@register.filter
def local_time(value):
    return formatting.time_label(value)


@register.simple_tag
def slot_time(slot, language=None):
    return formatting.slot_label(slot.starts_at, slot.ends_at, language)
