"""What the lists section reads from the staff access log: the user's own recent exports."""
from __future__ import annotations

from lgwan_access.models import StaffAccessEntry


def recent_exports(user, *, limit: int = 5) -> list[StaffAccessEntry]:
    return list(StaffAccessEntry.objects.filter(user=user, action=StaffAccessEntry.Action.EXPORT)
                .order_by("-created_at", "-id")[:limit])
