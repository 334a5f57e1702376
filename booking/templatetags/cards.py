"""Template helpers for card pages and prints: 外字 fallback, Code128 labels."""
from django import template
from django.utils.safestring import mark_safe

from booking import barcodes, glyphs

register = template.Library()


@register.filter
def glyph_fallback(text):
    """The text, escaped, with each character the IPA font lacks shown as 〓 and its code point."""
    return glyphs.with_fallback(text or "")


@register.simple_tag
def box_label(code):
    """The Code128 label of a storage box, as inline SVG."""
    return mark_safe(barcodes.box_label_svg(code))  # noqa: S308 - generated SVG, no user markup


@register.simple_tag
def code128(data):
    return mark_safe(barcodes.code128_svg(str(data)))  # noqa: S308 - generated SVG, no user markup
