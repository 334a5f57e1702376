from django import template

from lgwan_access.navigation import console_sections as _console_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def console_sections(context):
    return _console_sections(context["request"])
