"""Scheduled work of billing (platform tasks: they run in the public schema and enter each city).

Every task is safe to run twice: usage is unique per event, a draft is computed afresh, an issued
statement or report is never touched.
"""
from __future__ import annotations

import logging

from billing.selectors import previous_month
from billing.services.reports import report_draft
from billing.services.statements import statements_draft_all
from billing.services.usage import usage_record_city
from kernel.tasking import platform_task
from tenants.selectors import dangerously_active_cities

logger = logging.getLogger(__name__)


@platform_task(name="billing.record_usage_for_all_cities")
def record_usage_for_all_cities() -> int:
    """Beat, every ten minutes: each active city's new bookings, cancellations and calls become usage."""
    read = 0
    for municipality in dangerously_active_cities():
        try:
            read += usage_record_city(municipality=municipality)
        except Exception:  # one city's trouble never stops the others; the next run reads it again
            logger.exception("billing: usage of %s not recorded", municipality.schema_name)
    return read


@platform_task(name="billing.draft_reports_for_all_cities")
def draft_reports_for_all_cities() -> int:
    """Beat, on the 1st: the previous month's completion report of every city, as a draft to review."""
    month = previous_month()
    count = 0
    for municipality in dangerously_active_cities():
        report_draft(municipality=municipality, month=month)
        count += 1
    return count


@platform_task(name="billing.draft_statements_for_all_cities")
def draft_statements_for_all_cities() -> int:
    """Beat, on the 1st after the last usage was read: the previous month's invoices, as drafts."""
    for municipality in dangerously_active_cities():
        usage_record_city(municipality=municipality)
    return statements_draft_all(month=previous_month(), cities=dangerously_active_cities())
