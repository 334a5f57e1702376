"""`{% url %}` as Django's, its `reverse` kept (see the package)."""
from __future__ import annotations

from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape

from kernel.template_tags import kept_reverse

register = Library()


class KeptURLNode(URLNode):
    def render(self, context):
        view_name = self.view_name.resolve(context)
        if self.asvar or not isinstance(view_name, str):
            return super().render(context)  # `as var` swallows a failed reverse: Django's way
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        request = getattr(context, "request", None)
        try:
            current_app = request.current_app
        except AttributeError:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = kept_reverse(view_name, args, kwargs, current_app)
        return conditional_escape(url) if context.autoescape else url


@register.tag("url")
def url(parser, token):
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
