"""City texts in the page: `{{ place_name|localized }}` marks text in another language with `lang`."""
from django import template

from tenants.languages import japanese_term as _japanese_term
from tenants.languages import lang_html

register = template.Library()


@register.filter(is_safe=True)
def localized(value):
    """A LocalizedText (or plain text) as HTML; `<span lang="ja">` when it fell back to Japanese."""
    return lang_html(value)


@register.simple_tag
def japanese_term(term: str):
    """`{% japanese_term "交付通知書" as term %}` for use inside {% blocktranslate with term=term %}."""
    return _japanese_term(term)
