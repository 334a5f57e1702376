"""The access log's record of an export, completed when the last byte has been streamed (SEC-9)."""
from __future__ import annotations

from lgwan_access.models import StaffAccessEntry


def export_finish(*, entry: StaffAccessEntry, **details) -> None:
    """Add what the export wrote (rows, replaced characters) to its access entry."""
    StaffAccessEntry.objects.filter(pk=entry.pk).update(details={**entry.details, **details})
