"""The card counter's summary for other console pages, such as the Today page:

    {% load cards_console %}{% cards_progress_summary %}
"""
from django import template

from booking.selectors.cards import STAGES, card_progress

register = template.Library()


@register.inclusion_tag("lgwan_access/cards/_progress_summary.html")
def cards_progress_summary():
    """Cards per stage over the whole city (the total row of the progress page), with a link to it."""
    total = card_progress(by="ward")[-1]
    return {"stages": [{"label": label, "count": total.counts[key]} for key, label in STAGES], "total": total.total}
