"""`{% form_field form.email %}`: a form field as `_field.html` shows it, rendered once per city,
language and field while it is empty and unbound.

Django renders every widget through templates (a choice of 31 days is 31 included templates); a
start page or a day page shows the same empty fields to every citizen, so their HTML is kept in
the shared cache. A field with a value, an error or a bound form is rendered as usual.
"""
from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from booking.availability_cache import content_fragment

register = template.Library()

TEMPLATE = "booking/web/_field.html"


@register.simple_tag
def form_field(field):
    def render() -> str:
        return render_to_string(TEMPLATE, {"field": field})

    if field.form.is_bound or field.value() not in (None, "", []):
        return mark_safe(render())  # noqa: S308 - our own template, which escapes
    widget = field.field.widget
    parts = (type(field.form).__module__, type(field.form).__qualname__, field.name, field.auto_id,
             translation.get_language(), field.field.required, str(field.label), str(field.help_text),
             repr(sorted(widget.attrs.items())), repr(list(getattr(field.field, "choices", []))))
    return mark_safe(content_fragment("field", parts, render))  # noqa: S308
