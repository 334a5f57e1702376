from django import template

register = template.Library()


@register.filter
def percent(value):
    return "—" if value is None else f"{100 * value:.1f} %"


@register.filter
def seconds(value):
    if value is None:
        return "—"
    value = int(round(value))
    return f"{value // 60}:{value % 60:02d}" if value >= 60 else f"{value} s"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
