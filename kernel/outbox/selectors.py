"""Reading the outbox: what waits, what was parked, what a sweeper should not queue twice."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from kernel.outbox.models import OutboxMessage


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int
    due: int  # pending and due now (not waiting for a backoff)
    parked: int
    oldest_pending_at: datetime | None

    @property
    def oldest_age_seconds(self) -> float:
        if self.oldest_pending_at is None:
            return 0.0
        return max((timezone.now() - self.oldest_pending_at).total_seconds(), 0.0)


def outbox_backlog() -> OutboxBacklog:
    now = timezone.now()
    figures = OutboxMessage.objects.filter(state__in=["pending", "parked"]).aggregate(
        pending=Count("id", filter=Q(state="pending")),
        due=Count("id", filter=Q(state="pending", available_at__lte=now)),
        parked=Count("id", filter=Q(state="parked")),
        oldest=Min("created_at", filter=Q(state="pending")),
    )
    return OutboxBacklog(pending=figures["pending"], due=figures["due"], parked=figures["parked"],
                         oldest_pending_at=figures["oldest"])


def outbox_pending_first_args(*, schema_name: str, task_name: str) -> set:
    """First arguments (e.g. reservation ids) of the messages of a task still waiting to be sent."""
    rows = OutboxMessage.objects.filter(schema_name=schema_name, task_name=task_name,
                                        state=OutboxMessage.State.PENDING).values_list("args", flat=True)
    return {args[0] for args in rows if args}
