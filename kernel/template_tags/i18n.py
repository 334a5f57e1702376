"""Django's `i18n` template library, with the translation of fixed strings kept (see the package)."""
from __future__ import annotations

from django.template import Library
from django.templatetags import i18n as django_i18n
from django.utils import translation

from kernel.template_tags import generation

register = Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class KeptTranslateNode(django_i18n.TranslateNode):
    """A fixed string's translation, worked out once per language (a string written in a template
    is safe to Django, and so is its translation: autoescaping never changes it)."""

    def __init__(self, node: django_i18n.TranslateNode):
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self._kept: dict[tuple, str] = {}

    def render(self, context):
        key = (translation.get_language(), generation())
        value = self._kept.get(key)
        if value is None:
            value = self._kept[key] = super().render(context)
        return value


def _constant(expression) -> bool:
    """A filter expression that is a fixed string (Django keeps a constant as a str or a literal)."""
    return not expression.filters and (isinstance(expression.var, str)
                                       or getattr(expression.var, "literal", None) is not None)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    fixed = not node.asvar and _constant(node.filter_expression) and (
        node.message_context is None or _constant(node.message_context))
    return KeptTranslateNode(node) if fixed else node
